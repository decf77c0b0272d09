/**
 * The in-process entry: history pages (+ event) → summary → template → a Slack message within Slack's
 * limits. Used by the Lambda handler, the `render` command, the local pipeline and previews.
 */
import type { NotifierSettings, SlackMessage, StatusChangeEvent } from './contract.js';
import type { ExecutionSummary } from './summarize/types.js';
export { TemplateError } from './render/templates.js';
export type { ExecutionSummary } from './summarize/types.js';
export interface FormatOptions {
    /** The EventBridge status-change event; its status is the one the message reports. @default - none */
    readonly event?: StatusChangeEvent;
    /** GetExecutionHistory pages (either casing, any order). May be empty. */
    readonly pages: readonly unknown[];
    /** Environment, template, mention. @default - template `detailed`, no environment, no mention */
    readonly settings?: Partial<NotifierSettings>;
    /** Console region when it differs from the execution ARN's. @default - the ARN's region */
    readonly consoleRegion?: string;
    /** A fold state from earlier partial calls. @default - none */
    readonly partial?: unknown;
    /** Why the history could not be read. @default - it was read */
    readonly historyUnavailable?: {
        readonly error: string;
        readonly cause?: string;
    };
}
export interface FormatResult {
    readonly message: SlackMessage;
    readonly summary: ExecutionSummary;
    /** What was dropped from the template's blocks to keep the message valid, each naming the template. */
    readonly warnings: readonly string[];
}
/**
 * Formats one execution. Async because JSONata 2 evaluates asynchronously. Throws `TemplateError` when the
 * template cannot be read, compiled or evaluated, or does not return a Slack message.
 */
export declare function formatExecution(options: FormatOptions): Promise<FormatResult>;
/**
 * Renders a summary with the configured template and enforces Slack's limits on the result. Throws
 * `TemplateError` when the template fails or returns something that is not a Slack message; blocks that
 * cannot be made valid are dropped and reported to `warn` (@default ignored), each naming the template.
 */
export declare function renderSummary(summary: ExecutionSummary, settings: Partial<NotifierSettings>, consoleRegion?: string, warn?: (warning: string) => void): Promise<SlackMessage>;
/**
 * The plain-text-only version of a message (no blocks), posted when Slack rejects the blocks. Everything
 * execution-derived in it is escaped.
 */
export declare function plainTextMessage(summary: ExecutionSummary, settings: Partial<NotifierSettings>): SlackMessage;
