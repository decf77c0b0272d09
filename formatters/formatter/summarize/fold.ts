/**
 * The fold from history events to an ExecutionSummary. Events must be fed in id order (the caller sorts and
 * dedupes each batch); the state between batches (`FoldState`) is plain JSON and bounded, so it can travel
 * through Step Functions as the `partial` of the formatter contract.
 *
 * Each event is attached to the state ("node") it belongs to by following `previousEventId` to an event
 * already seen (the API's own linking), so interleaved Map iterations and Parallel branches stay apart.
 */
import { cutText } from '../cut.js';
import { boundedError, summarizeCause } from './cause.js';
import type { HistoryEvent } from './normalize.js';
import { childExecutionArn, describeResource } from './resource.js';
import type {
  CauseSummary,
  ExecutionInfo,
  ExecutionStatus,
  FailureDetail,
  IterationCounts,
  StateStats,
  StepOutcome,
  StepSummary,
} from './types.js';

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
  /** Links (event id → node) kept, for the newest event ids; older events are rarely pointed at. */
  maxLinks: 4_096,
  /** Links carried in a serialized partial. */
  maxPartialLinks: 300,
  /** Nodes tracked before closed, unreferenced ones are dropped. */
  maxNodes: 2_000,
} as const;

type LinkKind = 'in' | 'exit' | 'start';

interface PendingFailure {
  kind: 'failed' | 'timed_out';
  error?: string;
  cause?: CauseSummary;
  atMs?: number;
}

/** A state as it runs. Plain data so the fold state serializes. */
interface Node {
  h: number;
  parent?: number;
  /** Handle of the top-level ancestor (itself when top-level). */
  top: number;
  /** Index in `steps` when this is a listed top-level step. */
  listIndex?: number;
  /**
   * The Map iteration or Parallel branch this state runs in, shared by the states of one iteration (set on
   * states directly inside a Map or Parallel): the MapIterationStarted event's id, or for a branch without
   * such an event the handle of its first state.
   */
  branch?: number;
  closed: boolean;
  s: StepSummary;
  pending?: PendingFailure;
  /** The innermost state that failed inside this one. */
  failedChild?: string;
  /** `failureCount` when this state was entered: failures recorded after it happened while it ran. */
  failSeq?: number;
  /** True once its work succeeded (TaskSucceeded, …): its end, if not seen, was not a failure. */
  ok?: boolean;
  /** The Map item index of the iteration this state runs in (set on states directly inside a Map). */
  iteration?: number;
}

/** The fold's state between batches: plain JSON, bounded. */
export interface FoldState {
  v: 1;
  execution: ExecutionInfo;
  steps: StepSummary[];
  omittedSteps: number;
  states: StateStats[];
  omittedStates: number;
  failures: FailureDetail[];
  failureCount: number;
  handledErrors: number;
  retries: number;
  failedState?: string;
  stoppedState?: string;
  stoppedWhileRetrying?: boolean;
  eventCount: number;
  unknownEventTypes: Record<string, number>;
  incomplete: boolean;
  /** What ExecutionStarted said: when, and which version or alias of the state machine ran. */
  started?: { ms?: number; versionArn?: string; aliasArn?: string };
  /** Highest event id folded; events at or below it are duplicates. */
  lastEventId: number;
  nextHandle: number;
  nodes: Node[];
  /** [eventId, handle, kind] */
  links: [number, number, LinkKind][];
}

