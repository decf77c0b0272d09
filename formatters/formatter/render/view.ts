/**
 * The template's input: the summary with every execution-derived string escaped, plus ready-made pieces
 * (status emoji, Slack date tokens, durations, one mrkdwn line per step, step lines chunked to fit a section)
 * and the context (environment, console URL, mention). Templates can use the pieces or build their own from
 * `summary`; see docs/formatter.md.
 */

import { executionNameOf, stateMachineNameOf } from '../../../contract/arns.js';
import { executionConsoleUrl } from '../../../contract/console.js';
import { DEFAULT_TEMPLATE } from '../../../contract/templates.js';
import { codeSpan, escapeDeep, escapeText, mrkdwnName } from '../../shared/escape.js';
import { type RunContextView, runContextView } from '../context/view.js';
import { foldRepeatedLines, foldRepeatedText } from '../repeated-lines.js';
import type {
  CauseSummary,
  ExecutionSummary,
  FailureDetail,
  StateStats,
  StepSummary,
} from '../summarize/types.js';
import { lambdaLogsConsoleUrl } from './console-url.js';
import { formatDuration, isoUtc, slackDate, truncateMrkdwn } from './text.js';

export const STATUS_EMOJI: Readonly<Record<string, string>> = {
  SUCCEEDED: ':white_check_mark:',
  FAILED: ':x:',
  TIMED_OUT: ':hourglass:',
  ABORTED: ':octagonal_sign:',
  RUNNING: ':arrow_forward:',
  PENDING_REDRIVE: ':repeat:',
  UNKNOWN: ':grey_question:',
};

export const STATUS_LABEL: Readonly<Record<string, string>> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
  ABORTED: 'aborted',
  RUNNING: 'is running',
  PENDING_REDRIVE: 'is pending redrive',
  UNKNOWN: 'status unknown',
};

export const OUTCOME_EMOJI: Readonly<Record<string, string>> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  caught: ':warning:',
  timed_out: ':hourglass:',
  aborted: ':octagonal_sign:',
  running: ':arrows_counterclockwise:',
  unknown: ':grey_question:',
};

/** A step or failure that ended an earlier run of the execution, which was then redriven: history, not red. */
const REDRIVEN_EMOJI = ':leftwards_arrow_with_hook:';
/** Extra time in the Lambda log link after the run's end, so the last log lines are in the window. */
const LOG_WINDOW_PAD_MS = 60_000;
/** Characters of a plain-text cause used as its readable line. */
const REASON_CHARS = 300;

const OUTCOME_LABEL: Readonly<Record<string, string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  caught: 'failed, caught',
  timed_out: 'timed out',
  aborted: 'aborted',
  running: 'running',
  unknown: 'end not in the history read',
};

const FAILING = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** Characters of step lines per section (Slack allows 3,000; the rest is room for the "+N more" line). */
const CHUNK_CHARS = 2_800;
/** Sections of step lines at most (each is one block of the 50). */
const MAX_STEP_CHUNKS = 6;
/** Cause characters shown for a failure (the cause block is a code block inside a 3,000-char section). */
const CAUSE_CHARS = 1_500;
/** Handled errors (caught, or retried and recovered) listed one a line; the rest are counted. */
const MAX_HANDLED_LINES = 4;
/** Characters of a service's reason in the notification text (the push preview shows about one line). */
const NOTIFICATION_REASON_CHARS = 150;
/** Characters of the readable cause shown on a handled error's line. */
const HANDLED_CAUSE_CHARS = 200;

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

/** Where the run ended, for a field: `Failed in`, `Timed out in`, `Stopped in` or `Stopped while`. */
export interface EndedInView {
  readonly label: string;
  /** mrkdwn, the state name shown literally (see `mrkdwnName`). */
  readonly text: string;
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
  /**
   * The cause in one readable line: `parsed`, or else the first line of a plain-text cause (cut). What a short
   * template shows.
   */
  readonly reason?: string;
  readonly childExecutionUrl?: string;
  /** A failed Lambda's log group in the CloudWatch Logs console, filtered to the execution's time window. */
  readonly logsUrl?: string;
  /** Failed attempts of the same state merged into this entry (retried before this one). */
  readonly retries: number;
  /** True for a retried error whose state then succeeded. */
  readonly recovered: boolean;
  /** True when the run went on: caught, or retried (recovered or not known to have failed later). */
  readonly handled: boolean;
  /** One mrkdwn line: title and the cause read out, cut. */
  readonly line: string;
  /**
   * For a failure that ended the run in a Fail state a Catch led to: the error that Catch caught, which is
   * what explains it (`after *Validate* failed with \`OutOfStock\` — …`), mrkdwn. Absent otherwise.
   */
  readonly caughtBefore?: string;
  /** The child execution that failed (a `startExecution` Task): a link named by it, mrkdwn. */
  readonly childLink?: string;
}

