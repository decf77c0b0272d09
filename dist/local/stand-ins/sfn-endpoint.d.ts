import type { HistorySource } from './history.js';
/**
 * Serves `history` on the local endpoint and points `@aws-sdk/client-sfn` at it (setting
 * `AWS_ENDPOINT_URL_SFN`, plus placeholder credentials and region when the environment has none, so the SDK
 * does not go looking for real ones).
 * @returns release: call it when done; the last release closes the endpoint
 */
export declare function serveHistoryToSdk(history: HistorySource): Promise<() => Promise<void>>;
/** Makes `history` the one the endpoint serves (the most recent pipeline to run wins). */
export declare function setServedHistory(history: HistorySource): void;
