/**
 * History pages (+ the EventBridge event) → ExecutionSummary. Pure: no I/O, no clock.
 *
 * Pages may come in any order (`reverseOrder`) and overlap: their events are deduplicated by id and folded
 * in id order. Across calls (the contract's `partial`), pages are folded as they come and should come in
 * id order (forward paging); an older page after a newer one marks the summary `incomplete`.
 */
import { executionNameOf, parseArn, stateMachineArnOf, stateMachineNameOf } from '../../../contract/arns.js';
import type { StatusChangeEvent } from '../../../contract/formatter.js';
import { isExecutionStatus } from '../../../contract/statuses.js';
import { cutText } from '../cut.js';
import { boundedError, summarizeCause } from './cause.js';
import { mergeResource, taskResources } from './definition.js';
import { emptyFoldState, Folder, type FoldState } from './fold.js';
import {
  eventSlot,
  type HistoryEvent,
  isRecord,
  normalizeEvent,
  pageEvents,
  parseTimestamp,
  pickString,
  readEvent,
} from './normalize.js';
import { startedByArn } from './parent.js';
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
  const events: HistoryEvent[] = [];
  // Pages read forward come in id order without overlap: then nothing needs deduplicating or sorting.
  let ordered = true;
  let last = Number.NEGATIVE_INFINITY;
  for (const page of pages) {
    for (const raw of pageEvents(page)) {
      const event = normalizeEvent(raw, executionData);
      if (!event) continue;
      if (event.id <= last) ordered = false;
      last = event.id;
      events.push(event);
    }
  }
  if (ordered) return events;
  const byId = new Map<number, HistoryEvent>();
  for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** What the fold saw of the pages: how many events, and the first and the last. */
interface Seen {
  readonly length: number;
  readonly first?: { readonly id: number; readonly type: string };
  readonly last?: { readonly id: number };
}

/** True when the pages' events come in increasing id order, read without normalizing them. */
function inIdOrder(pages: readonly unknown[]): boolean {
  let last = Number.NEGATIVE_INFINITY;
  for (const page of pages) {
    for (const raw of pageEvents(page)) {
      if (!isRecord(raw)) continue;
      const id = raw.id ?? raw.Id;
      if (typeof id !== 'number' || id <= last) return false;
      last = id;
    }
  }
  return true;
}

/**
 * Folds the pages' events into `folder`. Pages read forward (the usual case) are folded as they are read,
 * so the normalized events never all live at once; others are deduplicated and sorted first.
 */
