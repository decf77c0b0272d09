/**
 * The fold from history events to an ExecutionSummary. Events must be fed in id order (the caller sorts and
 * dedupes each batch); the state between batches (`FoldState`) is plain JSON and bounded, so it can travel
 * through Step Functions as the `partial` of the formatter contract.
 *
 * Each event is attached to the state ("node") it belongs to by following `previousEventId` to an event
 * already seen (the API's own linking), so interleaved Map iterations and Parallel branches stay apart.
 */
import { boundedError, summarizeCause } from './cause.js';
import { childExecutionArn, describeResource } from './resource.js';
/** Bounds that keep the summary (and the fold state) small whatever the history. */
export const LIMITS = {
    /** Top-level steps listed in the summary. */
    maxSteps: 50,
    /** State names with aggregates. */
    maxStates: 50,
    /** Failures kept in full. */
    maxFailures: 5,
    /** Cause characters on a listed step (the failures list keeps more). */
    stepCauseChars: 500,
    /** Links (event id → node) kept; older events are rarely pointed at. */
    maxLinks: 4_000,
    /** Links carried in a serialized partial. */
    maxPartialLinks: 300,
    /** Nodes tracked before closed, unreferenced ones are dropped. */
    maxNodes: 2_000,
};
export function emptyFoldState() {
    return {
        v: 1,
        execution: { status: 'UNKNOWN', redriveCount: 0 },
        steps: [],
        omittedSteps: 0,
        states: [],
        omittedStates: 0,
        failures: [],
        failureCount: 0,
        handledErrors: 0,
        retries: 0,
        eventCount: 0,
        unknownEventTypes: {},
        incomplete: false,
        lastEventId: 0,
        nextHandle: 1,
        nodes: [],
        links: [],
    };
}
const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Map', 'Parallel', 'Succeed', 'Fail'];
const ATTEMPT_START = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);
const ATTEMPT_FAILED = new Set([
    'TaskFailed',
    'TaskStartFailed',
    'TaskSubmitFailed',
    'LambdaFunctionFailed',
    'LambdaFunctionStartFailed',
    'LambdaFunctionScheduleFailed',
    'ActivityFailed',
    'ActivityScheduleFailed',
]);
const ATTEMPT_TIMED_OUT = new Set(['TaskTimedOut', 'LambdaFunctionTimedOut', 'ActivityTimedOut']);
const QUIET = new Set([
    'TaskStarted',
    'TaskSubmitted',
    'TaskSucceeded',
    'LambdaFunctionStarted',
    'LambdaFunctionSucceeded',
    'ActivityStarted',
    'ActivitySucceeded',
]);
const STATE_ABORTED = new Set([
    'TaskStateAborted',
    'WaitStateAborted',
    'MapStateAborted',
    'ParallelStateAborted',
]);
function emptyCounts() {
    return { started: 0, succeeded: 0, failed: 0, aborted: 0 };
}
/** The mutable fold over one FoldState, with in-memory indexes rebuilt from it. */
export class Folder {
    state;
    nodes = new Map();
    links = new Map();
    statsByName = new Map();
    omittedNames = new Set();
    constructor(state = emptyFoldState()) {
        this.state = state;
        for (const node of state.nodes)
            this.nodes.set(node.h, node);
        for (const [id, h, kind] of state.links)
            this.links.set(id, [h, kind]);
        for (const stats of state.states)
            this.statsByName.set(`${stats.type}\u0000${stats.name}`, stats);
    }
    /** Folds events sorted by id. Events already folded (id ≤ last) are skipped as duplicates. */
    add(events) {
        for (const event of events) {
            if (event.id <= this.state.lastEventId) {
                // An older event after newer ones: pages came out of order across calls.
                if (!this.links.has(event.id) && event.id !== this.state.lastEventId)
                    this.state.incomplete = true;
                continue;
            }
            this.state.lastEventId = event.id;
            this.state.eventCount += 1;
            this.fold(event);
            if (this.state.eventCount % 1_000 === 0)
                this.collect();
        }
        this.collect();
    }
    /** The fold state to carry to the next call: bounded (open nodes, recent links). */
    snapshot() {
        const links = [...this.links.entries()].slice(-LIMITS.maxPartialLinks);
        const keep = this.liveHandles(links.map(([, [h]]) => h));
        return {
            ...this.state,
            nodes: [...this.nodes.values()].filter((n) => keep.has(n.h)),
            links: links.map(([id, [h, kind]]) => [id, h, kind]),
        };
    }
    /** Closes what is still open (status decides how) and returns the state's summary parts. */
    finish() {
        const status = this.state.execution.status;
        const outcome = status === 'TIMED_OUT'
            ? 'timed_out'
            : status === 'ABORTED'
                ? 'aborted'
                : status === 'FAILED'
                    ? 'failed'
                    : status === 'SUCCEEDED'
                        ? 'succeeded'
                        : 'running';
        // Innermost first, so children close before their containers.
        const open = [...this.nodes.values()].filter((n) => !n.closed).sort((a, b) => b.h - a.h);
        for (const node of open) {
            this.close(node, outcome === 'failed' && !node.pending ? 'aborted' : outcome, undefined);
        }
        return this.state;
    }
    fold(event) {
        const { type } = event;
        const stateType = STATE_TYPES.find((t) => type === `${t}StateEntered`);
        if (stateType) {
            this.enter(event, stateType);
            return;
        }
        if (type.endsWith('StateExited')) {
            this.exit(event);
            return;
        }
        if (ATTEMPT_START.has(type)) {
            this.attempt(event);
            return;
        }
        if (ATTEMPT_FAILED.has(type)) {
            this.attemptFailed(event, 'failed');
            return;
        }
        if (ATTEMPT_TIMED_OUT.has(type)) {
            this.attemptFailed(event, 'timed_out');
            return;
        }
        if (STATE_ABORTED.has(type)) {
            this.aborted(event);
            return;
        }
        if (QUIET.has(type)) {
            this.quiet(event);
            return;
        }
        switch (type) {
            case 'ExecutionStarted':
                // The first state's previousEventId may point here: a link to no node, so it resolves to top level.
                this.link(event.id, 0, 'exit');
                this.state.execution.startMs ??= event.timestampMs;
                if (this.state.execution.status === 'UNKNOWN')
                    this.state.execution.status = 'RUNNING';
                return;
            case 'ExecutionRedriven': {
                const count = event.details.redriveCount;
                this.state.execution.redriveCount =
                    typeof count === 'number' ? count : this.state.execution.redriveCount + 1;
                if (event.timestampMs !== undefined)
                    this.state.execution.redriveDateMs = event.timestampMs;
                this.state.execution.status = 'RUNNING';
                // The run goes on from the failure: its end, error and failing state are no longer the execution's.
                delete this.state.execution.stopMs;
                delete this.state.execution.error;
                delete this.state.execution.cause;
                delete this.state.failedState;
                this.relink(event);
                return;
            }
            case 'ExecutionSucceeded':
                this.end(event, 'SUCCEEDED');
                return;
            case 'ExecutionFailed':
                this.end(event, 'FAILED');
                return;
            case 'ExecutionTimedOut':
                this.end(event, 'TIMED_OUT');
                return;
            case 'ExecutionAborted':
                this.end(event, 'ABORTED');
                return;
            case 'MapStateStarted':
            case 'MapStateSucceeded':
            case 'MapRunSucceeded':
            case 'MapRunStarted':
            case 'MapRunFailed':
            case 'MapRunAborted':
            case 'MapRunRedriven':
            case 'MapIterationStarted':
            case 'MapIterationSucceeded':
            case 'MapIterationFailed':
            case 'MapIterationAborted':
            case 'MapStateFailed':
                this.map(event);
                return;
            case 'ParallelStateStarted':
            case 'ParallelStateSucceeded':
            case 'ParallelStateFailed':
                this.parallel(event);
                return;
            case 'EvaluationFailed':
                this.evaluationFailed(event);
                return;
            default:
                this.state.unknownEventTypes[type] = (this.state.unknownEventTypes[type] ?? 0) + 1;
                // Keep the chain going through an unknown event.
                this.relink(event);
        }
    }
    link(id, h, kind) {
        this.links.set(id, [h, kind]);
        if (this.links.size > LIMITS.maxLinks) {
            const oldest = this.links.keys().next();
            if (!oldest.done)
                this.links.delete(oldest.value);
        }
    }
    lookup(event) {
        const found = this.links.get(event.previousEventId);
        if (!found) {
            if (event.previousEventId > 0)
                this.state.incomplete = true;
            return undefined;
        }
        // Handle 0 is the execution itself (ExecutionStarted): top level.
        const node = this.nodes.get(found[0]);
        return node ? { node, kind: found[1] } : undefined;
    }
    relink(event) {
        const found = this.lookup(event);
        if (found)
            this.link(event.id, found.node.h, found.kind === 'exit' ? 'exit' : 'in');
        return found?.node;
    }
    /** The node an event belongs to: the one its previous event belongs to (an exit hands over to its parent). */
    owner(event) {
        const found = this.lookup(event);
        if (!found)
            return this.latestOpen();
        if (found.kind !== 'exit' || !found.node.closed)
            return found.node;
        return found.node.parent === undefined ? undefined : this.nodes.get(found.node.parent);
    }
    latestOpen(type) {
        let latest;
        for (const node of this.nodes.values()) {
            if (!node.closed && (type === undefined || node.s.type === type))
                latest = node;
        }
        return latest;
    }
    /** The nearest open container of `type` at or above the event's position. */
    container(event, type) {
        const found = this.lookup(event);
        let node = found?.node;
        if (node && found?.kind === 'exit')
            node = node.parent === undefined ? undefined : this.nodes.get(node.parent);
        while (node && !(node.s.type === type && !node.closed)) {
            node = node.parent === undefined ? undefined : this.nodes.get(node.parent);
        }
        return node ?? this.latestOpen(type);
    }
    enter(event, type) {
        const name = typeof event.details.name === 'string' ? event.details.name : '(unnamed)';
        const found = this.lookup(event);
        let parent;
        // The state that ran before this one in the same iteration or branch, when there is one.
        let sibling;
        if (found) {
            const { node, kind } = found;
            if (kind === 'start' && !node.closed)
                parent = node;
            else if (kind === 'exit' || node.closed) {
                parent = this.parentOf(node);
                sibling = node;
            }
            else if (node.s.type === 'Map' || node.s.type === 'Parallel')
                parent = node;
            else {
                parent = this.parentOf(node);
                sibling = node;
            }
        }
        if (parent && parent.s.type === 'Parallel' && found?.kind === 'start') {
            parent.s.parallel ??= { branches: emptyCounts() };
            parent.s.parallel.branches.started += 1;
        }
        const h = this.state.nextHandle++;
        // A Map iteration is named by its MapIterationStarted event (the one this state follows); a branch
        // that starts without one (Parallel) by its first state.
        const branch = !parent
            ? undefined
            : sibling
                ? sibling.branch
                : parent.s.type === 'Map' && found?.kind === 'start'
                    ? event.previousEventId
                    : h;
        const s = { name, type, outcome: 'running', attempts: 0, handledErrors: 0 };
        if (event.timestampMs !== undefined)
            s.startMs = event.timestampMs;
        if (type === 'Map')
            s.map = { iterations: emptyCounts() };
        const node = { h, top: parent ? parent.top : h, closed: false, s };
        if (branch !== undefined)
            node.branch = branch;
        if (parent)
            node.parent = parent.h;
        else if (this.state.steps.length < LIMITS.maxSteps) {
            node.listIndex = this.state.steps.length;
            this.state.steps.push(s);
        }
        else
            this.state.omittedSteps += 1;
        this.nodes.set(h, node);
        this.link(event.id, h, 'in');
        const stats = this.stats(name, type);
        if (stats)
            stats.entered += 1;
        if (type === 'Fail') {
            node.pending = {
                kind: 'failed',
                ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
            };
            this.markFailed(node);
        }
    }
    parentOf(node) {
        return node.parent === undefined ? undefined : this.nodes.get(node.parent);
    }
    exit(event) {
        const name = typeof event.details.name === 'string' ? event.details.name : undefined;
        let node = this.owner(event);
        // Walk up to the open state with the exit's name (a Map/Parallel exits after its children).
        while (node && (node.closed || (name !== undefined && node.s.name !== name)))
            node = this.parentOf(node);
        if (!node) {
            this.state.incomplete = true;
            return;
        }
        this.close(node, node.pending ? 'caught' : 'succeeded', event.timestampMs);
        this.link(event.id, node.h, 'exit');
    }
    attempt(event) {
        const node = this.owner(event);
        if (!node)
            return;
        this.link(event.id, node.h, 'in');
        if (node.pending) {
            // A failed attempt followed by another one: it was retried.
            this.recordFailure(node, node.pending, 'retried');
            node.pending = undefined;
        }
        node.s.attempts += 1;
        if (node.s.attempts > 1)
            this.state.retries += 1;
        if (!node.s.resource) {
            const resource = describeResource(event.type, event.details);
            if (resource)
                node.s.resource = resource;
        }
    }
    quiet(event) {
        const node = this.relink(event);
        if (node?.s.resource?.kind !== 'states')
            return;
        const arn = childExecutionArn(event.details);
        if (arn && !node.s.resource.arn)
            node.s.resource = { ...node.s.resource, arn };
    }
    attemptFailed(event, kind) {
        const node = this.owner(event);
        if (!node)
            return;
        this.link(event.id, node.h, 'in');
        const error = boundedError(event.details.error) ?? (kind === 'timed_out' ? 'States.Timeout' : undefined);
        const cause = summarizeCause(event.details.cause);
        node.pending = {
            kind,
            ...(error === undefined ? {} : { error }),
            ...(cause === undefined ? {} : { cause }),
            ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
        };
        if (node.s.resource?.kind === 'states' && cause?.childExecutionArn && !node.s.resource.arn) {
            node.s.resource = { ...node.s.resource, arn: cause.childExecutionArn };
        }
        if (node.s.attempts === 0)
            node.s.attempts = 1;
    }
    evaluationFailed(event) {
        const node = this.owner(event);
        if (!node)
            return;
        this.link(event.id, node.h, 'in');
        const error = boundedError(event.details.error);
        const cause = summarizeCause(event.details.cause);
        node.pending = {
            kind: 'failed',
            ...(error === undefined ? {} : { error }),
            ...(cause === undefined ? {} : { cause }),
            ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
        };
    }
    aborted(event) {
        const type = event.type === 'MapStateAborted' ? 'Map' : event.type === 'ParallelStateAborted' ? 'Parallel' : '';
        const node = type === 'Map' || type === 'Parallel' ? this.container(event, type) : this.owner(event);
        if (!node)
            return;
        this.link(event.id, node.h, 'in');
        // A state that failed and was then aborted (its Parallel branch lost) still failed.
        if (!node.closed)
            this.close(node, node.pending ? 'failed' : 'aborted', event.timestampMs);
    }
    map(event) {
        const node = this.container(event, 'Map');
        if (!node) {
            this.state.incomplete = true;
            return;
        }
        node.s.map ??= { iterations: emptyCounts() };
        const map = node.s.map;
        const kind = event.type === 'MapIterationStarted' ? 'start' : 'in';
        this.link(event.id, node.h, kind);
        switch (event.type) {
            case 'MapStateStarted':
                if (typeof event.details.length === 'number')
                    map.length = event.details.length;
                break;
            case 'MapRunStarted':
                if (typeof event.details.mapRunArn === 'string')
                    map.mapRunArn = event.details.mapRunArn.slice(0, 2048);
                break;
            case 'MapIterationStarted':
                map.iterations.started += 1;
                break;
            case 'MapIterationSucceeded':
                map.iterations.succeeded += 1;
                this.closeIteration(event, node, 'succeeded');
                break;
            case 'MapIterationFailed':
                map.iterations.failed += 1;
                this.closeIteration(event, node, 'failed');
                break;
            case 'MapIterationAborted':
                map.iterations.aborted += 1;
                this.closeIteration(event, node, 'aborted');
                break;
            case 'MapStateSucceeded':
                // Every iteration is over; anything still open lost its link to its iteration's end.
                this.closeInside(node, 'succeeded', event.timestampMs);
                break;
            case 'MapRunFailed':
            case 'MapRunAborted':
            case 'MapStateFailed': {
                const error = boundedError(event.details.error);
                const cause = summarizeCause(event.details.cause);
                if (error || cause || !node.pending) {
                    node.pending = {
                        kind: 'failed',
                        ...(error === undefined ? (node.pending?.error ? { error: node.pending.error } : {}) : { error }),
                        ...(cause === undefined ? (node.pending?.cause ? { cause: node.pending.cause } : {}) : { cause }),
                        ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
                    };
                }
                if (event.type === 'MapStateFailed')
                    this.closeInside(node, 'failed', event.timestampMs);
                break;
            }
            default:
                break;
        }
    }
    parallel(event) {
        const node = this.container(event, 'Parallel');
        if (!node) {
            this.state.incomplete = true;
            return;
        }
        node.s.parallel ??= { branches: emptyCounts() };
        if (event.type === 'ParallelStateStarted') {
            this.link(event.id, node.h, 'start');
            return;
        }
        this.link(event.id, node.h, 'in');
        if (event.type === 'ParallelStateSucceeded') {
            // Every branch is over; anything still open lost its link to its branch's end.
            this.closeInside(node, 'succeeded', event.timestampMs);
            return;
        }
        node.pending ??= {
            kind: 'failed',
            ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
        };
        this.closeInside(node, 'failed', event.timestampMs);
    }
    /**
     * Closes the open states of the one Map iteration a MapIteration{Succeeded,Failed,Aborted} event ends.
     * Iterations run concurrently, so the others go on. The event descends (previousEventId) from the
     * iteration's last event, and through it from its MapIterationStarted; when that chain is lost, nothing
     * is closed here (the Map's own end closes what is left).
     */
    closeIteration(event, map, how) {
        const found = this.lookup(event);
        if (!found)
            return;
        let branch;
        if (found.node.h === map.h) {
            // An iteration that ended right after it started.
            if (found.kind === 'start')
                branch = event.previousEventId;
        }
        else {
            let node = found.node;
            while (node && node.parent !== map.h)
                node = this.parentOf(node);
            branch = node?.branch;
        }
        if (branch === undefined)
            return;
        this.closeInside(map, how, event.timestampMs, branch);
    }
    /**
     * Closes the open states inside `container` when an iteration (`branch` given) or the whole container
     * ends: the one with a pending failure failed, the others were cut short.
     */
    closeInside(container, how, atMs, branch) {
        const inside = [...this.nodes.values()]
            .filter((n) => !n.closed &&
            n.h !== container.h &&
            (branch === undefined ? this.isInside(n, container.h) : this.branchIn(n, container.h) === branch))
            .sort((a, b) => b.h - a.h);
        for (const node of inside) {
            const outcome = how === 'succeeded'
                ? 'succeeded'
                : node.pending
                    ? node.pending.kind === 'timed_out'
                        ? 'timed_out'
                        : 'failed'
                    : node.s.type === 'Fail'
                        ? 'failed'
                        : 'aborted';
            this.close(node, outcome, atMs);
        }
    }
    /** The iteration or branch of `container` that `node` runs in; undefined when not inside it. */
    branchIn(node, container) {
        let current = node;
        while (current && current.parent !== container)
            current = this.parentOf(current);
        return current?.branch;
    }
    isInside(node, ancestor) {
        let current = this.parentOf(node);
        while (current) {
            if (current.h === ancestor)
                return true;
            current = this.parentOf(current);
        }
        return false;
    }
    end(event, status) {
        const execution = this.state.execution;
        execution.status = status;
        if (event.timestampMs !== undefined)
            execution.stopMs = event.timestampMs;
        const error = boundedError(event.details.error);
        const cause = summarizeCause(event.details.cause);
        if (error !== undefined)
            execution.error = error;
        if (cause !== undefined)
            execution.cause = cause;
        if (status === 'SUCCEEDED') {
            this.relink(event);
            return;
        }
        const node = this.owner(event);
        if (node) {
            this.link(event.id, node.h, 'in');
            this.state.failedState ??= node.failedChild ?? node.s.name;
            if (!node.pending && status !== 'ABORTED') {
                node.pending = {
                    kind: status === 'TIMED_OUT' ? 'timed_out' : 'failed',
                    ...(error === undefined ? {} : { error }),
                    ...(cause === undefined ? {} : { cause }),
                };
            }
            else if (node.pending) {
                // A Fail state's (or a failed Map/Parallel's) error and cause only appear on ExecutionFailed.
                if (error !== undefined)
                    node.pending.error ??= error;
                if (cause !== undefined)
                    node.pending.cause ??= cause;
            }
            if (!node.closed) {
                const outcome = status === 'ABORTED'
                    ? 'aborted'
                    : status === 'TIMED_OUT' || node.pending?.kind === 'timed_out'
                        ? 'timed_out'
                        : 'failed';
                this.closeInside(node, outcome === 'failed' ? 'failed' : 'aborted', event.timestampMs);
                this.close(node, outcome, event.timestampMs);
            }
        }
        if (error !== undefined)
            this.attributeExecutionError(error, cause);
        for (const open of [...this.nodes.values()].filter((n) => !n.closed).sort((a, b) => b.h - a.h)) {
            const outcome = status === 'TIMED_OUT'
                ? 'timed_out'
                : open.pending
                    ? open.pending.kind === 'timed_out'
                        ? 'timed_out'
                        : 'failed'
                    : 'aborted';
            this.close(open, outcome, event.timestampMs);
        }
    }
    /**
     * A state that failed inside a Map iteration or Parallel branch (a Fail state, typically) was closed before
     * the execution's error was known: the failure that ended the run gets the execution's error and cause.
     */
    attributeExecutionError(error, cause) {
        const failedState = this.state.failedState;
        if (failedState === undefined)
            return;
        const failures = this.state.failures;
        const at = failures.findIndex((f) => f.handling === 'fatal' && f.state === failedState && f.error === undefined);
        const failure = failures[at];
        if (failure) {
            failures[at] = { ...failure, error, ...(failure.cause || !cause ? {} : { cause }) };
        }
        const top = failure?.topLevelState ?? failedState;
        for (const step of this.state.steps) {
            if (step.name === top && (step.outcome === 'failed' || step.outcome === 'timed_out') && !step.error) {
                step.error = error;
                if (cause && !step.cause)
                    step.cause = shortCause(cause);
            }
        }
    }
    markFailed(node) {
        let parent = this.parentOf(node);
        while (parent) {
            parent.failedChild ??= node.s.name;
            parent = this.parentOf(parent);
        }
    }
    close(node, outcome, atMs) {
        node.closed = true;
        const s = node.s;
        s.outcome = outcome;
        if (atMs !== undefined)
            s.endMs = atMs;
        else if (s.endMs === undefined && node.pending?.atMs !== undefined)
            s.endMs = node.pending.atMs;
        if (s.startMs !== undefined && s.endMs !== undefined && s.endMs >= s.startMs)
            s.durationMs = s.endMs - s.startMs;
        const pending = outcome === 'running' ? undefined : node.pending;
        if (pending) {
            if (pending.error !== undefined)
                s.error = pending.error;
            if (pending.cause !== undefined)
                s.cause = shortCause(pending.cause);
            const handling = outcome === 'caught' ? 'caught' : 'fatal';
            // A Map/Parallel that failed because a state inside failed: that inner failure is already recorded.
            const container = node.s.type === 'Map' || node.s.type === 'Parallel';
            if (!(handling === 'fatal' && container && node.failedChild !== undefined)) {
                this.recordFailure(node, pending, handling);
            }
            if (outcome === 'caught') {
                this.state.handledErrors += 1;
                let current = node;
                while (current) {
                    current.s.handledErrors += 1;
                    current = this.parentOf(current);
                }
            }
        }
        if (outcome === 'failed' || outcome === 'timed_out')
            this.markFailed(node);
        // A branch ends in the state of it that fails or is cut short; the others end when the Parallel does.
        const branches = this.parentOf(node)?.s.parallel?.branches;
        if (branches && (outcome === 'failed' || outcome === 'timed_out'))
            branches.failed += 1;
        if (branches && outcome === 'aborted')
            branches.aborted += 1;
        if (s.parallel && outcome !== 'running') {
            const b = s.parallel.branches;
            b.succeeded = Math.max(0, b.started - b.failed - b.aborted);
        }
        const stats = this.stats(s.name, s.type);
        if (stats) {
            if (outcome === 'succeeded')
                stats.succeeded += 1;
            else if (outcome === 'failed')
                stats.failed += 1;
            else if (outcome === 'caught')
                stats.caught += 1;
            else if (outcome === 'timed_out')
                stats.timedOut += 1;
            else if (outcome === 'aborted')
                stats.aborted += 1;
            if (s.attempts > 1)
                stats.retries += s.attempts - 1;
            if (s.durationMs !== undefined) {
                stats.totalDurationMs += s.durationMs;
                stats.maxDurationMs = Math.max(stats.maxDurationMs ?? 0, s.durationMs);
            }
        }
        if (node.listIndex !== undefined)
            this.state.steps[node.listIndex] = s;
    }
    recordFailure(node, pending, handling) {
        this.state.failureCount += 1;
        const failures = this.state.failures;
        if (failures.length >= LIMITS.maxFailures) {
            // A failure that ended a state matters more than earlier retried or caught ones: it takes the place
            // of the latest of those, so many retries or handled errors cannot push it out.
            if (handling !== 'fatal')
                return;
            const kinds = failures.map((f) => f.handling);
            const retried = kinds.lastIndexOf('retried');
            const replace = retried >= 0 ? retried : kinds.lastIndexOf('caught');
            if (replace < 0)
                return;
            failures.splice(replace, 1);
        }
        const top = this.nodes.get(node.top);
        const outcome = handling === 'caught' ? 'caught' : pending.kind === 'timed_out' ? 'timed_out' : 'failed';
        const detail = {
            state: node.s.name,
            ...(top && top.h !== node.h ? { topLevelState: top.s.name } : {}),
            outcome,
            handling,
            ...(pending.error === undefined ? {} : { error: pending.error }),
            ...(pending.cause === undefined ? {} : { cause: pending.cause }),
            attempt: Math.max(1, node.s.attempts),
            ...(node.s.resource ? { resource: node.s.resource } : {}),
            ...(pending.atMs === undefined ? {} : { atMs: pending.atMs }),
        };
        this.state.failures.push(detail);
    }
    stats(name, type) {
        const key = `${type}\u0000${name}`;
        let stats = this.statsByName.get(key);
        if (stats)
            return stats;
        if (this.state.states.length >= LIMITS.maxStates) {
            // Counted once per name within a call (the set is bounded and not carried between calls).
            if (!this.omittedNames.has(key) && this.omittedNames.size < 10_000) {
                this.omittedNames.add(key);
                this.state.omittedStates += 1;
            }
            return undefined;
        }
        stats = {
            name,
            type,
            entered: 0,
            succeeded: 0,
            failed: 0,
            caught: 0,
            timedOut: 0,
            aborted: 0,
            retries: 0,
            totalDurationMs: 0,
        };
        this.statsByName.set(key, stats);
        this.state.states.push(stats);
        return stats;
    }
    /** Handles still needed: open nodes, nodes the given links point at, and their ancestors. */
    liveHandles(linked) {
        const keep = new Set();
        const add = (h) => {
            let node = this.nodes.get(h);
            while (node && !keep.has(node.h)) {
                keep.add(node.h);
                node = this.parentOf(node);
            }
        };
        for (const node of this.nodes.values())
            if (!node.closed)
                add(node.h);
        for (const h of linked)
            add(h);
        return keep;
    }
    /** Drops closed nodes no link points at, so memory stays bounded on long histories. */
    collect() {
        if (this.nodes.size <= LIMITS.maxNodes)
            return;
        const keep = this.liveHandles([...this.links.values()].map(([h]) => h));
        for (const h of [...this.nodes.keys()])
            if (!keep.has(h))
                this.nodes.delete(h);
        for (const [id, [h]] of [...this.links.entries()])
            if (!this.nodes.has(h))
                this.links.delete(id);
    }
}
/** A step's cause: shorter, and without the stack lines (kept in the failure, where the message shows them). */
function shortCause(cause) {
    const { stack: _stack, stackTruncated: _more, ...rest } = cause;
    if (rest.text.length <= LIMITS.stepCauseChars)
        return rest;
    return { ...rest, text: rest.text.slice(0, LIMITS.stepCauseChars), truncated: true };
}
