/** Where commands read and write, so tests can capture output and feed standard input. */
import type { Environment } from './context.js';
export interface Io {
    readonly stdout: {
        write(text: string): unknown;
        readonly isTTY?: boolean;
    };
    readonly stderr: {
        write(text: string): unknown;
        readonly isTTY?: boolean;
    };
    readonly stdin: NodeJS.ReadableStream & {
        readonly isTTY?: boolean;
    };
    /** The process environment (AWS_REGION, SFN_SLACK_ENV, NO_COLOR, ...). @default process.env */
    readonly env?: Environment;
    /** Waits between progress polls; tests pass a no-op. */
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => Date;
}
export declare function processIo(): Io;
/** The environment an Io carries, or the process's. */
export declare function envOf(io: Pick<Io, 'env'>): Environment;
/**
 * Whether to style output for `stream`: only on a terminal, never with NO_COLOR set to anything but the empty
 * string (https://no-color.org) or on a dumb terminal.
 */
export declare function useColor(stream: {
    readonly isTTY?: boolean;
}, env: Environment): boolean;
/** Reads all of standard input as text. */
export declare function readAll(stream: NodeJS.ReadableStream): Promise<string>;
