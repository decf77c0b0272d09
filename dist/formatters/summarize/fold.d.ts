import type { HistoryEvent } from './normalize.js';
import type { CauseSummary, ExecutionInfo, FailureDetail, StateStats, StepSummary } from './types.js';
/** Bounds that keep the summary (and the fold state) small whatever the history. */
export declare const LIMITS: {
    /** Top-level steps listed in the summary. */
    readonly maxSteps: 50;
    /** State names with aggregates. */
    readonly maxStates: 50;
    /** Failures kept in full. */
    readonly maxFailures: 5;
    /** Cause characters on a listed step (the failures list keeps more). */
    readonly stepCauseChars: 500;
    /** Links (event id → node) kept; older events are rarely pointed at. */
    readonly maxLinks: 4000;
    /** Links carried in a serialized partial. */
    readonly maxPartialLinks: 300;
    /** Nodes tracked before closed, unreferenced ones are dropped. */
    readonly maxNodes: 2000;
};
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
    eventCount: number;
    unknownEventTypes: Record<string, number>;
    incomplete: boolean;
    /** Highest event id folded; events at or below it are duplicates. */
    lastEventId: number;
    nextHandle: number;
    nodes: Node[];
    /** [eventId, handle, kind] */
    links: [number, number, LinkKind][];
}
export declare function emptyFoldState(): FoldState;
/** The mutable fold over one FoldState, with in-memory indexes rebuilt from it. */
export declare class Folder {
    readonly state: FoldState;
    private readonly nodes;
    private readonly links;
    private readonly statsByName;
    private readonly omittedNames;
    constructor(state?: FoldState);
    /** Folds events sorted by id. Events already folded (id ≤ last) are skipped as duplicates. */
    add(events: readonly HistoryEvent[]): void;
    /** The fold state to carry to the next call: bounded (open nodes, recent links). */
    snapshot(): FoldState;
    /** Closes what is still open (status decides how) and returns the state's summary parts. */
    finish(): FoldState;
    private fold;
    private link;
    private lookup;
    private relink;
    /** The node an event belongs to: the one its previous event belongs to (an exit hands over to its parent). */
    private owner;
    private latestOpen;
    /** The nearest open container of `type` at or above the event's position. */
    private container;
    private enter;
    private parentOf;
    private exit;
    private attempt;
    private quiet;
    private attemptFailed;
    private evaluationFailed;
    private aborted;
    private map;
    private parallel;
    /**
     * Closes the open states of the one Map iteration a MapIteration{Succeeded,Failed,Aborted} event ends.
     * Iterations run concurrently, so the others go on. The event descends (previousEventId) from the
     * iteration's last event, and through it from its MapIterationStarted; when that chain is lost, nothing
     * is closed here (the Map's own end closes what is left).
     */
    private closeIteration;
    /**
     * Closes the open states inside `container` when an iteration (`branch` given) or the whole container
     * ends: the one with a pending failure failed, the others were cut short.
     */
    private closeInside;
    /** The iteration or branch of `container` that `node` runs in; undefined when not inside it. */
    private branchIn;
    private isInside;
    private end;
    /**
     * A state that failed inside a Map iteration or Parallel branch (a Fail state, typically) was closed before
     * the execution's error was known: the failure that ended the run gets the execution's error and cause.
     */
    private attributeExecutionError;
    private markFailed;
    private close;
    private recordFailure;
    private stats;
    /** Handles still needed: open nodes, nodes the given links point at, and their ancestors. */
    private liveHandles;
    /** Drops closed nodes no link points at, so memory stays bounded on long histories. */
    private collect;
}
export {};
