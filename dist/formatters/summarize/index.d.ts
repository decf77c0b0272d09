/**
 * History pages (+ the EventBridge event) → ExecutionSummary. Pure: no I/O, no clock.
 *
 * Pages may come in any order (`reverseOrder`) and overlap: their events are deduplicated by id and folded
 * in id order. Across calls (the contract's `partial`), pages are folded as they come and should come in
 * id order (forward paging); an older page after a newer one marks the summary `incomplete`.
 */
import type { StatusChangeEvent } from '../contract.js';
import { type FoldState } from './fold.js';
import { type HistoryEvent } from './normalize.js';
import type { ExecutionSummary } from './types.js';
export type { FoldState } from './fold.js';
export { LIMITS } from './fold.js';
export { parseTimestamp } from './normalize.js';
export type * from './types.js';
/** Serialized summaries stay under this many bytes (Step Functions passes at most 256 KiB; we aim for 64). */
export declare const MAX_SUMMARY_BYTES = 60000;
/** All events of the pages, deduplicated by id, sorted by id. Malformed events are skipped. */
export declare function collectEvents(pages: readonly unknown[]): HistoryEvent[];
/** Reads a fold state handed back by a previous call; anything unrecognizable starts afresh. */
export declare function reviveFoldState(partial: unknown): FoldState;
/** Folds more pages into a fold state and returns the bounded state to carry to the next call. */
export declare function foldPages(partial: unknown, pages: readonly unknown[]): FoldState;
export interface SummarizeOptions {
    /** GetExecutionHistory pages, either casing, any order. */
    readonly pages?: readonly unknown[];
    /** The EventBridge status-change event, when there is one. */
    readonly event?: StatusChangeEvent;
    /** A fold state from earlier calls (`partial`), the pages then being the rest of the history. */
    readonly partial?: unknown;
    /** Why the history could not be read; the summary then comes from the event alone. */
    readonly historyUnavailable?: {
        readonly error: string;
        readonly cause?: string;
    };
}
/** The whole reduction: pages (+ partial) + event → a bounded ExecutionSummary. */
export declare function summarize(options: SummarizeOptions): ExecutionSummary;
/**
 * Guarantees the size bound whatever the content: shortens step causes, then drops per-state aggregates and
 * listed steps (counting them as omitted), then shortens the kept failures.
 */
export declare function fitSummary(summary: ExecutionSummary): ExecutionSummary;
