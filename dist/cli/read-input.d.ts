import type { StatusChangeEvent } from '../formatters/contract.js';
/** The file name that means standard input (for inputs) or standard output (for `--out`). */
export declare const STANDARD_STREAM = "-";
/** How messages name an input: `the history file h.json`, or `the history on standard input`. */
export declare function inputLabel(kind: InputKind, file: string): string;
/** Only one input can come from standard input. */
export declare function checkOneStdinInput(inputs: Readonly<Record<string, string | undefined>>): void;
/** What the file holds, as named in messages: `the history file h.json …`. */
export type InputKind = 'history' | 'event';
/** Reads and parses a JSON file; any failure is a CliError (exit 2) naming the file and the problem. */
export declare function readJsonFile(file: string, kind: InputKind, stdin?: NodeJS.ReadableStream): Promise<unknown>;
/**
 * The history file's content as GetExecutionHistory pages: one response (`{events}` or `{Events}`), an array of
 * them, or a bare array of events.
 */
export declare function historyPages(content: unknown, file: string): unknown[];
/**
 * A history the formatter can read nothing from: no events at all, or no event with a `type` and an `id`. The
 * message can still be built (from the event alone), so commands print it and then report this with exit 2.
 */
export declare function historyProblem(pages: readonly unknown[], file: string): string | undefined;
/** The event file's content as a status-change event: the EventBridge event, or its `detail` alone. */
export declare function statusChangeEventOf(content: unknown, file: string): StatusChangeEvent;
/** 1-based line and column of a character offset. */
export declare function lineAndColumn(text: string, offset: number): {
    line: number;
    column: number;
};
/**
 * The offset of the first syntax error in `text`. Node 20's JSON.parse gives a position for some errors only
 * ("Unexpected token …" has none), so this small scanner finds it for all.
 */
export declare function jsonErrorOffset(text: string): number;
