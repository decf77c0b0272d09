/** Small text helpers for message building: durations, Slack date tokens, safe truncation. */
/** A duration for people: `850 ms`, `12.4 s`, `4m 05s`, `2h 03m`, `3d 4h`; `?` when unknown. */
export declare function formatDuration(ms: number | undefined): string;
/** ISO 8601 in UTC without milliseconds, e.g. `2026-11-25T03:41:00Z`. */
export declare function isoUtc(ms: number): string;
/**
 * A Slack date token: each reader sees the time in their own time zone; clients that cannot render it show
 * the UTC fallback.
 */
export declare function slackDate(ms: number | undefined): string | undefined;
/** Marker appended where text was cut. */
export declare const TRUNCATION_MARKER = "\u2026 (truncated)";
/**
 * Cuts mrkdwn to `max` characters (marker included) without leaving half an entity (`&am`), half a link or
 * token (`<https://…`), or an unclosed code block.
 */
export declare function truncateMrkdwn(text: string, max: number, marker?: string): string;
/** Plain text cut to `max` with an ellipsis. */
export declare function truncatePlain(text: string, max: number): string;