export function emptyFoldState(): FoldState {
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

/** `<Type>StateEntered` → the state's type. */
const STATE_ENTERED = new Map(
  ['Task', 'Pass', 'Choice', 'Wait', 'Map', 'Parallel', 'Succeed', 'Fail'].map((t) => [`${t}StateEntered`, t])
);
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

const FAILED_OUTCOMES = new Set<StepOutcome>(['failed', 'timed_out']);
/** A step is slow when it took at least this factor of its state's average, and at least SLOW_MIN_MS. */
const SLOW_FACTOR = 5;
const SLOW_MIN_MS = 10_000;
/** The longest loop (in states) whose rounds are folded together into one entry per state. */
const MAX_CYCLE = 8;

/** A step that simply succeeded: first attempt, nothing handled, not slow, not part of an earlier run. */
function isPlain(step: StepSummary): boolean {
  return (
    step.outcome === 'succeeded' &&
    step.attempts <= 1 &&
    step.handledErrors === 0 &&
    !step.slow &&
    !step.redriven
  );
}

function emptyCounts(): IterationCounts {
  return { started: 0, succeeded: 0, failed: 0, aborted: 0 };
}

const KINDS: readonly LinkKind[] = ['in', 'exit', 'start'];

/**
 * Event id → (node handle, kind) for the newest events: a ring indexed by id (history ids are consecutive),
 * so linking an event allocates nothing and an old link is simply overwritten by the id `size` later.
 */
class LinkRing {
  private readonly ids: Float64Array;
  private readonly handlesOf: Float64Array;
  private readonly kinds: Uint8Array;

  constructor(private readonly size: number) {
    this.ids = new Float64Array(size).fill(-1);
    this.handlesOf = new Float64Array(size);
    this.kinds = new Uint8Array(size);
  }

  private slot(id: number): number {
    return Number.isSafeInteger(id) && id >= 0 ? id % this.size : -1;
  }

  set(id: number, h: number, kind: LinkKind): void {
    const slot = this.slot(id);
    if (slot < 0) return;
    this.ids[slot] = id;
    this.handlesOf[slot] = h;
    this.kinds[slot] = kind === 'in' ? 0 : kind === 'exit' ? 1 : 2;
  }

  has(id: number): boolean {
    const slot = this.slot(id);
    return slot >= 0 && this.ids[slot] === id;
  }

  /** The handle linked to `id` (call `has` first). */
  handle(id: number): number {
    return this.handlesOf[this.slot(id)] ?? 0;
  }

  kind(id: number): LinkKind {
    return KINDS[this.kinds[this.slot(id)] ?? 0] ?? 'in';
  }

  /** Every link, oldest event first. */
  entries(): [number, number, LinkKind][] {
    const out: [number, number, LinkKind][] = [];
    for (let slot = 0; slot < this.size; slot++) {
      const id = this.ids[slot] ?? -1;
      if (id >= 0) out.push([id, this.handlesOf[slot] ?? 0, KINDS[this.kinds[slot] ?? 0] ?? 'in']);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  handles(): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.size; slot++)
      if ((this.ids[slot] ?? -1) >= 0) out.push(this.handlesOf[slot] ?? 0);
    return out;
  }

  /** Drops the links whose handle `drop` says no longer matters. */
  deleteWhere(drop: (h: number) => boolean): void {
    for (let slot = 0; slot < this.size; slot++) {
      if ((this.ids[slot] ?? -1) >= 0 && drop(this.handlesOf[slot] ?? 0)) this.ids[slot] = -1;
    }
  }
}

/** The mutable fold over one FoldState, with in-memory indexes rebuilt from it. */
export class Folder {
  readonly state: FoldState;
  private readonly nodes = new Map<number, Node>();
  /** The nodes not closed yet, in the order they were entered (few at a time, however long the history). */
  private readonly openNodes = new Set<Node>();
  private readonly links = new LinkRing(LIMITS.maxLinks);
  /** State type → state name → its aggregate. */
  private readonly statsByType = new Map<string, Map<string, StateStats>>();
  private readonly omittedNames = new Set<string>();
  /** MapIterationStarted event id → the item's index, until the iteration's first state is entered. */
  private readonly iterationIndex = new Map<number, number>();

  constructor(state: FoldState = emptyFoldState()) {
    this.state = state;
    for (const node of state.nodes) {
      this.nodes.set(node.h, node);
      if (!node.closed) this.openNodes.add(node);
    }
    for (const [id, h, kind] of state.links) this.links.set(id, h, kind);
    for (const stats of state.states) this.statsMap(stats.type).set(stats.name, stats);
  }

  /** Folds events sorted by id. Events already folded (id ≤ last) are skipped as duplicates. */
  add(events: Iterable<HistoryEvent>): void {
    for (const event of events) this.addOne(event);
    this.collect();
  }

  /** Folds one event (in id order); call `add([])` after the last one to bound the state. */
  addOne(event: HistoryEvent): void {
    if (event.id <= this.state.lastEventId) {
      // An older event after newer ones: pages came out of order across calls.
      if (!this.links.has(event.id) && event.id !== this.state.lastEventId) this.state.incomplete = true;
      return;
    }
    this.state.lastEventId = event.id;
    this.state.eventCount += 1;
    this.fold(event);
    if (this.state.eventCount % 1_000 === 0) this.collect();
  }

  /** The fold state to carry to the next call: bounded (open nodes, recent links). */
  snapshot(): FoldState {
    const links = this.links.entries().slice(-LIMITS.maxPartialLinks);
    const keep = this.liveHandles(links.map(([, h]) => h));
    return {
      ...this.state,
      nodes: [...this.nodes.values()].filter((n) => keep.has(n.h)),
      links,
    };
  }

  /**
   * Closes what is still open (status decides how) and returns the state's summary parts. `cut`: the history
   * read stops before its end, so a state still open may have ended in the part not read (`unknown`), unless
   * its success is in the part read.
   */
  finish(cut = false): FoldState {
    const status = this.state.execution.status;
    const outcome: StepOutcome =
      status === 'TIMED_OUT'
        ? 'timed_out'
        : status === 'ABORTED'
          ? 'aborted'
          : status === 'FAILED'
            ? 'failed'
            : status === 'SUCCEEDED'
              ? 'succeeded'
              : 'running';
    // Innermost first, so children close before their containers.
    const open = [...this.openNodes].sort((a, b) => b.h - a.h);
    if (status === 'ABORTED') {
      // Aborted by the event's word, the history not there yet: stopped where it was, retries not failures.
      const where = open[0];
      if (where && this.state.stoppedState === undefined) {
        this.state.stoppedState = where.s.name;
        if (where.pending) this.state.stoppedWhileRetrying = true;
      }
      for (const node of open) this.stopRetry(node);
    }
    for (const node of open) {
      const how: StepOutcome =
        node.ok && !node.pending
          ? 'succeeded'
          : cut && outcome !== 'running'
            ? 'unknown'
            : outcome === 'failed' && !node.pending
              ? 'aborted'
              : outcome;
      this.close(node, how, undefined);
    }
    return this.state;
  }

  private fold(event: HistoryEvent): void {
    const { type } = event;
    const stateType = STATE_ENTERED.get(type);
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
      case 'ExecutionStarted': {
        // The first state's previousEventId may point here: a link to no node, so it resolves to top level.
        this.link(event.id, 0, 'exit');
        this.state.execution.startMs ??= event.timestampMs;
        const d = event.details;
        this.state.started ??= {
          ...(event.timestampMs === undefined ? {} : { ms: event.timestampMs }),
          ...(typeof d.stateMachineVersionArn === 'string' ? { versionArn: d.stateMachineVersionArn } : {}),
          ...(typeof d.stateMachineAliasArn === 'string' ? { aliasArn: d.stateMachineAliasArn } : {}),
        };
        if (typeof d.startedBy === 'string') this.state.execution.parentExecutionArn ??= d.startedBy;
        if (this.state.execution.status === 'UNKNOWN') this.state.execution.status = 'RUNNING';
        return;
      }
      case 'ExecutionRedriven': {
        const count = event.details.redriveCount;
        this.state.execution.redriveCount =
          typeof count === 'number' ? count : this.state.execution.redriveCount + 1;
        if (event.timestampMs !== undefined) this.state.execution.redriveDateMs = event.timestampMs;
        this.state.execution.status = 'RUNNING';
        // The run goes on from the failure: its end, error and failing state are no longer the execution's.
        delete this.state.execution.stopMs;
        delete this.state.execution.error;
        delete this.state.execution.cause;
        delete this.state.failedState;
        delete this.state.stoppedState;
        delete this.state.stoppedWhileRetrying;
        this.redriven();
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

  /**
   * The failures that ended the runs so far, and the steps they ended, become history: only a failure of the
   * current run can be what ended the execution.
   */
  private redriven(): void {
    const failures = this.state.failures;
    failures.forEach((failure, i) => {
      if (failure.handling === 'fatal') failures[i] = { ...failure, handling: 'redriven' };
    });
    for (const step of this.state.steps) {
      if (step.outcome === 'failed' || step.outcome === 'timed_out' || step.outcome === 'aborted') {
        step.redriven = true;
      }
    }
  }

  private link(id: number, h: number, kind: LinkKind): void {
    this.links.set(id, h, kind);
  }

  private lookup(event: HistoryEvent): { node: Node; kind: LinkKind } | undefined {
    const id = event.previousEventId;
    if (!this.links.has(id)) {
      if (id > 0) this.state.incomplete = true;
      return undefined;
    }
    // Handle 0 is the execution itself (ExecutionStarted): top level.
    const node = this.nodes.get(this.links.handle(id));
    return node ? { node, kind: this.links.kind(id) } : undefined;
  }

  private relink(event: HistoryEvent): Node | undefined {
    const found = this.lookup(event);
    if (found) this.link(event.id, found.node.h, found.kind === 'exit' ? 'exit' : 'in');
    return found?.node;
  }

  /** The node an event belongs to: the one its previous event belongs to (an exit hands over to its parent). */
  private owner(event: HistoryEvent): Node | undefined {
    const found = this.lookup(event);
    if (!found) return this.latestOpen();
    if (found.kind !== 'exit' || !found.node.closed) return found.node;
    return found.node.parent === undefined ? undefined : this.nodes.get(found.node.parent);
  }

  private latestOpen(type?: string): Node | undefined {
    let latest: Node | undefined;
    for (const node of this.openNodes) {
      if (type === undefined || node.s.type === type) latest = node;
    }
    return latest;
  }

  /** The nearest open container of `type` at or above the event's position. */
  private container(event: HistoryEvent, type: 'Map' | 'Parallel'): Node | undefined {
    const found = this.lookup(event);
    let node: Node | undefined = found?.node;
    if (node && found?.kind === 'exit')
      node = node.parent === undefined ? undefined : this.nodes.get(node.parent);
    while (node && !(node.s.type === type && !node.closed)) {
      node = node.parent === undefined ? undefined : this.nodes.get(node.parent);
    }
    return node ?? this.latestOpen(type);
  }

  private enter(event: HistoryEvent, type: string): void {
    const name = typeof event.details.name === 'string' ? event.details.name : '(unnamed)';
    const found = this.lookup(event);
    let parent: Node | undefined;
    // The state that ran before this one in the same iteration or branch, when there is one.
    let sibling: Node | undefined;
    if (found) {
      const { node, kind } = found;
      if (kind === 'start' && !node.closed) parent = node;
      else if (kind === 'exit' || node.closed) {
        parent = this.parentOf(node);
        sibling = node;
      } else if (node.s.type === 'Map' || node.s.type === 'Parallel') parent = node;
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
    const s: StepSummary = { name, type, outcome: 'running', attempts: 0, handledErrors: 0 };
    if (event.timestampMs !== undefined) s.startMs = event.timestampMs;
    if (type === 'Map') s.map = { iterations: emptyCounts() };
    const node: Node = {
      h,
      top: parent ? parent.top : h,
      closed: false,
      s,
      failSeq: this.state.failureCount,
    };
    if (branch !== undefined) node.branch = branch;
    if (sibling?.iteration !== undefined) node.iteration = sibling.iteration;
    else if (parent?.s.type === 'Map' && found?.kind === 'start') {
      const index = this.iterationIndex.get(event.previousEventId);
      if (index !== undefined) node.iteration = index;
      this.iterationIndex.delete(event.previousEventId);
    }
    if (parent) node.parent = parent.h;
    else {
      if (this.state.steps.length >= LIMITS.maxSteps) this.dropListedStep();
      node.listIndex = this.state.steps.length;
      this.state.steps.push(s);
    }
    this.nodes.set(h, node);
    this.openNodes.add(node);
    this.link(event.id, h, 'in');
    const stats = this.stats(name, type);
    if (stats) stats.entered += 1;
    if (type === 'Fail') {
      node.pending = {
        kind: 'failed',
        ...(event.timestampMs === undefined ? {} : { atMs: event.timestampMs }),
      };
      this.markFailed(node);
    }
  }

  private parentOf(node: Node): Node | undefined {
    return node.parent === undefined ? undefined : this.nodes.get(node.parent);
  }

  private exit(event: HistoryEvent): void {
    const name = typeof event.details.name === 'string' ? event.details.name : undefined;
    let node = this.owner(event);
    // Walk up to the open state with the exit's name (a Map/Parallel exits after its children).
    while (node && (node.closed || (name !== undefined && node.s.name !== name))) node = this.parentOf(node);
    if (!node) {
      this.state.incomplete = true;
      return;
    }
    this.close(node, node.pending ? 'caught' : 'succeeded', event.timestampMs);
    this.link(event.id, node.h, 'exit');
  }

  private attempt(event: HistoryEvent): void {
    const node = this.owner(event);
    if (!node) return;
    this.link(event.id, node.h, 'in');
    if (node.pending) {
      // A failed attempt followed by another one: it was retried.
      this.recordFailure(node, node.pending, 'retried');
      node.pending = undefined;
    }
    node.s.attempts += 1;
    if (node.s.attempts > 1) this.state.retries += 1;
    if (!node.s.resource) {
      const resource = describeResource(event.type, event.details);
      if (resource) node.s.resource = resource;
    }
  }

  private quiet(event: HistoryEvent): void {
    const node = this.relink(event);
    if (node && event.type.endsWith('Succeeded')) node.ok = true;
    if (node?.s.resource?.kind !== 'states') return;
    const arn = childExecutionArn(event.details);
    if (arn && !node.s.resource.arn) node.s.resource = { ...node.s.resource, arn };
  }

  private attemptFailed(event: HistoryEvent, kind: 'failed' | 'timed_out'): void {
    const node = this.owner(event);
    if (!node) return;
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
    if (node.s.attempts === 0) node.s.attempts = 1;
  }

  private evaluationFailed(event: HistoryEvent): void {
    const node = this.owner(event);
    if (!node) return;
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

  private aborted(event: HistoryEvent): void {
    const type =
      event.type === 'MapStateAborted' ? 'Map' : event.type === 'ParallelStateAborted' ? 'Parallel' : '';
    const node = type === 'Map' || type === 'Parallel' ? this.container(event, type) : this.owner(event);
    if (!node) return;
    this.link(event.id, node.h, 'in');
    if (node.closed) return;
    if (node.pending && node.parent === undefined) {
      // A top-level state whose attempt failed, stopped rather than failing the run: a retry was due.
      this.stopRetry(node);
      this.close(node, 'aborted', event.timestampMs);
      return;
    }
    // A state that failed and was then aborted (its Parallel branch lost) still failed.
    this.close(node, node.pending ? 'failed' : 'aborted', event.timestampMs);
  }

  /** A failed attempt whose retry was due when the run stopped: recorded as retried, not as the failure. */
  private stopRetry(node: Node): void {
    if (!node.pending) return;
    this.recordFailure(node, node.pending, 'retried');
    node.pending = undefined;
    node.s.waitingToRetry = true;
  }

  private map(event: HistoryEvent): void {
    const node = this.container(event, 'Map');
    if (!node) {
      this.state.incomplete = true;
      return;
    }
    node.s.map ??= { iterations: emptyCounts() };
    const map = node.s.map;
    const kind: LinkKind = event.type === 'MapIterationStarted' ? 'start' : 'in';
    this.link(event.id, node.h, kind);
    switch (event.type) {
      case 'MapStateStarted':
        if (typeof event.details.length === 'number') map.length = event.details.length;
        break;
      case 'MapRunStarted':
        if (typeof event.details.mapRunArn === 'string')
          map.mapRunArn = event.details.mapRunArn.slice(0, 2048);
        break;
      case 'MapIterationStarted':
        map.iterations.started += 1;
        if (typeof event.details.index === 'number') {
          if (this.iterationIndex.size >= LIMITS.maxLinks) this.iterationIndex.clear();
          this.iterationIndex.set(event.id, event.details.index);
        }
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
        // Iterations that failed within the tolerated failures did not fail the run.
        this.caughtInside(node);
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
        if (event.type === 'MapStateFailed') this.closeInside(node, 'failed', event.timestampMs);
        break;
      }
      default:
        break;
    }
  }

  private parallel(event: HistoryEvent): void {
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
  private closeIteration(event: HistoryEvent, map: Node, how: 'succeeded' | 'failed' | 'aborted'): void {
    const found = this.lookup(event);
    if (!found) return;
    let branch: number | undefined;
    if (found.node.h === map.h) {
      // An iteration that ended right after it started.
      if (found.kind === 'start') branch = event.previousEventId;
    } else {
      let node: Node | undefined = found.node;
      while (node && node.parent !== map.h) node = this.parentOf(node);
      branch = node?.branch;
    }
    if (branch === undefined) return;
    this.closeInside(map, how, event.timestampMs, branch);
  }

  /**
   * Closes the open states inside `container` when an iteration (`branch` given) or the whole container
   * ends: the one with a pending failure failed, the others were cut short.
   */
  private closeInside(
    container: Node,
    how: 'succeeded' | 'failed' | 'aborted',
    atMs: number | undefined,
    branch?: number
  ): void {
    // Called at the end of every Map iteration: one array, and none when nothing is open inside.
    let inside: Node[] | undefined;
    for (const n of this.openNodes) {
      if (n.h === container.h) continue;
      if (branch === undefined ? this.isInside(n, container.h) : this.branchIn(n, container.h) === branch) {
        inside ??= [];
        inside.push(n);
      }
    }
    if (!inside) return;
    if (inside.length > 1) inside.sort((a, b) => b.h - a.h);
    for (const node of inside) {
      const outcome: StepOutcome =
        how === 'succeeded'
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
  private branchIn(node: Node, container: number): number | undefined {
    let current: Node | undefined = node;
    while (current && current.parent !== container) current = this.parentOf(current);
    return current?.branch;
  }

  private isInside(node: Node, ancestor: number): boolean {
    let current = this.parentOf(node);
    while (current) {
      if (current.h === ancestor) return true;
      current = this.parentOf(current);
    }
    return false;
  }

  private end(event: HistoryEvent, status: ExecutionStatus): void {
    const execution = this.state.execution;
    execution.status = status;
    if (event.timestampMs !== undefined) execution.stopMs = event.timestampMs;
    const error = boundedError(event.details.error);
    const cause = summarizeCause(event.details.cause);
    if (error !== undefined) execution.error = error;
    if (cause !== undefined) execution.cause = cause;
    if (status === 'SUCCEEDED') {
      this.relink(event);
      return;
    }
    if (status === 'ABORTED') {
      this.stopped(event);
      return;
    }
    const node = this.owner(event);
    if (node) {
      this.link(event.id, node.h, 'in');
      this.state.failedState ??= node.failedChild ?? node.s.name;
      if (!node.pending) {
        node.pending = {
          kind: status === 'TIMED_OUT' ? 'timed_out' : 'failed',
          ...(error === undefined ? {} : { error }),
          ...(cause === undefined ? {} : { cause }),
        };
      } else {
        // A Fail state's (or a failed Map/Parallel's) error and cause only appear on ExecutionFailed.
        if (error !== undefined) node.pending.error ??= error;
        if (cause !== undefined) node.pending.cause ??= cause;
      }
      if (!node.closed) {
        const outcome: StepOutcome =
          status === 'TIMED_OUT' || node.pending?.kind === 'timed_out' ? 'timed_out' : 'failed';
        this.closeInside(node, outcome === 'failed' ? 'failed' : 'aborted', event.timestampMs);
        this.close(node, outcome, event.timestampMs);
      }
    }
    if (error !== undefined) this.attributeExecutionError(error, cause);
    for (const open of [...this.openNodes].sort((a, b) => b.h - a.h)) {
      const outcome: StepOutcome =
        status === 'TIMED_OUT'
          ? 'timed_out'
          : open.ok && !open.pending
            ? 'succeeded'
            : open.pending
              ? open.pending.kind === 'timed_out'
                ? 'timed_out'
                : 'failed'
              : 'aborted';
      this.close(open, outcome, event.timestampMs);
    }
  }

  /**
   * The execution was aborted (StopExecution): nothing failed it. The abort's own error and cause (who
   * stopped it, why) are the execution's; what was running is where it stopped, and a failed attempt waiting
   * for its retry is recorded as retried, not as what ended the run.
   */
  private stopped(event: HistoryEvent): void {
    const node = this.owner(event);
    if (node) this.link(event.id, node.h, 'in');
    const open = [...this.openNodes].sort((a, b) => b.h - a.h);
    // The innermost state running (or the one just aborted) names where the run stopped.
    const where = open[0] ?? node;
    if (where) {
      this.state.stoppedState ??= where.s.name;
      if (where.pending || where.s.waitingToRetry) this.state.stoppedWhileRetrying = true;
    }
    for (const n of open) {
      this.stopRetry(n);
      this.close(n, 'aborted', event.timestampMs);
    }
  }

  /**
   * A state that failed inside a Map iteration or Parallel branch (a Fail state, typically) was closed before
   * the execution's error was known: the failure that ended the run gets the execution's error and cause.
   */
  private attributeExecutionError(error: string, cause: CauseSummary | undefined): void {
    const failedState = this.state.failedState;
    if (failedState === undefined) return;
    const failures = this.state.failures;
    const at = failures.findIndex(
      (f) => f.handling === 'fatal' && f.state === failedState && f.error === undefined
    );
    const failure = failures[at];
    if (failure) {
      failures[at] = { ...failure, error, ...(failure.cause || !cause ? {} : { cause }) };
    }
    const top = failure?.topLevelState ?? failedState;
    for (const step of this.state.steps) {
      if (step.name === top && (step.outcome === 'failed' || step.outcome === 'timed_out') && !step.error) {
        step.error = error;
        if (cause && !step.cause) step.cause = shortCause(cause);
      }
    }
  }

  private markFailed(node: Node): void {
    let parent = this.parentOf(node);
    while (parent) {
      parent.failedChild ??= node.s.name;
      parent = this.parentOf(parent);
    }
  }

  private close(node: Node, outcome: StepOutcome, atMs: number | undefined): void {
    node.closed = true;
    this.openNodes.delete(node);
    delete node.ok;
    const s = node.s;
    s.outcome = outcome;
    if (atMs !== undefined) s.endMs = atMs;
    else if (s.endMs === undefined && node.pending?.atMs !== undefined) s.endMs = node.pending.atMs;
    if (s.startMs !== undefined && s.endMs !== undefined && s.endMs >= s.startMs)
      s.durationMs = s.endMs - s.startMs;
    const pending = outcome === 'running' ? undefined : node.pending;
    if (pending) {
      if (pending.error !== undefined) s.error = pending.error;
      if (pending.cause !== undefined) s.cause = shortCause(pending.cause);
      const handling = outcome === 'caught' ? 'caught' : 'fatal';
      // A Map/Parallel that failed because a state inside failed: that inner failure is already recorded.
      const container = node.s.type === 'Map' || node.s.type === 'Parallel';
      if (!(handling === 'fatal' && container && node.failedChild !== undefined)) {
        this.recordFailure(node, pending, handling);
      }
      if (outcome === 'caught' && container) this.caughtInside(node);
      if (outcome === 'caught') {
        this.state.handledErrors += 1;
        let current: Node | undefined = node;
        while (current) {
          current.s.handledErrors += 1;
          current = this.parentOf(current);
        }
      }
    }
    if (outcome === 'failed' || outcome === 'timed_out') this.markFailed(node);
    // A branch ends in the state of it that fails or is cut short; the others end when the Parallel does.
    const branches = this.parentOf(node)?.s.parallel?.branches;
    if (branches && (outcome === 'failed' || outcome === 'timed_out')) branches.failed += 1;
    if (branches && outcome === 'aborted') branches.aborted += 1;
    if (s.parallel && outcome !== 'running') {
      const b = s.parallel.branches;
      b.succeeded = Math.max(0, b.started - b.failed - b.aborted);
    }
    const stats = this.stats(s.name, s.type);
    if (stats) {
      if (outcome === 'succeeded') stats.succeeded += 1;
      else if (outcome === 'failed') stats.failed += 1;
      else if (outcome === 'caught') stats.caught += 1;
      else if (outcome === 'timed_out') stats.timedOut += 1;
      else if (outcome === 'aborted') stats.aborted += 1;
      if (s.attempts > 1) stats.retries += s.attempts - 1;
      if (s.durationMs !== undefined) {
        stats.totalDurationMs += s.durationMs;
        stats.maxDurationMs = Math.max(stats.maxDurationMs ?? 0, s.durationMs);
      }
    }
    if (node.listIndex !== undefined) {
      this.state.steps[node.listIndex] = s;
      if (outcome !== 'running') {
        this.collapse(node.listIndex, stats);
        delete node.listIndex;
      }
    }
  }

  /**
   * A Map or Parallel whose failure a Catch handled: the failures inside it that ended an iteration or branch
   * (and so the container) were handled too, not what ended the run.
   */
  private caughtInside(container: Node): void {
    const top = this.nodes.get(container.top)?.s.name ?? container.s.name;
    const since = container.failSeq ?? 0;
    const failures = this.state.failures;
    failures.forEach((failure, i) => {
      if (failure.handling !== 'fatal' || failure.seq <= since) return;
      if ((failure.topLevelState ?? failure.state) !== top || failure.state === container.s.name) return;
      failures[i] = { ...failure, handling: 'caught', outcome: 'caught' };
    });
  }

  /**
   * Keeps the step list telling how the run went when it is long: when the last steps that simply succeeded
   * repeat the round of states just before them (a loop `Poll → Wait → IsDone`, or one state again and
   * again), they join that round's entries (`Poll ×312`, `Wait ×312`, …), so the list still reads in run
   * order. Failed, retried, caught, slow and redriven steps stay apart and end a loop.
   */
  private collapse(index: number, stats: StateStats | undefined): void {
    const steps = this.state.steps;
    const step = steps[index];
    if (!step || index !== steps.length - 1) return;
    const timed = stats ? stats.succeeded + stats.failed + stats.caught + stats.timedOut + stats.aborted : 0;
    if (stats && step.durationMs !== undefined && timed > 2) {
      const average = (stats.totalDurationMs - step.durationMs) / (timed - 1);
      if (step.durationMs >= SLOW_MIN_MS && step.durationMs >= SLOW_FACTOR * average) step.slow = true;
    }
    if (!isPlain(step)) return;
    // The shortest cycle the last entries repeat: the `k` entries before them, same states in the same order.
    for (let k = 1; k <= MAX_CYCLE && 2 * k <= steps.length; k++) {
      if (!this.repeatsCycle(steps.length, k)) continue;
      for (let i = 0; i < k; i++) {
        const earlier = steps[steps.length - 2 * k + i] as StepSummary;
        const later = steps[steps.length - k + i] as StepSummary;
        const repeat = earlier.repeat ?? { count: 1, totalMs: earlier.durationMs ?? 0 };
        repeat.count += later.repeat?.count ?? 1;
        repeat.totalMs += later.repeat?.totalMs ?? later.durationMs ?? 0;
        earlier.repeat = repeat;
        earlier.durationMs = repeat.totalMs;
        if (later.endMs !== undefined) earlier.endMs = later.endMs;
      }
      steps.length -= k;
      return;
    }
  }

  /**
   * True when the `k` entries ending at `end` repeat the `k` before them: plain, the same states in the same
   * order, each run the same number of times (so the folded entries still read in run order).
   */
  private repeatsCycle(end: number, k: number): boolean {
    const steps = this.state.steps;
    for (let i = end - k; i < end; i++) {
      const later = steps[i];
      const earlier = steps[i - k];
      if (!later || !earlier || !isPlain(later) || !isPlain(earlier)) return false;
      if (later.name !== earlier.name || later.type !== earlier.type) return false;
      if (k > 1 && (later.repeat?.count ?? 1) !== (steps[end - k]?.repeat?.count ?? 1)) return false;
      if (k > 1 && (earlier.repeat?.count ?? 1) !== (steps[end - 2 * k]?.repeat?.count ?? 1)) return false;
    }
    return true;
  }

  /**
   * Makes room in a full step list: the earliest entry that simply succeeded goes (counted in
   * `omittedSteps`), else the earliest that did not fail, else the earliest; the last steps before the end
   * and the failures stay.
   */
  private dropListedStep(): void {
    const steps = this.state.steps;
    let at = steps.findIndex((step) => step.outcome !== 'running' && isPlain(step));
    if (at < 0)
      at = steps.findIndex((step) => step.outcome !== 'running' && !FAILED_OUTCOMES.has(step.outcome));
    if (at < 0) at = 0;
    const dropped = steps.splice(at, 1)[0];
    this.state.omittedSteps += dropped?.repeat?.count ?? 1;
    for (const node of this.nodes.values()) {
      if (node.listIndex !== undefined && node.listIndex > at) node.listIndex -= 1;
    }
  }

  private recordFailure(node: Node, pending: PendingFailure, handling: 'retried' | 'caught' | 'fatal'): void {
    this.state.failureCount += 1;
    const seq = this.state.failureCount;
    const failures = this.state.failures;
    if (failures.length >= LIMITS.maxFailures) {
      // A failure that ended a state matters more than the failures of earlier runs and than retried or
      // caught ones: it takes the place of the oldest earlier run's, else of the latest retried or caught
      // one, so many redrives, retries or handled errors cannot push it out.
      if (handling !== 'fatal') return;
      const kinds = failures.map((f) => f.handling);
      const redriven = kinds.indexOf('redriven');
      const retried = kinds.lastIndexOf('retried');
      const replace = redriven >= 0 ? redriven : retried >= 0 ? retried : kinds.lastIndexOf('caught');
      if (replace < 0) return;
      failures.splice(replace, 1);
    }
    const run = this.state.execution.redriveCount;
    const top = this.nodes.get(node.top);
    const outcome: StepOutcome =
      handling === 'caught' ? 'caught' : pending.kind === 'timed_out' ? 'timed_out' : 'failed';
    const detail: FailureDetail = {
      state: node.s.name,
      ...(top && top.h !== node.h ? { topLevelState: top.s.name } : {}),
      outcome,
      handling,
      ...(pending.error === undefined ? {} : { error: pending.error }),
      ...(pending.cause === undefined ? {} : { cause: pending.cause }),
      attempt: Math.max(1, node.s.attempts),
      seq,
      ...(run > 0 ? { run } : {}),
      ...(node.s.resource ? { resource: node.s.resource } : {}),
      ...(pending.atMs === undefined ? {} : { atMs: pending.atMs }),
      stateType: node.s.type,
      ...this.iterationOf(node),
    };
    this.state.failures.push(detail);
  }

  /** The Map item index of the innermost iteration `node` runs in, when known. */
  private iterationOf(node: Node): { iteration?: number } {
    let current: Node | undefined = node;
    while (current) {
      if (current.iteration !== undefined) return { iteration: current.iteration };
      current = this.parentOf(current);
    }
    return {};
  }

  private statsMap(type: string): Map<string, StateStats> {
    let byName = this.statsByType.get(type);
    if (!byName) {
      byName = new Map();
      this.statsByType.set(type, byName);
    }
    return byName;
  }

  private stats(name: string, type: string): StateStats | undefined {
    const byName = this.statsMap(type);
    let stats = byName.get(name);
    if (stats) return stats;
    if (this.state.states.length >= LIMITS.maxStates) {
      const key = `${type}\u0000${name}`;
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
    byName.set(name, stats);
    this.state.states.push(stats);
    return stats;
  }

  /** Handles still needed: open nodes, nodes the given links point at, and their ancestors. */
  private liveHandles(linked: Iterable<number>): Set<number> {
    const keep = new Set<number>();
    const add = (h: number): void => {
      let node = this.nodes.get(h);
      while (node && !keep.has(node.h)) {
        keep.add(node.h);
        node = this.parentOf(node);
      }
    };
    for (const node of this.openNodes) add(node.h);
    for (const h of linked) add(h);
    return keep;
  }

  /** Drops closed nodes no link points at, so memory stays bounded on long histories. */
  private collect(): void {
    if (this.nodes.size <= LIMITS.maxNodes) return;
    const keep = this.liveHandles(this.links.handles());
    for (const h of [...this.nodes.keys()]) if (!keep.has(h)) this.nodes.delete(h);
    this.links.deleteWhere((h) => !this.nodes.has(h));
  }
}

/** A step's cause: shorter, and without the stack lines (kept in the failure, where the message shows them). */
function shortCause(cause: CauseSummary): CauseSummary {
  const { stack: _stack, stackTruncated: _more, ...rest } = cause;
  if (rest.text.length <= LIMITS.stepCauseChars) return rest;
  return { ...rest, text: cutText(rest.text, LIMITS.stepCauseChars), truncated: true };
}
