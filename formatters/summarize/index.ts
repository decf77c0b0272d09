/**
 * History pages (+ the EventBridge event) → ExecutionSummary. Pure: no I/O, no clock.
 *
 * Pages may come in any order (`reverseOrder`) and overlap: their events are deduplicated by id and folded
 * in id order. Across calls (the contract's `partial`), pages are folded as they come and should come in
 * id order (forward paging); an older page after a newer one marks the summary `incomplete`.
 */
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { isExecutionStatus } from '../../contract/statuses.js';
import { cutText } from '../cut.js';
import { boundedError, summarizeCause } from './cause.js';
import { mergeResource, taskResources } from './definition.js';
import { emptyFoldState, Folder, type FoldState } from './fold.js';
import { type HistoryEvent, isRecord, normalizeEvent, pageEvents, parseTimestamp } from './normalize.js';
import type { ExecutionInfo, ExecutionSummary, StepSummary } from './types.js';

export type { FoldState } from './fold.js';
export { LIMITS } from './fold.js';
export { parseTimestamp } from './normalize.js';
export type * from './types.js';

/** Serialized summaries stay under this many bytes (Step Functions passes at most 256 KiB; we aim for 64). */
export const MAX_SUMMARY_BYTES = 60_000;

/**
 * All events of the pages, deduplicated by id, sorted by id. Malformed events are skipped. `executionData`
 * false drops task parameters and outputs, as a history read with `includeExecutionData: false` has none.
 */
