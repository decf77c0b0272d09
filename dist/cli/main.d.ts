import { type Io } from './aws/io.js';
/** `argv` as `process.argv`: the node binary and the script first. */
export declare function main(argv: readonly string[], io?: Io): Promise<number>;
/**
 * `sfn-slack … | head` closes the pipe early: that is the reader's choice, not an error, so the command stops
 * quietly (exit 0) instead of printing an EPIPE stack trace.
 */
export declare function stopQuietlyOnBrokenPipe(stream?: NodeJS.WriteStream): void;
