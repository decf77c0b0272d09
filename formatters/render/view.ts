/**
 * The template's input: the summary with every execution-derived string escaped, plus ready-made pieces
 * (status emoji, Slack date tokens, durations, one mrkdwn line per step, step lines chunked to fit a section)
 * and the context (environment, console URL, mention). Templates can use the pieces or build their own from
 * `summary`; see docs/formatter.md.
 */
import type {
  CauseSummary,
  ExecutionSummary,
  FailureDetail,
  StateStats,
  StepSummary,
} from '../summarize/types.js';
import { executionConsoleUrl } from './console-url.js';
import { escapeDeep, escapeText } from './escape.js';
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
};

const OUTCOME_LABEL: Readonly<Record<string, string>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  caught: 'failed, caught',
  timed_out: 'timed out',
  aborted: 'aborted',
  running: 'running',
};

const FAILING = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** Characters of step lines per section (Slack allows 3,000; the rest is room for the "+N more" line). */
const CHUNK_CHARS = 2_800;
/** Sections of step lines at most (each is one block of the 50). */
const MAX_STEP_CHUNKS = 6;
/** Cause characters shown for a failure (the cause block is a code block inside a 3,000-char section). */
const CAUSE_CHARS = 1_500;

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
  /** mrkdwn: where and what. */
  readonly title: string;
  /** The cause, cut to fit a code block in a section. */
  readonly causeText?: string;
  /** Lambda errorType: errorMessage, or a child execution's error: cause, when the cause was JSON. */
  readonly parsed?: string;
  readonly childExecutionUrl?: string;
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
    /** The kept failures, fatal first, then caught, then retried. */
    readonly failures: readonly FailureView[];
    /** The execution's cause, cut to fit a code block in a section, or absent. */
    readonly causeText?: string;
    /** One line about Map/Parallel/retries/handled errors, or absent. */
    readonly extras?: string;
    /** One line saying the history was not available and why, or absent. */
    readonly historyNote?: string;
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function causeLine(cause: CauseSummary | undefined): string | undefined {
  if (!cause) return undefined;
  if (cause.errorType && cause.errorMessage) return `${cause.errorType}: ${cause.errorMessage}`;
  return cause.errorMessage ?? cause.errorType;
}

function resourceText(step: StepSummary): string {
  if (!step.resource) return step.type;
  return `${step.type} · ${step.resource.label}`;
}