export function collectEvents(pages: readonly unknown[], executionData = true): HistoryEvent[] {
  const byId = new Map<number, HistoryEvent>();
  for (const page of pages) {
    for (const raw of pageEvents(page)) {
      const event = normalizeEvent(raw, executionData);
      if (event && !byId.has(event.id)) byId.set(event.id, event);
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Reads a fold state handed back by a previous call; anything unrecognizable starts afresh. */
export function reviveFoldState(partial: unknown): FoldState {
  if (isRecord(partial) && partial.v === 1 && Array.isArray(partial.nodes) && Array.isArray(partial.links)) {
    return structuredClone(partial) as unknown as FoldState;
  }
  return emptyFoldState();
}

/** Folds more pages into a fold state and returns the bounded state to carry to the next call. */
export function foldPages(partial: unknown, pages: readonly unknown[]): FoldState {
  const folder = new Folder(reviveFoldState(partial));
  folder.add(collectEvents(pages));
  return folder.snapshot();
}

export interface SummarizeOptions {
  /** GetExecutionHistory pages, either casing, any order. */
  readonly pages?: readonly unknown[];
  /** The EventBridge status-change event, when there is one. */
  readonly event?: StatusChangeEvent;
  /** A fold state from earlier calls (`partial`), the pages then being the rest of the history. */
  readonly partial?: unknown;
  /** Why the history could not be read; the summary then comes from the event alone. */
  readonly historyUnavailable?: { readonly error: string; readonly cause?: string };
  /**
   * The execution's state machine definition (DescribeStateMachineForExecution's `Definition`): names what
   * each Task state ran when the history does not. @default - none
   */
  readonly definition?: string;
  /**
   * Read the events' execution data (task parameters and outputs). The notifier reads histories without it,
   * so `false` gives exactly what the deployed notifier sees. @default true
   */
  readonly executionData?: boolean;
}

/** The whole reduction: pages (+ partial) + event → a bounded ExecutionSummary. */
export function summarize(options: SummarizeOptions): ExecutionSummary {
  const folder = new Folder(
    options.partial === undefined ? emptyFoldState() : reviveFoldState(options.partial)
  );
  folder.add(collectEvents(options.pages ?? [], options.executionData ?? true));
  if (options.event) applyEvent(folder.state.execution, options.event);
  const state = folder.finish();
  const execution = state.execution;
  let failures = state.failures;
  if (execution.status === 'RUNNING') {
    // A notice that the run is running: whatever the history says happened later is not this notice's story.
    delete execution.stopMs;
    delete execution.error;
    delete execution.cause;
    delete state.failedState;
    delete state.stoppedState;
    delete state.stoppedWhileRetrying;
    failures = failures.filter((f) => f.handling !== 'fatal');
    for (const step of state.steps) {
      if (step.redriven || (step.outcome !== 'failed' && step.outcome !== 'timed_out')) continue;
      // It was still running when this notice was sent.
      step.outcome = 'running';
      delete step.endMs;
      delete step.durationMs;
      delete step.error;
      delete step.cause;
    }
  }
  if (
    execution.startMs !== undefined &&
    execution.stopMs !== undefined &&
    execution.stopMs >= execution.startMs
  ) {
    execution.durationMs = execution.stopMs - execution.startMs;
  }
  applyArn(execution);
  const resources = taskResources(options.definition);
  if (resources.size > 0) {
    for (const step of state.steps) {
      const merged = mergeResource(
        step.resource,
        step.type === 'Task' ? resources.get(step.name) : undefined
      );
      if (merged) step.resource = merged;
    }
    failures = failures.map((failure) => {
      const merged = mergeResource(failure.resource, resources.get(failure.state));
      return merged ? { ...failure, resource: merged } : failure;
    });
  }
  const summary: ExecutionSummary = {
    version: 1,
    execution,
    steps: state.steps,
    omittedSteps: state.omittedSteps,
    states: state.states,
    omittedStates: state.omittedStates,
    failures,
    failureCount: state.failureCount,
    handledErrors: state.handledErrors,
    retries: state.retries,
    ...(state.failedState === undefined ? {} : { failedState: state.failedState }),
    ...(state.stoppedState === undefined ? {} : { stoppedState: state.stoppedState }),
    ...(state.stoppedWhileRetrying ? { stoppedWhileRetrying: true } : {}),
    eventCount: state.eventCount,
    unknownEventTypes: state.unknownEventTypes,
    incomplete: state.incomplete,
    ...(options.historyUnavailable
      ? {
          historyUnavailable: {
            error: boundedError(options.historyUnavailable.error) ?? 'Unknown',
            ...(options.historyUnavailable.cause === undefined
              ? {}
              : { cause: summarizeCause(options.historyUnavailable.cause, 1_000)?.text ?? '' }),
          },
        }
      : {}),
  };
  return fitSummary(summary);
}

/**
 * The event says which status change this notification is for, so its status wins over the history's (the
 * history may already be further along). The rest fills what the history did not say.
 */
function applyEvent(execution: ExecutionInfo, event: StatusChangeEvent): void {
  const detail = event.detail;
  if (!isRecord(detail)) return;
  if (isExecutionStatus(detail.status)) {
    execution.status = detail.status;
  }
  if (typeof detail.executionArn === 'string') execution.executionArn = detail.executionArn;
  if (typeof detail.stateMachineArn === 'string') execution.stateMachineArn = detail.stateMachineArn;
  if (typeof detail.name === 'string') execution.name = detail.name;
  const start = parseTimestamp(detail.startDate);
  if (start !== undefined) execution.startMs = start;
  const stop = parseTimestamp(detail.stopDate);
  if (stop !== undefined) execution.stopMs = stop;
  if (execution.error === undefined) {
    const error = boundedError(detail.error);
    if (error !== undefined) execution.error = error;
  }
  if (execution.cause === undefined) {
    const cause = summarizeCause(detail.cause);
    if (cause !== undefined) execution.cause = cause;
  }
  if (typeof detail.redriveCount === 'number' && detail.redriveCount > execution.redriveCount) {
    execution.redriveCount = detail.redriveCount;
  }
  const redriveDate = parseTimestamp(detail.redriveDate);
  if (redriveDate !== undefined) execution.redriveDateMs = redriveDate;
  if (typeof event.account === 'string') execution.account = event.account;
  if (typeof event.region === 'string') execution.region = event.region;
}

/** Partition, region, account and names from the ARNs (`arn:{partition}:states:{region}:{account}:...`). */
function applyArn(execution: ExecutionInfo): void {
  const arn = execution.executionArn ?? execution.stateMachineArn;
  if (!arn) return;
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 7) return;
  const [, partition, , region, account, resourceType, machine, name] = parts;
  if (partition) execution.partition ??= partition;
  if (region) execution.region ??= region;
  if (account) execution.account ??= account;
  if (machine && (resourceType === 'execution' || resourceType === 'stateMachine')) {
    execution.stateMachineName ??= machine;
  }
  if (resourceType === 'execution' && name) execution.name ??= name;
  if (
    !execution.stateMachineArn &&
    resourceType === 'execution' &&
    machine &&
    partition &&
    region &&
    account
  ) {
    execution.stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${machine}`;
  }
}

/**
 * Drops `count` listed steps, earliest first, keeping the failed and timed-out ones and the last steps (how
 * the run ended) as long as others can go.
 */
function dropEarlySteps(
  steps: readonly StepSummary[],
  count: number,
  omitted: number
): { steps: StepSummary[]; omittedSteps: number } {
  const failed = (step: StepSummary) => step.outcome === 'failed' || step.outcome === 'timed_out';
  const droppable = steps.filter((step) => !failed(step)).length;
  let dropOthers = Math.min(count, droppable);
  let dropFailed = count - dropOthers;
  let dropped = 0;
  const kept = steps.filter((step) => {
    const goes = failed(step) ? dropFailed-- > 0 : dropOthers-- > 0;
    if (goes) dropped += step.repeat?.count ?? 1;
    return !goes;
  });
  return { steps: kept, omittedSteps: omitted + dropped };
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Guarantees the size bound whatever the content: shortens step causes, then drops per-state aggregates and
 * listed steps (counting them as omitted), then shortens the kept failures.
 */
export function fitSummary(summary: ExecutionSummary): ExecutionSummary {
  if (bytes(summary) <= MAX_SUMMARY_BYTES) return summary;
  const steps = summary.steps.map((s) => {
    if (!s.cause) return s;
    const { cause, ...rest } = s;
    return {
      ...rest,
      cause: { ...cause, text: cutText(cause.text, 200), truncated: cause.text.length > 200 },
    };
  });
  let fitted: ExecutionSummary = { ...summary, steps };
  while (bytes(fitted) > MAX_SUMMARY_BYTES && fitted.states.length > 10) {
    const keep = Math.floor(fitted.states.length / 2);
    fitted = {
      ...fitted,
      states: fitted.states.slice(0, keep),
      omittedStates: fitted.omittedStates + fitted.states.length - keep,
    };
  }
  while (bytes(fitted) > MAX_SUMMARY_BYTES && fitted.steps.length > 10) {
    const drop = fitted.steps.length - Math.floor(fitted.steps.length / 2);
    fitted = { ...fitted, ...dropEarlySteps(fitted.steps, drop, fitted.omittedSteps) };
  }
  if (bytes(fitted) > MAX_SUMMARY_BYTES) {
    fitted = {
      ...fitted,
      failures: fitted.failures.map((f) =>
        f.cause ? { ...f, cause: { ...f.cause, text: cutText(f.cause.text, 500), truncated: true } } : f
      ),
    };
  }
  return fitted;
}
