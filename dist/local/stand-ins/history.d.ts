import { SFNClient } from '@aws-sdk/client-sfn';
/** The GetExecutionHistory request, as the service takes it. */
export interface HistoryRequest {
    readonly executionArn: string;
    /** @default 100 (0 also means 100) */
    readonly maxResults?: number;
    readonly nextToken?: string;
    /** @default false */
    readonly reverseOrder?: boolean;
    /** @default true */
    readonly includeExecutionData?: boolean;
}
export interface HistoryPage {
    readonly events: readonly Record<string, unknown>[];
    readonly nextToken?: string;
}
/** Answers GetExecutionHistory; throws a StatesError named `Sfn.<Exception>` like the integration does. */
export type HistorySource = (request: HistoryRequest) => Promise<HistoryPage>;
/**
 * A recorded history (a file's events, in any number of pages) served the way the service pages it:
 * `maxResults` per page, `nextToken`, `reverseOrder`, and `includeExecutionData: false` dropping inputs and
 * outputs.
 * @param executionArn when given, requests for another execution fail with `Sfn.ExecutionDoesNotExistException`
 */
export declare function recordedHistorySource(pages: readonly HistoryPage[], executionArn?: string): HistorySource;
/** A source that always fails, for "history unavailable" (deleted, expired, access denied). */
export declare function unavailableHistorySource(error?: string, cause?: string): HistorySource;
/**
 * Reads a history file: `{ "events": [...] }` (the API/CLI output), `{ "Events": [...] }` (the aws-sdk
 * integration's), an array of such pages, or a bare array of events. Events are brought to the API's shape
 * (camelCase members, `timestamp` in epoch seconds) so every source serves the same thing.
 */
export declare function readHistoryFile(file: string): Promise<HistoryPage[]>;
/** Pages already checked by the caller (`{events}` / `{Events}` objects), in the API's camelCase. */
export declare function historyPagesOf(pages: readonly unknown[]): HistoryPage[];
/**
 * The real GetExecutionHistory through `@aws-sdk/client-sfn`, with the credentials and region of the
 * environment. Service errors become `Sfn.<name>` StatesErrors.
 */
export declare function liveHistorySource(client?: SFNClient): HistorySource;
/** The task handler: PascalCase arguments in, PascalCase result out. */
export declare function getExecutionHistoryHandler(source: HistorySource): (task: {
    arguments: unknown;
}) => Promise<unknown>;