function stepLine(step: StepSummary, region: string | undefined): string {
  const parts = [`${OUTCOME_EMOJI[step.outcome] ?? ''} *${step.name}*`, `_${resourceText(step)}_`];
  if (step.durationMs !== undefined) parts.push(formatDuration(step.durationMs));
  if (step.attempts > 1) parts.push(`${step.attempts} attempts`);
  if (step.map) {
    const it = step.map.iterations;
    const failed = it.failed > 0 ? `, ${it.failed} failed` : '';
    const aborted = it.aborted > 0 ? `, ${it.aborted} aborted` : '';
    parts.push(`${plural(it.started, 'iteration')} (${it.succeeded} ok${failed}${aborted})`);
  }
  if (step.parallel) {
    const b = step.parallel.branches;
    parts.push(`${plural(b.started, 'branch', 'branches')}${b.failed > 0 ? ` (${b.failed} failed)` : ''}`);
  }
  if (step.handledErrors > 0 && step.outcome !== 'caught')
    parts.push(plural(step.handledErrors, 'handled error'));
  if (step.outcome !== 'succeeded') parts.push(OUTCOME_LABEL[step.outcome] ?? step.outcome);
  if (step.error) parts.push(`\`${step.error}\``);
  const arn = step.resource?.arn;
  const url = arn ? executionConsoleUrl(arn, region) : undefined;
  if (url) parts.push(`<${url}|child execution>`);
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
  const parts = [`*${stats.name}* _${stats.type}_`, `${stats.entered} run${stats.entered === 1 ? '' : 's'}`];
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
  const summary = escapeDeep(raw);
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
  const steps: StepView[] = summary.steps.map((step) => {
    const childUrl = step.resource?.arn ? executionConsoleUrl(step.resource.arn, region) : undefined;
    return {
      ...step,
      emoji: OUTCOME_EMOJI[step.outcome] ?? '',
      outcomeLabel: OUTCOME_LABEL[step.outcome] ?? step.outcome,
      duration: formatDuration(step.durationMs),
      retries: Math.max(0, step.attempts - 1),
      line: stepLine(step, region),
      ...(childUrl ? { childExecutionUrl: childUrl } : {}),
    };
  });
  const rank = { fatal: 0, caught: 1, retried: 2 } as const;
  const ordered = [...summary.failures].sort((a, b) => rank[a.handling] - rank[b.handling]);
  const failures: FailureView[] = ordered.map((failure) => {
    const where = failure.topLevelState ? `${failure.topLevelState} › ${failure.state}` : failure.state;
    const handling =
      failure.handling === 'caught' ? ' (caught)' : failure.handling === 'retried' ? ' (retried)' : '';
    const attempt = failure.attempt > 1 ? `, attempt ${failure.attempt}` : '';
    const error = failure.error ? ` \`${failure.error}\`` : '';
    const childArn = failure.cause?.childExecutionArn;
    const childUrl = childArn ? executionConsoleUrl(childArn, region) : undefined;
    const parsed = causeLine(failure.cause);
    return {
      ...failure,
      emoji: OUTCOME_EMOJI[failure.outcome] ?? '',
      title: `${OUTCOME_EMOJI[failure.outcome] ?? ''} *${where}*${handling}${attempt}${error}`,
      ...(failure.cause
        ? {
            causeText: truncateMrkdwn(
              failure.cause.truncated ? `${failure.cause.text}…` : failure.cause.text,
              CAUSE_CHARS
            ),
          }
        : {}),
      ...(parsed ? { parsed } : {}),
      ...(childUrl ? { childExecutionUrl: childUrl } : {}),
    };
  });
  const extras: string[] = [];
  if (summary.retries > 0) extras.push(`${summary.retries} retr${summary.retries === 1 ? 'y' : 'ies'}`);
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
  const historyNote = summary.historyUnavailable
    ? `:information_source: Execution details were unavailable (${summary.historyUnavailable.error}${
        summary.historyUnavailable.cause ? `: ${summary.historyUnavailable.cause}` : ''
      }).`
    : undefined;
  const plainStatus = `${title} ${statusLabel}${envSuffix}`;
  const start = slackDate(execution.startMs);
  const end = slackDate(execution.stopMs);
  return {
    summary,
    context: {
      environment,
      ...(consoleUrl ? { consoleUrl } : {}),
      ...(failing && context.mentionOnFailure ? { mention: context.mentionOnFailure } : {}),
      template: context.template ?? 'detailed',
    },
    view: {
      statusEmoji,
      statusLabel,
      failing,
      title,
      headerText: plainStatus,
      notificationText: `${statusEmoji} ${plainStatus}${
        summary.failedState && failing ? ` at ${summary.failedState}` : ''
      }${execution.error && failing ? `: ${execution.error}` : ''}`,
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      duration: formatDuration(execution.durationMs),
      steps,
      stepChunks: chunkLines(
        steps.map((s) => s.line),
        summary.omittedSteps
      ),
      stateChunks: stateChunks(summary),
      ...(execution.cause
        ? {
            causeText: truncateMrkdwn(
              execution.cause.truncated ? `${execution.cause.text}…` : execution.cause.text,
              CAUSE_CHARS
            ),
          }
        : {}),
      failures,
      ...(extras.length > 0 ? { extras: extras.join(' · ') } : {}),
      ...(historyNote ? { historyNote } : {}),
    },
  };
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
