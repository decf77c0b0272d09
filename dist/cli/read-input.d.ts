import type { StatusChangeEvent } from '../formatters/contract.js';
/** What the file holds, as named in messages: `the history file h.json …`. */
export type InputKind = 'history' | 'event';
/** Reads and parses a JSON file; any failure is a CliError (exit 2) naming the file and the problem. */
export declare function readJsonFile(file: string, kind: InputKind): Promise<unknown>;
/**
 * The history file's content as GetExecutionHistory pages: one response (`{events}` or `{Events}`), an array of
 * them, or a bare array of events.
 */
export declare function historyPages(content: unknown, file: string): unknown[];
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
