/**
 * Reading GetExecutionHistory pages in either shape: the API/CLI/SDK shape (`events`, `timestamp`,
 * `stateEnteredEventDetails`) or the Step Functions aws-sdk integration's (`Events`, `Timestamp`,
 * `StateEnteredEventDetails`, member names capitalized). Only the members the fold reads are kept, so the
 * events' inputs, outputs and parameters do not stay in memory.
 */
/** One history event reduced to what the fold reads. */
export interface HistoryEvent {
    readonly id: number;
    readonly previousEventId: number;
    readonly type: string;
    /** Epoch ms, absent when missing or unreadable. */
    readonly timestampMs?: number;
    /** The `*EventDetails` member, keys camelCased (one level). */
    readonly details: Readonly<Record<string, unknown>>;
}
export type UnknownRecord = Record<string, unknown>;
export declare function isRecord(value: unknown): value is UnknownRecord;
/** Reads `key` in camelCase or PascalCase. */
export declare function pick(record: UnknownRecord, key: string): unknown;
export declare function pickString(record: UnknownRecord, key: string): string | undefined;
/**
 * A timestamp as epoch ms: epoch seconds (the API's JSON), epoch ms (EventBridge), an ISO string (the SDK
 * integration), or a Date (the JS SDK). Anything else (missing, "timestamp", garbage) is undefined.
 */
export declare function parseTimestamp(value: unknown): number | undefined;
/** One raw event (either casing) to a HistoryEvent, or undefined when it has no usable id or type. */
export declare function normalizeEvent(raw: unknown): HistoryEvent | undefined;
/** The events of one page: `{events}` / `{Events}`, or a bare array of events. */
export declare function pageEvents(page: unknown): readonly unknown[];
/** True when `page` looks like a history page (used by callers to reject malformed input). */
export declare function isHistoryPage(page: unknown): boolean;
