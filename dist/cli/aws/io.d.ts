/** Where commands read and write, so tests can capture output and feed standard input. */
export interface Io {
    readonly stdout: {
        write(text: string): unknown;
        readonly isTTY?: boolean;
    };
    readonly stderr: {
        write(text: string): unknown;
    };
    readonly stdin: NodeJS.ReadableStream & {
        readonly isTTY?: boolean;
    };
    /** Waits between progress polls; tests pass a no-op. */
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => Date;
}
export declare function processIo(): Io;
/** Reads all of standard input as text. */
export declare function readAll(stream: NodeJS.ReadableStream): Promise<string>;