/** The execution that started this one (a parent execution), for a field or a line. */
export interface ParentView {
  /** The parent's execution ARN. */
  readonly executionArn: string;
  /** `machine › name`, for mrkdwn, shown literally. */
  readonly name: string;
  /** Its page in the console (the same partition's console), when known. */
  readonly url?: string;
  /** mrkdwn: `<url|machine › name>`, or the name alone without a URL. */
  readonly link: string;
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
    /** `State machine` (escaped; plain text, for headers). */
    readonly title: string;
    /** The title for mrkdwn: bold, or a code span when it holds a formatting character. */
    readonly titleMrkdwn: string;
    /** The execution's name for mrkdwn, shown literally. */
    readonly executionName?: string;
    /** The execution's error as a code span, when it failed, timed out or was aborted with one. */
    readonly error?: string;
    /** Where the run failed or stopped, or absent (a run that succeeded, or is running). */
    readonly endedIn?: EndedInView;
    /**
     * One line per earlier run that failed and was then redriven (`↩ run 1 ended at *Load*: \`Err\``), oldest
     * first. Empty when the execution was never redriven.
     */
    readonly earlierRuns: readonly string[];
    /** Plain header text: `✅ name succeeded`. */
    readonly headerText: string;
    /** Notification text (the message `text`). */
    readonly notificationText: string;
    readonly start?: string;
    readonly end?: string;
    readonly duration: string;
    readonly steps: readonly StepView[];
    /** Top-level steps run, counting each run of a collapsed entry (`Poll ×312`) and the ones not listed. */
    readonly stepCount: number;
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
    /** The execution's cause in one readable line (as `failures[].reason`), or absent. */
    readonly reason?: string;
    /** The execution's cause for a code block (as `failures[].causeText`), or absent. */
    readonly causeText?: string;
    /** One line about Map/Parallel/retries/handled errors, or absent. */
    readonly extras?: string;
    /**
     * `extras` without what `handled` already says: the retries of the states its lines list are not counted
     * again (the rest show as `N other retries`). For a template that shows `handled` just above it.
     */
    readonly extrasAfterHandled?: string;
    /**
     * What to know about the history behind the message, one line each, or absent: it was not available
     * (and why), it was another execution's (the message then shows the event alone), or only part of it
     * was read.
     */
    readonly historyNote?: string;
    /** The execution that started this one, when its input names it. */
    readonly parent?: ParentView;
    /** Where it ran: `account 123456789012 · eu-west-1`, plus the partition when not `aws`; or absent. */
    readonly location?: string;
    /** "Is this normal?": the duration against the usual, the streak, the same error as before; or absent. */
    readonly runContext?: RunContextView;
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function causeLine(cause: CauseSummary | undefined): string | undefined {
  if (!cause) return undefined;
  if (cause.detail) return cause.detail;
  if (cause.errorType && cause.errorMessage) return withType(cause.errorType, cause.errorMessage);
  return cause.errorMessage ?? cause.errorType;
}

/** `type: message`, unless the message already starts with its type (a child's cause read out does). */
function withType(type: string, message: string): string {
  return message === type || message.startsWith(`${type}:`) ? message : `${type}: ${message}`;
}

/** ` (iteration N)` for a failure inside a Map iteration, else nothing. */
function iterationOf(failure: FailureDetail): string {
  return failure.iteration === undefined ? '' : ` (iteration ${failure.iteration})`;
}

/** `machine › execution` from an execution ARN, or the ARN. */
function runLabel(arn: string): string {
  const machine = stateMachineNameOf(arn);
  const name = executionNameOf(arn);
  return machine && name ? `${machine} › ${name}` : arn;
}

/** The cause in one line: read out of it, or its first non-empty line when it is plain text. Raw text. */
function reasonText(cause: CauseSummary | undefined): string | undefined {
  const parsed = causeLine(cause);
  if (parsed || !cause) return parsed;
  const first = cause.text
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  if (!first) return undefined;
  return first.length < cause.length ? `${first}…` : first;
}

/**
 * Text from the execution as one mrkdwn line, cut to `max` and shown literally: a code span when it holds a
 * character mrkdwn would read as formatting (a stray backtick or asterisk in a cause cannot open a code span
 * or bold that runs on).
 */
function literalLine(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return mrkdwnName(truncateMrkdwn(text.replace(/\s*\n\s*/g, ' '), max, '…'), false);
}

/**
 * Text for a mrkdwn code block: a run of three backticks inside would close the block early and let the
 * rest be read as formatting, so each such backtick becomes a look-alike (U+02CB MODIFIER LETTER GRAVE
 * ACCENT); a backtick at either end would merge with the fence, so it gets a zero-width space beside it.
 */
export function codeBlockText(text: string): string {
  return text
    .replace(/`{3,}/g, (run) => '\u02cb'.repeat(run.length))
    .replace(/^`/, '\u200b`')
    .replace(/`$/, '`\u200b');
}

/**
 * What is worth a code block besides the readable line: a Lambda error's first stack lines (not its JSON),
 * or the raw cause when it is plain text, an unknown shape, or holds members beyond those read out of it.
 */
function causeBlock(cause: CauseSummary | undefined): string | undefined {
  if (!cause) return undefined;
  // Step Functions cut it: say so before its head (the rest is gone anyway).
  const cutNote = cause.cutAtSource ? 'cause cut by Step Functions at 32,768 characters; its head:\n' : '';
  const block = (text: string) => codeBlockText(truncateMrkdwn(codeBlockText(text), CAUSE_CHARS));
  if (cause.stack && cause.stack.length > 0) {
    const stack = `${foldRepeatedLines(cause.stack).join('\n')}${cause.stackTruncated ? '\n…' : ''}`;
    return block(`${cutNote}${stack}`);
  }
  if (causeLine(cause) !== undefined) {
    // What was read is on the readable line: only the members not read are worth a block, never the JSON again.
    if (cause.rest) return block(cause.rest);
    return cutNote ? block(cutNote.replace('; its head:\n', '')) : undefined;
  }
  const raw = foldRepeatedText(cause.truncated ? `${cause.text}…` : cause.text, cause.truncated);
  return block(`${cutNote}${raw}`);
}

function retriesText(n: number): string {
  return `${n} retr${n === 1 ? 'y' : 'ies'}`;
}

interface FailureGroup {
  /** The entry shown: the failure that ended the chain of attempts, or the last retried one. */
  readonly failure: FailureDetail;
  readonly index: number;
  /** Failed attempts merged into it (retried before it). */
  readonly earlier: FailureDetail[];
}

/**
 * Merges the retried attempts of one state (same state, consecutive attempt numbers) into one entry: the
 * failure that ended them when it was kept, otherwise the last retried attempt.
 */
function groupFailures(failures: readonly FailureDetail[]): FailureGroup[] {
  const groups: FailureGroup[] = [];
  const open = new Map<string, { earlier: FailureDetail[]; last: FailureDetail; index: number }>();
  const closeOpen = (key: string) => {
    const chain = open.get(key);
    if (!chain) return;
    open.delete(key);
    groups.push({ failure: chain.last, index: chain.index, earlier: chain.earlier.slice(0, -1) });
  };
  failures.forEach((failure, index) => {
    const key = `${failure.topLevelState ?? ''}\u0000${failure.state}`;
    const chain = open.get(key);
    const continues = chain !== undefined && failure.attempt === chain.last.attempt + 1;
    if (!continues) closeOpen(key);
    const earlier = continues && chain ? [...chain.earlier] : [];
    if (failure.handling === 'retried') {
      earlier.push(failure);
      open.set(key, { earlier, last: failure, index });
      return;
    }
    open.delete(key);
    groups.push({ failure, index, earlier });
  });
  for (const key of [...open.keys()]) closeOpen(key);
  return groups.sort((a, b) => a.index - b.index);
}

function resourceText(step: StepSummary): string {
  if (!step.resource) return `_${step.type}_`;
  return `_${step.type}_ · ${mrkdwnName(step.resource.label, false)}`;
}

function mapRunText(step: StepSummary): string | undefined {
  const run = step.map?.mapRun;
  if (!run) return undefined;
  const parts = [`${run.succeeded} succeeded`, `${run.failed} failed`];
  if (run.timedOut > 0) parts.push(`${run.timedOut} timed out`);
  if (run.aborted > 0) parts.push(`${run.aborted} aborted`);
  parts.push(`${run.pending + run.running} pending`);
  return `items of ${run.total}: ${parts.join(', ')}`;
}

/**
 * One line for a step. `step` is escaped; `childUrl` is built from the raw child ARN (percent-encoded, so
 * it cannot break the link).
 */
function stepLine(step: StepSummary, childUrl: string | undefined): string {
  const emoji = step.redriven ? REDRIVEN_EMOJI : (OUTCOME_EMOJI[step.outcome] ?? '');
  const times = step.repeat ? ` ×${step.repeat.count}` : '';
  const parts = [`${emoji} ${mrkdwnName(step.name)}${times}`, resourceText(step)];
  if (step.durationMs !== undefined)
    parts.push(`${formatDuration(step.durationMs)}${step.repeat ? ' in all' : ''}`);
  if (step.slow) parts.push(':snail: slow');
  if (step.attempts > 1) parts.push(`${step.attempts} attempts`);
  if (step.map) {
    const it = step.map.iterations;
    const failed = it.failed > 0 ? `, ${it.failed} failed` : '';
    const aborted = it.aborted > 0 ? `, ${it.aborted} aborted` : '';
    // A distributed Map's iterations are child executions: its parent history has only the Map Run.
    if (it.started > 0 || !step.map.mapRunArn) {
      parts.push(`${plural(it.started, 'iteration')} (${it.succeeded} ok${failed}${aborted})`);
    }
    // No documented console URL for a Map Run: its ARN is shown, the execution's page links to it.
    const items = mapRunText(step);
    if (items) parts.push(items);
    if (step.map.mapRunArn) parts.push(`Map Run ${codeSpan(step.map.mapRunArn)}`);
  }
  if (step.parallel) {
    const b = step.parallel.branches;
    parts.push(`${plural(b.started, 'branch', 'branches')}${b.failed > 0 ? ` (${b.failed} failed)` : ''}`);
  }
  if (step.handledErrors > 0 && step.outcome !== 'caught')
    parts.push(plural(step.handledErrors, 'handled error'));
  if (step.waitingToRetry) parts.push('stopped while waiting to retry');
  else if (step.outcome !== 'succeeded') parts.push(OUTCOME_LABEL[step.outcome] ?? step.outcome);
  if (step.redriven) parts.push('then redriven');
  if (step.error) parts.push(codeSpan(step.error));
  if (childUrl) parts.push(`<${childUrl}|child execution>`);
  return parts.join(' · ');
}

/** Joins lines into chunks of at most CHUNK_CHARS; lines that do not fit become "+N more steps". */
export function chunkLines(
  lines: readonly string[],
  omitted: number,
  noun = 'step',
  maxChunks: number = MAX_STEP_CHUNKS
): string[] {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const piece = line.length > CHUNK_CHARS ? truncateMrkdwn(line, CHUNK_CHARS) : line;
    if (current && current.length + 1 + piece.length > CHUNK_CHARS) {
      if (chunks.length + 1 >= maxChunks) break;
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
    used += 1;
  }
  const more = lines.length - used + omitted;
  if (more > 0) current = `${current}\n_+${more} more ${noun}${more === 1 ? '' : 's'}_`;
  if (current) chunks.push(current);
  return chunks;
}

function stateLine(stats: StateStats): string {
  const parts = [
    `${mrkdwnName(stats.name)} _${stats.type}_`,
    `${stats.entered} run${stats.entered === 1 ? '' : 's'}`,
  ];
  const outcomes: [number, string][] = [
    [stats.succeeded, 'ok'],
    [stats.failed, 'failed'],
    [stats.caught, 'caught'],
    [stats.timedOut, 'timed out'],
    [stats.aborted, 'aborted'],
  ];
  const counted = outcomes.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
  if (counted.length > 0) parts.push(counted.join(', '));
  if (stats.retries > 0) parts.push(`${stats.retries} retr${stats.retries === 1 ? 'y' : 'ies'}`);
  const timed = stats.succeeded + stats.failed + stats.caught + stats.timedOut + stats.aborted;
  if (stats.maxDurationMs !== undefined && timed > 0) {
    parts.push(
      `avg ${formatDuration(stats.totalDurationMs / timed)}, max ${formatDuration(stats.maxDurationMs)}`
    );
  }
  return parts.join(' · ');
}

/** Builds the template input. `summary` is the raw summary; everything from it is escaped here. */
export function buildTemplateInput(raw: ExecutionSummary, context: RenderContext): TemplateInput {
  const summary: ExecutionSummary = {
    ...escapeDeep(raw),
    // escapeDeep keeps keys; these keys are event types read from the history, which a template may list.
    unknownEventTypes: Object.fromEntries(
      Object.entries(raw.unknownEventTypes).map(([type, count]) => [escapeText(type), count])
    ),
  };
  const execution = summary.execution;
  const region = context.consoleRegion;
  const consoleUrl = executionConsoleUrl(raw.execution.executionArn, region);
  const status = execution.status;
  const statusEmoji = STATUS_EMOJI[status] ?? STATUS_EMOJI.UNKNOWN ?? '';
  const statusLabel = STATUS_LABEL[status] ?? status.toLowerCase();
  const failing = FAILING.has(status);
  const title = execution.stateMachineName ?? execution.name ?? 'Step Functions execution';
  const environment = escapeText(context.environment ?? '');
  const envSuffix = environment ? ` [${environment}]` : '';
  // Links are built from the raw ARNs (the escaped ones would be percent-encoded as `%26lt%3B`).
  const childUrlOf = (arn: string | undefined): string | undefined =>
    arn ? executionConsoleUrl(arn, region) : undefined;
  const steps: StepView[] = summary.steps.map((step, i) => {
    const childUrl = childUrlOf(raw.steps[i]?.resource?.arn);
    return {
      ...step,
      emoji: OUTCOME_EMOJI[step.outcome] ?? '',
      outcomeLabel: OUTCOME_LABEL[step.outcome] ?? step.outcome,
      duration: formatDuration(step.durationMs),
      retries: Math.max(0, step.attempts - 1),
      line: stepLine(step, childUrl),
      ...(childUrl ? { childExecutionUrl: childUrl } : {}),
    };
  });
  const rank = { fatal: 0, caught: 1, retried: 2, redriven: 3 } as const;
  // Every failed attempt that was kept, with nothing left out: a retried chain with no later failure recovered.
  const allKept = raw.failureCount <= raw.failures.length;
  const ordered = groupFailures(summary.failures)
    .map((group) => ({ ...group, rawChildArn: raw.failures[group.index]?.cause?.childExecutionArn }))
    .sort((a, b) => rank[a.failure.handling] - rank[b.failure.handling]);
  const logWindow = {
    ...(raw.execution.startMs === undefined ? {} : { startMs: raw.execution.startMs }),
    ...(raw.execution.stopMs === undefined ? {} : { endMs: raw.execution.stopMs + LOG_WINDOW_PAD_MS }),
  };
  /** The error a Catch caught last before `fatal` (the Catch that led to its Fail state), as a line. */
  const caughtBeforeOf = (fatal: FailureDetail): string | undefined => {
    const caught = summary.failures
      .filter((f) => f.handling === 'caught' && f.seq < fatal.seq && f.error)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!caught?.error) return undefined;
    const why = literalLine(reasonText(caught.cause), HANDLED_CAUSE_CHARS);
    return `after ${whereOf(caught)}${iterationOf(caught)} failed with ${codeSpan(caught.error)}${why ? ` — ${why}` : ''}`;
  };
  const logsUrlOf = (failure: FailureDetail | undefined): string | undefined => {
    const resource = failure?.resource;
    if (resource?.kind !== 'lambda' || failure?.handling !== 'fatal') return undefined;
    // A label like `lambda:invoke` names no function (the definition was not read): no link then.
    const fn = resource.functionName ?? (resource.label.includes(':') ? undefined : resource.label);
    if (!fn) return undefined;
    return lambdaLogsConsoleUrl(
      fn,
      {
        ...(raw.execution.partition ? { partition: raw.execution.partition } : {}),
        ...((region ?? raw.execution.region) ? { region: region ?? raw.execution.region } : {}),
      },
      logWindow
    );
  };
  const whereOf = (failure: FailureDetail): string => {
    const whereRaw = failure.topLevelState ? `${failure.topLevelState} › ${failure.state}` : failure.state;
    // Bold, or a code span (never bold around it) when the name holds a formatting character.
    return mrkdwnName(whereRaw);
  };
  const failures: FailureView[] = ordered.map(({ failure, earlier, rawChildArn, index }) => {
    const where = whereOf(failure);
    const error = failure.error ? codeSpan(failure.error) : '';
    const childUrl = childUrlOf(rawChildArn);
    const logsUrl = logsUrlOf(raw.failures[index]);
    const parsed = literalLine(causeLine(failure.cause), CAUSE_CHARS);
    const reason = literalLine(reasonText(failure.cause), REASON_CHARS);
    const short = literalLine(reasonText(failure.cause), HANDLED_CAUSE_CHARS);
    const rawFailure = raw.failures[index];
    const childArn = rawFailure?.cause?.childExecutionArn ?? rawFailure?.resource?.arn;
    const childLinkUrl = childUrlOf(childArn);
    const childName = childArn ? escapeText(runLabel(childArn)) : undefined;
    const childLink =
      failure.handling === 'fatal' && childName
        ? childLinkUrl
          ? `child execution <${childLinkUrl}|${childName.replace(/[|>]/g, ' ')}>`
          : `child execution ${codeSpan(childName)}`
        : undefined;
    const caughtBefore =
      failure.handling === 'fatal' && failure.stateType === 'Fail' ? caughtBeforeOf(failure) : undefined;
    const causeText = causeBlock(failure.cause);
    const retried = failure.handling === 'retried';
    const retries = earlier.length + (retried ? 1 : 0);
    // The top-level step this attempt ran in: a retried attempt recovered when nothing failed after it.
    const top = summary.steps.findLast((step) => step.name === (failure.topLevelState ?? failure.state));
    const recovered =
      retried &&
      allKept &&
      (failure.topLevelState === undefined
        ? top?.outcome === 'succeeded'
        : top !== undefined && top.outcome !== 'running' && top.outcome !== 'aborted');
    let title: string;
    if (failure.handling === 'fatal') {
      const attempt = failure.attempt > 1 ? `, attempt ${failure.attempt}` : '';
      const others = [...new Set(earlier.map((f) => f.error).filter((e) => e && e !== failure.error))];
      const before =
        others.length > 0 ? ` (earlier attempts: ${others.map((e) => `\`${e}\``).join(', ')})` : '';
      title = `${OUTCOME_EMOJI[failure.outcome] ?? ''} ${where}${attempt}${error ? ` ${error}` : ''}${before}`;
    } else if (failure.handling === 'redriven') {
      title = `${REDRIVEN_EMOJI} run ${(failure.run ?? 0) + 1} ended at ${where}${error ? `: ${error}` : ''}, then redriven`;
    } else if (failure.handling === 'caught') {
      const after = retries > 0 ? ` after ${retriesText(retries)}` : '';
      const by = failure.topLevelState
        ? `handled by ${mrkdwnName(failure.topLevelState)}`
        : 'caught by Catch';
      title = `:warning: ${where} failed${after}, ${by}${error ? `: ${error}` : ''}`;
    } else if (recovered) {
      title = `:warning: ${where} recovered after ${retriesText(retries)}${error ? `: ${error}` : ''}`;
    } else if (
      top?.waitingToRetry &&
      failure.topLevelState === undefined &&
      failure.attempt >= top.attempts
    ) {
      // The last attempt failed and its retry was due when the run was stopped: no retry ran.
      title = `:warning: ${where} failed, and the run was stopped before its retry${error ? `: ${error}` : ''}`;
    } else {
      title = `:warning: ${where} failed and was retried (${retriesText(retries)})${error ? `: ${error}` : ''}`;
    }
    // Which item of a Map it failed for, after what the line has always said.
    title = `${title}${iterationOf(failure)}`;
    const line = short ? `${title} — ${short}` : title;
    return {
      ...failure,
      emoji:
        failure.handling === 'fatal'
          ? (OUTCOME_EMOJI[failure.outcome] ?? '')
          : failure.handling === 'redriven'
            ? REDRIVEN_EMOJI
            : ':warning:',
      title,
      ...(causeText ? { causeText } : {}),
      ...(parsed ? { parsed } : {}),
      ...(reason ? { reason } : {}),
      ...(childUrl ? { childExecutionUrl: childUrl } : {}),
      ...(logsUrl ? { logsUrl } : {}),
      ...(caughtBefore ? { caughtBefore } : {}),
      ...(childLink ? { childLink } : {}),
      retries,
      recovered,
      handled: failure.handling === 'caught' || failure.handling === 'retried',
      line,
    };
  });
  const handledViews = failures.filter((f) => f.handled);
  const handled = handledViews.slice(0, MAX_HANDLED_LINES).map((f) => f.line);
  const moreHandled = handledViews.length - handled.length;
  if (moreHandled > 0) handled.push(`_+${moreHandled} more handled error${moreHandled === 1 ? '' : 's'}_`);
  const earlierRuns = failures.filter((f) => f.handling === 'redriven').map((f) => f.line);
  const executionCauseLine = literalLine(causeLine(execution.cause), CAUSE_CHARS);
  const executionReason = literalLine(reasonText(execution.cause), REASON_CHARS);
  const executionCauseText = causeBlock(execution.cause);
  const extras: string[] = [];
  // The retries the handled lines already state; the rest are counted in the line after them.
  const retriesListed = handledViews.slice(0, MAX_HANDLED_LINES).reduce((n, f) => n + f.retries, 0);
  const otherRetries = Math.max(0, summary.retries - retriesListed);
  const afterHandled: string[] = [];
  if (summary.retries > 0) extras.push(retriesText(summary.retries));
  if (otherRetries > 0) {
    afterHandled.push(
      retriesListed > 0
        ? `${otherRetries} other ${retriesText(otherRetries).split(' ')[1]}`
        : retriesText(otherRetries)
    );
  }
  const firstShared = extras.length;
  if (summary.handledErrors > 0) {
    extras.push(
      `:warning: ${summary.handledErrors} error${summary.handledErrors === 1 ? '' : 's'} handled by Catch`
    );
  }
  if (execution.redriveCount > 0) {
    const when = execution.redriveDateMs === undefined ? '' : ` (last ${slackDate(execution.redriveDateMs)})`;
    extras.push(`:repeat: redriven ${execution.redriveCount}×${when}`);
  }
  if (summary.incomplete) extras.push('history incomplete');
  const unknown = Object.keys(summary.unknownEventTypes).length;
  if (unknown > 0) extras.push(`${unknown} unknown event type${unknown === 1 ? '' : 's'}`);
  afterHandled.push(...extras.slice(firstShared));
  const notes: string[] = [];
  if (summary.historyUnavailable) {
    notes.push(
      `:information_source: Execution details were unavailable (${summary.historyUnavailable.error}${
        summary.historyUnavailable.cause ? `: ${summary.historyUnavailable.cause}` : ''
      }).`
    );
  }
  if (summary.historyMismatch) {
    notes.push(
      `:warning: The history given is not this execution's (${summary.historyMismatch.reason}): its ${plural(
        summary.historyMismatch.events,
        'event'
      )} were left out, and this message shows what the event says.`
    );
  }
  const cut = summary.historyCut;
  if (cut) {
    notes.push(
      cut.missing === 'end'
        ? `:warning: Only part of the history was read: it stops at event ${cut.lastEventId ?? '?'} (a page with a nextToken had no next page); steps whose end is not in that part are marked _end not in the history read_.`
        : `:warning: Only part of the history was read: the events before ${cut.firstEventId ?? '?'} are missing, so earlier steps are not listed.`
    );
  }
  const historyNote = notes.length > 0 ? notes.join('\n') : undefined;
  const parentArn = raw.execution.parentExecutionArn;
  const parent: ParentView | undefined = parentArn
    ? (() => {
        const name = mrkdwnName(escapeText(runLabel(parentArn)), false);
        const url = executionConsoleUrl(parentArn, region);
        return {
          executionArn: escapeText(parentArn),
          name,
          ...(url ? { url } : {}),
          link: url ? `<${url}|${name.replace(/[|>]/g, ' ')}>` : name,
        };
      })()
    : undefined;
  const place = [
    execution.account ? `account ${execution.account}` : undefined,
    execution.region,
    execution.partition && execution.partition !== 'aws' ? execution.partition : undefined,
  ].filter((part) => part !== undefined && part !== '');
  const location = place.length > 0 ? place.join(' · ') : undefined;
  const plainStatus = `${title} ${statusLabel}${envSuffix}`;
  const start = slackDate(execution.startMs);
  const running = status === 'RUNNING';
  // A run still going has no end, whatever the history already says.
  const end = running ? undefined : slackDate(execution.stopMs);
  const endedIn = endedInView(summary);
  // Built from the raw context: it escapes and links itself.
  const runContext = raw.runContext
    ? runContextView(raw.runContext, {
        failing,
        ...((raw.execution.stopMs ?? raw.execution.startMs) === undefined
          ? {}
          : { referenceMs: raw.execution.stopMs ?? raw.execution.startMs }),
        ...(region === undefined ? {} : { consoleRegion: region }),
      })
    : undefined;
  const errorSpan = failing && execution.error ? codeSpan(execution.error) : undefined;
  const where = failing ? endedInPlain(summary) : '';
  // The push preview names the reason a service gave (a `.sync` job's), which its generic error does not.
  const fatalView = failures.find((f) => f.handling === 'fatal');
  const serviceCause = fatalView ? fatalView.cause : execution.cause;
  const serviceReason =
    failing && serviceCause?.detail ? literalLine(serviceCause.detail, NOTIFICATION_REASON_CHARS) : undefined;
  // A child stopped with no error nor cause: whoever started it is the only clue.
  const stoppedBy =
    status === 'ABORTED' && !execution.error && !execution.cause && parent
      ? ` (started by ${parent.name})`
      : '';
  return {
    summary,
    context: {
      environment,
      ...(consoleUrl ? { consoleUrl } : {}),
      ...(failing && context.mentionOnFailure ? { mention: context.mentionOnFailure } : {}),
      template: context.template ?? DEFAULT_TEMPLATE,
    },
    view: {
      statusEmoji,
      statusLabel,
      failing,
      title,
      titleMrkdwn: mrkdwnName(title),
      ...(execution.name ? { executionName: mrkdwnName(execution.name, false) } : {}),
      ...(errorSpan ? { error: errorSpan } : {}),
      ...(endedIn ? { endedIn } : {}),
      earlierRuns,
      headerText: plainStatus,
      notificationText: `${statusEmoji} ${plainStatus}${where}${errorSpan ? `: ${errorSpan}` : ''}${
        serviceReason ? ` — ${serviceReason}` : ''
      }${stoppedBy}`,
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      duration: running ? '' : formatDuration(execution.durationMs),
      steps,
      stepCount: summary.steps.reduce((n, step) => n + (step.repeat?.count ?? 1), 0) + summary.omittedSteps,
      stepChunks: chunkLines(
        steps.map((s) => s.line),
        summary.omittedSteps
      ),
      stateChunks: stateChunks(summary),
      ...(executionCauseLine ? { causeLine: executionCauseLine } : {}),
      ...(executionReason && failing ? { reason: executionReason } : {}),
      ...(executionCauseText ? { causeText: executionCauseText } : {}),
      failures,
      handled,
      ...(extras.length > 0 ? { extras: extras.join(' · ') } : {}),
      ...(afterHandled.length > 0 ? { extrasAfterHandled: afterHandled.join(' · ') } : {}),
      ...(historyNote ? { historyNote } : {}),
      ...(parent ? { parent } : {}),
      ...(location ? { location } : {}),
      ...(runContext ? { runContext } : {}),
    },
  };
}

/** Where the run failed or was stopped, for a field; absent when it did not end that way. */
function endedInView(summary: ExecutionSummary): EndedInView | undefined {
  const status = summary.execution.status;
  if (status === 'ABORTED' && summary.stoppedState !== undefined) {
    return summary.stoppedWhileRetrying
      ? { label: 'Stopped while', text: `${mrkdwnName(summary.stoppedState)} waited to retry` }
      : { label: 'Stopped in', text: mrkdwnName(summary.stoppedState) };
  }
  if ((status === 'FAILED' || status === 'TIMED_OUT') && summary.failedState !== undefined) {
    return {
      label: status === 'FAILED' ? 'Failed in' : 'Timed out in',
      text: mrkdwnName(summary.failedState),
    };
  }
  return undefined;
}

/** ` at X` / ` while X waited to retry`, for the notification text. */
function endedInPlain(summary: ExecutionSummary): string {
  if (summary.execution.status === 'ABORTED') {
    if (summary.stoppedState === undefined) return '';
    const name = mrkdwnName(summary.stoppedState, false);
    return summary.stoppedWhileRetrying ? ` while ${name} waited to retry` : ` in ${name}`;
  }
  return summary.failedState === undefined ? '' : ` at ${mrkdwnName(summary.failedState, false)}`;
}

/** Totals are worth showing for states that are not simply the listed steps, run once each. */
function stateChunks(summary: ExecutionSummary): string[] {
  const listed = new Map<string, number>();
  for (const step of summary.steps) listed.set(step.name, (listed.get(step.name) ?? 0) + 1);
  const interesting = summary.states.filter(
    (stats) => stats.entered > (listed.get(stats.name) ?? 0) || stats.entered > 1
  );
  if (interesting.length === 0) return [];
  return chunkLines(interesting.map(stateLine), summary.omittedStates, 'state', 1);
}

/** A start/stop time as UTC text, for the plain-text fallback. */
export function plainTime(ms: number | undefined): string {
  return ms === undefined ? '?' : isoUtc(ms);
}