function foldInto(folder: Folder, pages: readonly unknown[], executionData: boolean): Seen {
  if (!inIdOrder(pages)) {
    const events = collectEvents(pages, executionData);
    folder.add(events);
    const first = events[0];
    const last = events[events.length - 1];
    return { length: events.length, ...(first ? { first } : {}), ...(last ? { last } : {}) };
  }
  let length = 0;
  let first: { id: number; type: string } | undefined;
  // One event object for the whole history, filled again for each event: the fold keeps nothing of it.
  const event = eventSlot();
  for (const page of pages) {
    for (const raw of pageEvents(page)) {
      if (!readEvent(raw, executionData, event)) continue;
      first ??= { id: event.id, type: event.type };
      length += 1;
      folder.addOne(event);
    }
  }
  folder.add([]);
  return length === 0 || !first ? { length } : { length, first, last: { id: event.id } };
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
  const pages = options.pages ?? [];
  let folder = new Folder(
    options.partial === undefined ? emptyFoldState() : reviveFoldState(options.partial)
  );
  const events = foldInto(folder, pages, options.executionData ?? true);
  const mismatch = options.event ? historyMismatch(folder.state, pages, options.event) : undefined;
  if (mismatch) {
    // Another execution's history says nothing true about this one: the event alone speaks.
    folder = new Folder(emptyFoldState());
  }
  const historyCut =
    mismatch === undefined && options.partial === undefined ? cutOf(pages, events) : undefined;
  if (options.event) applyEvent(folder.state.execution, options.event);
  const state = folder.finish(historyCut?.missing === 'end');
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
    ...(mismatch ? { historyMismatch: { reason: mismatch, events: events.length } } : {}),
    ...(historyCut ? { historyCut } : {}),
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

/** The part of a history that is missing from the pages read, when one is. */
function cutOf(pages: readonly unknown[], events: Seen): ExecutionSummary['historyCut'] {
  const { first, last } = events;
  if (!first || !last) return undefined;
  // Every page but the last of a history has a nextToken: when all of them have one, a page is missing.
  const withToken = pages.filter((page) => {
    const token = isRecord(page) ? pickString(page, 'nextToken') : undefined;
    return token !== undefined && token !== '';
  }).length;
  const startSeen = first.type === 'ExecutionStarted' || first.id === 1;
  if (withToken > 0 && withToken >= pages.length) {
    // Forward pages stop before the end; pages read newest first stop before the start.
    return startSeen
      ? { missing: 'end', lastEventId: last.id }
      : { missing: 'start', firstEventId: first.id };
  }
  return startSeen ? undefined : { missing: 'start', firstEventId: first.id };
}

/** Start times of one execution, read from the event (ms) and the history (ms, from seconds with a fraction). */
const START_TOLERANCE_MS = 1_000;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Why the history is not the event's execution, or undefined when nothing says so. A history carries no
 * execution ARN of its own (a saved page may: `executionArn`), but its ExecutionStarted says when it started
 * and which state machine version or alias ran.
 */
function historyMismatch(
  state: FoldState,
  pages: readonly unknown[],
  event: StatusChangeEvent
): string | undefined {
  const detail = event.detail;
  if (!isRecord(detail)) return undefined;
  const eventArn = typeof detail.executionArn === 'string' ? detail.executionArn : undefined;
  for (const page of pages) {
    const arn = isRecord(page) ? pickString(page, 'executionArn') : undefined;
    if (arn && eventArn && arn !== eventArn) return `the history is of execution ${arn}`;
  }
  const started = state.started;
  if (!started) return undefined;
  const eventStart = parseTimestamp(detail.startDate);
  if (
    started.ms !== undefined &&
    eventStart !== undefined &&
    Math.abs(started.ms - eventStart) > START_TOLERANCE_MS
  ) {
    return `the history's execution started at ${iso(started.ms)}, the event's at ${iso(eventStart)}`;
  }
  const eventMachine =
    stateMachineArnOf(typeof detail.stateMachineArn === 'string' ? detail.stateMachineArn : undefined) ??
    stateMachineArnOf(eventArn);
  for (const ran of [started.versionArn, started.aliasArn]) {
    const machine = stateMachineArnOf(ran);
    if (ran && machine && eventMachine && machine !== eventMachine) {
      return `the history ran ${ran}, the event is of ${eventMachine}`;
    }
  }
  for (const key of ['stateMachineVersionArn', 'stateMachineAliasArn'] as const) {
    const said = detail[key];
    const ran = key === 'stateMachineVersionArn' ? started.versionArn : started.aliasArn;
    if (typeof said === 'string' && ran && said !== ran)
      return `the history ran ${ran}, the event's execution ${said}`;
  }
  return undefined;
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
  const parent = startedByArn(detail.input);
  if (parent) execution.parentExecutionArn = parent;
}

/** Partition, region, account and names from the ARNs (`arn:{partition}:states:{region}:{account}:...`). */
function applyArn(execution: ExecutionInfo): void {
  const arn = execution.executionArn ?? execution.stateMachineArn;
  const parts = parseArn(arn);
  if (!parts) return;
  const { partition, region, account } = parts;
  if (partition) execution.partition ??= partition;
  if (region) execution.region ??= region;
  if (account) execution.account ??= account;
  const machine = stateMachineNameOf(arn);
  if (machine) execution.stateMachineName ??= machine;
  const name = executionNameOf(arn);
  if (name) execution.name ??= name;
  if (!execution.stateMachineArn && name && partition && region && account) {
    execution.stateMachineArn = stateMachineArnOf(arn);
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
