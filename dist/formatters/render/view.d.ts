/**
 * The template's input: the summary with every execution-derived string escaped, plus ready-made pieces
 * (status emoji, Slack date tokens, durations, one mrkdwn line per step, step lines chunked to fit a section)
 * and the context (environment, console URL, mention). Templates can use the pieces or build their own from
 * `summary`; see docs/formatter.md.
 */
import type { ExecutionSummary, FailureDetail, StepSummary } from '../summarize/types.js';
export declare const STATUS_EMOJI: Readonly<Record<string, string>>;
export declare const STATUS_LABEL: Readonly<Record<string, string>>;
export declare const OUTCOME_EMOJI: Readonly<Record<string, string>>;
export interface RenderContext {
    /** Environment name shown in the message. */
    readonly environment?: string;
    /** Mention added when the execution failed, timed out or was aborted (from configuration, not escaped). */
    readonly mentionOnFailure?: string;
    /** Console region override (the region is otherwise read from the execution ARN). */
    readonly consoleRegion?: string;
    /** Template name, for the record. */
    readonly template?: string;
}
export interface StepView extends StepSummary {
    readonly emoji: string;
    readonly outcomeLabel: string;
    readonly duration: string;
    readonly retries: number;
    /** One mrkdwn line: emoji, name, type/resource, duration, attempts, error. */
    readonly line: string;
    readonly childExecutionUrl?: string;
}
export interface FailureView extends FailureDetail {
    readonly emoji: string;
    /** mrkdwn: where and what (a handled one says how it was handled: caught, recovered after N retries). */
    readonly title: string;
    /**
     * What to show in a code block under the readable line, or absent when that line says it all: a Lambda
     * error's first stack lines, or the raw cause (cut) when it is plain text or holds more than was read.
     */
    readonly causeText?: string;
    /**
     * The cause read out: a Lambda `errorType: errorMessage`, a child execution's error and cause, or a `.sync`
     * integration's failure (ECS stopped reason, stop code, failed containers, task ARN; Glue; Batch).
     */
    readonly parsed?: string;
    readonly childExecutionUrl?: string;
    /** Failed attempts of the same state merged into this entry (retried before this one). */
    readonly retries: number;
    /** True for a retried error whose state then succeeded. */
    readonly recovered: boolean;
    /** True when the run went on: caught, or retried (recovered or not known to have failed later). */
    readonly handled: boolean;
    /** One mrkdwn line: title and the cause read out, cut. */
    readonly line: string;
}
export interface TemplateInput {
    /** The whole summary, every string escaped. */
    readonly summary: ExecutionSummary;
    readonly context: {
        readonly environment: string;
        readonly consoleUrl?: string;
        /** The mention for this message: set only for failed, timed-out and aborted executions. */
        readonly mention?: string;
        readonly template: string;
    };
    readonly view: {
        readonly statusEmoji: string;
        readonly statusLabel: string;
        readonly failing: boolean;
        /** `State machine` (escaped). */
        readonly title: string;
        /** Plain header text: `✅ name succeeded`. */
        readonly headerText: string;
        /** Notification text (the message `text`). */
        readonly notificationText: string;
        readonly start?: string;
        readonly end?: string;
        readonly duration: string;
        readonly steps: readonly StepView[];
        /** Step lines joined into sections of at most ~2,800 chars, the last one ending with "+N more steps". */
        readonly stepChunks: readonly string[];
        /**
         * Per-state totals (runs, outcomes, retries, average and longest duration) for states that ran more than
         * once or inside a Map/Parallel: one section at most, ending with "+N more states". Empty otherwise.
         */
        readonly stateChunks: readonly string[];
        /**
         * The kept failures, fatal first, then caught, then retried; the failed attempts of one state that were
         * retried are merged into one entry (into the failure that ended it, when there is one).
         */
        readonly failures: readonly FailureView[];
        /**
         * One line per handled error (caught, or retried: `:warning: *ExtractOrders* recovered after 1 retry: …`),
         * at most 4, then `+N more handled errors`. Empty when none.
         */
        readonly handled: readonly string[];
        /** The execution's cause read out (as `failures[].parsed`), or absent. */
        readonly causeLine?: string;
        /** The execution's cause for a code block (as `failures[].causeText`), or absent. */
        readonly causeText?: string;
        /** One line about Map/Parallel/retries/handled errors, or absent. */
        readonly extras?: string;
        /**
         * `extras` without what `handled` already says: the retries of the states its lines list are not counted
         * again (the rest show as `N other retries`). For a template that shows `handled` just above it.
         */
        readonly extrasAfterHandled?: string;
        /** One line saying the history was not available and why, or absent. */
        readonly historyNote?: string;
        /** Where it ran: `account 123456789012 · eu-west-1`, plus the partition when not `aws`; or absent. */
        readonly location?: string;
    };
}
/**
 * Text for a mrkdwn code block: a run of three backticks inside would close the block early and let the
 * rest be read as formatting, so each such backtick becomes a look-alike (U+02CB MODIFIER LETTER GRAVE
 * ACCENT); a backtick at either end would merge with the fence, so it gets a zero-width space beside it.
 */
export declare function codeBlockText(text: string): string;
/** Joins lines into chunks of at most CHUNK_CHARS; lines that do not fit become "+N more steps". */
export declare function chunkLines(lines: readonly string[], omitted: number, noun?: string, maxChunks?: number): string[];
/** Builds the template input. `summary` is the raw summary; everything from it is escaped here. */
export declare function buildTemplateInput(raw: ExecutionSummary, context: RenderContext): TemplateInput;
/** A start/stop time as UTC text, for the plain-text fallback. */
export declare function plainTime(ms: number | undefined): string;
