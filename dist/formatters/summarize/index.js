import { boundedError, summarizeCause } from './cause.js';
import { emptyFoldState, Folder } from './fold.js';
import { isRecord, normalizeEvent, pageEvents, parseTimestamp } from './normalize.js';
export { LIMITS } from './fold.js';
export { parseTimestamp } from './normalize.js';
/** Serialized summaries stay under this many bytes (Step Functions passes at most 256 KiB; we aim for 64). */
export const MAX_SUMMARY_BYTES = 60_000;
/** All events of the pages, deduplicated by id, sorted by id. Malformed events are skipped. */
export function collectEvents(pages) {
    const byId = new Map();
    for (const page of pages) {
        for (const raw of pageEvents(page)) {
            const event = normalizeEvent(raw);
            if (event && !byId.has(event.id))
                byId.set(event.id, event);
        }
    }
    return [...byId.values()].sort((a, b) => a.id - b.id);
}
/** Reads a fold state handed back by a previous call; anything unrecognizable starts afresh. */
export function reviveFoldState(partial) {
    if (isRecord(partial) && partial.v === 1 && Array.isArray(partial.nodes) && Array.isArray(partial.links)) {
        return structuredClone(partial);
    }
    return emptyFoldState();
}
/** Folds more pages into a fold state and returns the bounded state to carry to the next call. */
export function foldPages(partial, pages) {
    const folder = new Folder(reviveFoldState(partial));
    folder.add(collectEvents(pages));
    return folder.snapshot();
}
/** The whole reduction: pages (+ partial) + event → a bounded ExecutionSummary. */
export function summarize(options) {
    const folder = new Folder(options.partial === undefined ? emptyFoldState() : reviveFoldState(options.partial));
    folder.add(collectEvents(options.pages ?? []));
    if (options.event)
        applyEvent(folder.state.execution, options.event);
    const state = folder.finish();
    const execution = state.execution;
    if (execution.startMs !== undefined &&
        execution.stopMs !== undefined &&
        execution.stopMs >= execution.startMs) {
        execution.durationMs = execution.stopMs - execution.startMs;
    }
    applyArn(execution);
    const summary = {
        version: 1,
        execution,
        steps: state.steps,
        omittedSteps: state.omittedSteps,
        states: state.states,
        omittedStates: state.omittedStates,
        failures: state.failures,
        failureCount: state.failureCount,
        handledErrors: state.handledErrors,
        retries: state.retries,
        ...(state.failedState === undefined ? {} : { failedState: state.failedState }),
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
const STATUSES = new Set([
    'RUNNING',
    'SUCCEEDED',
    'FAILED',
    'TIMED_OUT',
    'ABORTED',
    'PENDING_REDRIVE',
]);
/**
 * The event says which status change this notification is for, so its status wins over the history's (the
 * history may already be further along). The rest fills what the history did not say.
 */
function applyEvent(execution, event) {
    const detail = event.detail;
    if (!isRecord(detail))
        return;
    if (typeof detail.status === 'string' && STATUSES.has(detail.status)) {
        execution.status = detail.status;
    }
    if (typeof detail.executionArn === 'string')
        execution.executionArn = detail.executionArn;
    if (typeof detail.stateMachineArn === 'string')
        execution.stateMachineArn = detail.stateMachineArn;
    if (typeof detail.name === 'string')
        execution.name = detail.name;
    const start = parseTimestamp(detail.startDate);
    if (start !== undefined)
        execution.startMs = start;
    const stop = parseTimestamp(detail.stopDate);
    if (stop !== undefined)
        execution.stopMs = stop;
    if (execution.error === undefined) {
        const error = boundedError(detail.error);
        if (error !== undefined)
            execution.error = error;
    }
    if (execution.cause === undefined) {
        const cause = summarizeCause(detail.cause);
        if (cause !== undefined)
            execution.cause = cause;
    }
    if (typeof detail.redriveCount === 'number' && detail.redriveCount > execution.redriveCount) {
        execution.redriveCount = detail.redriveCount;
    }
    const redriveDate = parseTimestamp(detail.redriveDate);
    if (redriveDate !== undefined)
        execution.redriveDateMs = redriveDate;
    if (typeof event.account === 'string')
        execution.account = event.account;
    if (typeof event.region === 'string')
        execution.region = event.region;
}
/** Partition, region, account and names from the ARNs (`arn:{partition}:states:{region}:{account}:...`). */
function applyArn(execution) {
    const arn = execution.executionArn ?? execution.stateMachineArn;
    if (!arn)
        return;
    const parts = arn.split(':');
    if (parts[0] !== 'arn' || parts.length < 7)
        return;
    const [, partition, , region, account, resourceType, machine, name] = parts;
    if (partition)
        execution.partition ??= partition;
    if (region)
        execution.region ??= region;
    if (account)
        execution.account ??= account;
    if (machine && (resourceType === 'execution' || resourceType === 'stateMachine')) {
        execution.stateMachineName ??= machine;
    }
    if (resourceType === 'execution' && name)
        execution.name ??= name;
    if (!execution.stateMachineArn &&
        resourceType === 'execution' &&
        machine &&
        partition &&
        region &&
        account) {
        execution.stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${machine}`;
    }
}
function bytes(value) {
    return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
/**
 * Guarantees the size bound whatever the content: shortens step causes, then drops per-state aggregates and
 * listed steps (counting them as omitted), then shortens the kept failures.
 */
export function fitSummary(summary) {
    if (bytes(summary) <= MAX_SUMMARY_BYTES)
        return summary;
    const steps = summary.steps.map((s) => {
        if (!s.cause)
            return s;
        const { cause, ...rest } = s;
        return {
            ...rest,
            cause: { ...cause, text: cause.text.slice(0, 200), truncated: cause.text.length > 200 },
        };
    });
    let fitted = { ...summary, steps };
    while (bytes(fitted) > MAX_SUMMARY_BYTES && fitted.states.length > 10) {
        const keep = Math.floor(fitted.states.length / 2);
        fitted = {
            ...fitted,
            states: fitted.states.slice(0, keep),
            omittedStates: fitted.omittedStates + fitted.states.length - keep,
        };
    }
    while (bytes(fitted) > MAX_SUMMARY_BYTES && fitted.steps.length > 10) {
        const keep = Math.floor(fitted.steps.length / 2);
        fitted = {
            ...fitted,
            steps: fitted.steps.slice(0, keep),
            omittedSteps: fitted.omittedSteps + fitted.steps.length - keep,
        };
    }
    if (bytes(fitted) > MAX_SUMMARY_BYTES) {
        fitted = {
            ...fitted,
            failures: fitted.failures.map((f) => f.cause ? { ...f, cause: { ...f.cause, text: f.cause.text.slice(0, 500), truncated: true } } : f),
        };
    }
    return fitted;
}
