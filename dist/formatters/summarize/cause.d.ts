import type { CauseSummary } from './types.js';
/** Longest cause text kept in a summary (Slack shows at most 3,000 characters a section anyway). */
export declare const MAX_CAUSE_CHARS = 2000;
/**
 * A cause (string, or an object when a recording stored the JSON parsed) to a bounded CauseSummary. A JSON
 * cause is read: a Lambda error's `errorType`/`errorMessage` and first stack lines, a failed child
 * execution's own `Error`/`Cause` and ARN (`startExecution.sync`), and a `.sync` integration's failure
 * description (ECS task, Glue job run, Batch job) into one readable `detail` line. Members are read in
 * camelCase or PascalCase (service integrations deliver the PascalCase response).
 */
export declare function summarizeCause(cause: unknown, maxChars?: number): CauseSummary | undefined;
/** An error name, bounded (the API allows 256). */
export declare function boundedError(error: unknown): string | undefined;
