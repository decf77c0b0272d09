/**
 * The ExecutionSummary: everything the message needs about one execution, reduced from its history. Plain
 * JSON (numbers, strings, arrays), bounded in size so it fits through Step Functions (well under 64 KiB).
 * Times are epoch milliseconds; a time or duration that could not be read is absent (unknown), never zero.
 */

import type { ExecutionStatus as ReportedStatus } from '../../../contract/statuses.js';
import type { RunContext } from '../context/types.js';

/** Execution status as Step Functions reports it (contract/statuses.ts), or UNKNOWN when nothing says. */
export type ExecutionStatus = ReportedStatus | 'UNKNOWN';

/**
 * How one state ended. `caught` = it failed and a Catch handled it (the run went on). `unknown` = its end is
 * in a part of the history that was not read (the pages stop at a `nextToken`).
 */
export type StepOutcome = 'succeeded' | 'failed' | 'caught' | 'timed_out' | 'aborted' | 'running' | 'unknown';

/** A cause string, bounded, and what could be read out of it when it is JSON. */
export interface CauseSummary {
  /** The cause as text (JSON causes re-serialized), cut to a bounded length. */
  readonly text: string;
  /** True when `text` was cut. */
  readonly truncated: boolean;
  /** Length of the original cause in characters. */
  readonly length: number;
  /** Lambda `errorType`, or the `Error` of a failed child execution. */
  readonly errorType?: string;
  /** Lambda `errorMessage`, or the `Cause` of a failed child execution (bounded). */
  readonly errorMessage?: string;
  /** A child (nested) execution's ARN named in the cause. */
  readonly childExecutionArn?: string;
  /** A child execution's status named in the cause (FAILED, TIMED_OUT, ABORTED). */
  readonly childStatus?: string;
  /**
   * What the cause is: a Lambda error; an ECS task, Glue job run, Batch job, Athena query, EMR cluster or step,
   * CodeBuild build or SageMaker job (a `.sync` integration's failure description); another service's JSON
   * naming a reason (`service`); a child execution; another JSON object; or plain text.
   */
  readonly kind?:
    | 'lambda'
    | 'ecs'
    | 'glue'
    | 'batch'
    | 'athena'
    | 'emr'
    | 'codebuild'
    | 'sagemaker'
    | 'service'
    | 'execution'
    | 'json'
    | 'text';
  /**
   * One readable line read out of a service's failure description (ECS: stopped reason, stop code, each
   * container that exited non-zero, task ARN; Glue: job, run id, state, error message; Batch: job, status
   * reason, container exit code and reason), bounded.
   */
  readonly detail?: string;
  /** The first lines of a Lambda error's stack trace (`stackTrace` or `trace`), bounded. */
  readonly stack?: readonly string[];
  /** True when the stack trace had more lines than `stack` keeps. */
  readonly stackTruncated?: boolean;
  /**
   * True when the cause carries more than what was read out of it (an unknown JSON shape, or members
   * beyond the known ones): the raw text is then worth showing.
   */
  readonly hasMore?: boolean;
  /**
   * The members of a JSON cause that were not read out (re-serialized, bounded), when there are any: what is
   * worth showing beside the readable line without repeating it.
   */
  readonly rest?: string;
  /**
   * True when the cause was cut before it reached the history (Step Functions keeps 32,768 characters): a JSON
   * cause then does not parse, and what could be read was read from its text.
   */
  readonly cutAtSource?: boolean;
}

/** What a Task ran. */
export interface StepResource {
  /** `lambda`, `ecs`, `glue`, `states` (nested execution), `http`, `aws-sdk`, `activity`, or the service name. */
  readonly kind: string;
  /** Human label: function name, task definition, job name, endpoint host, `service:action`, ... */
  readonly label: string;
  /** Integration resource as in the history (e.g. `invoke`, `startExecution.sync:2`, `runTask.sync`). */
  readonly resource?: string;
  /** An ARN worth linking to (the nested execution). */
  readonly arn?: string;
  /** A Lambda function's name or ARN, when known (from the definition or the task's parameters). */
  readonly functionName?: string;
}

export interface IterationCounts {
  started: number;
  succeeded: number;
  failed: number;
  aborted: number;
}

/** A Distributed Map Run's item counts as DescribeMapRun reports them (read by the handler, optional). */
export interface MapRunCounts {
  /** The Map Run's status: RUNNING, SUCCEEDED, FAILED, ABORTED. */
  readonly status?: string;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly aborted: number;
  readonly pending: number;
  readonly running: number;
}

/** One state as it ran (top-level states, in execution order). */
export interface StepSummary {
  readonly name: string;
  /** Task, Pass, Choice, Wait, Map, Parallel, Succeed, Fail. */
  readonly type: string;
  outcome: StepOutcome;
  startMs?: number;
  endMs?: number;
  durationMs?: number;
  /** Attempts made (a Task that was retried twice has 3). 0 for states that run nothing. */
  attempts: number;
  resource?: StepResource;
  error?: string;
  cause?: CauseSummary;
  /** Map (inline or distributed): iteration counts, declared item count, Map Run ARN. */
  map?: { iterations: IterationCounts; length?: number; mapRunArn?: string; mapRun?: MapRunCounts };
  /** Parallel: branches started and how they ended. */
  parallel?: { branches: IterationCounts };
  /** How many errors were handled (caught) inside this step, including inside its iterations/branches. */
  handledErrors: number;
  /**
   * True when this step ended an earlier run of the execution that was then redriven: it is history, not
   * what ended the execution.
   */
  redriven?: boolean;
  /** True when it was stopped (the execution aborted or timed out) while waiting to retry a failed attempt. */
  waitingToRetry?: boolean;
  /** True when it took much longer than its own earlier runs (at least 5× their average and 10 s). */
  slow?: boolean;
  /**
   * Set when this entry stands for several runs of the same state in a row of plain successes (a polling
   * loop): how many, and their summed duration. `startMs` is the first's start, `endMs` the last's end.
   */
  repeat?: { count: number; totalMs: number };
}

/** Per-state-name aggregate over the whole execution, including states inside Map iterations and branches. */
export interface StateStats {
  readonly name: string;
  readonly type: string;
  entered: number;
  succeeded: number;
  failed: number;
  caught: number;
  timedOut: number;
  aborted: number;
  /** Retries: attempts beyond the first. */
  retries: number;
  /** Sum of known durations, for an average. */
  totalDurationMs: number;
  /** Longest known duration. */
  maxDurationMs?: number;
}

/** A failure kept in full (the first ones), caught or not. */
export interface FailureDetail {
  /** The state that failed (innermost), or `(execution)`. */
  readonly state: string;
  /** The top-level step it happened in, when nested in a Map/Parallel. */
  readonly topLevelState?: string;
  readonly outcome: StepOutcome;
  /**
   * What became of it: retried (another attempt followed, or was due when the run stopped), caught (a Catch
   * handled it), fatal (it ended the state), redriven (it ended an earlier run, which was then redriven).
   */
  readonly handling: 'retried' | 'caught' | 'fatal' | 'redriven';
  /** Order among all failed attempts of the execution (1 = the first), kept or not. */
  readonly seq: number;
  /** The run it happened in: 0 for the first, n after the n-th redrive. Set once the execution was redriven. */
  readonly run?: number;
  readonly error?: string;
  readonly cause?: CauseSummary;
  readonly attempt: number;
  readonly resource?: StepResource;
  readonly atMs?: number;
  /** The state's type (Task, Fail, Map, ...). */
  readonly stateType?: string;
  /** The Map iteration (the item's index) it failed in, for a state inside a Map (the innermost Map). */
  readonly iteration?: number;
}

export interface ExecutionInfo {
  stateMachineName?: string;
  stateMachineArn?: string;
  name?: string;
  executionArn?: string;
  status: ExecutionStatus;
  startMs?: number;
  stopMs?: number;
  durationMs?: number;
  error?: string;
  cause?: CauseSummary;
  redriveCount: number;
  redriveDateMs?: number;
  account?: string;
  region?: string;
  partition?: string;
  /**
   * The execution that started this one (`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID` in its input, read from
   * the event's `detail.input` or the history's ExecutionStarted).
   */
  parentExecutionArn?: string;
}

export interface ExecutionSummary {
  readonly version: 1;
  readonly execution: ExecutionInfo;
  /** Top-level steps in execution order, at most `limits.maxSteps`; the rest are counted in `omittedSteps`. */
  readonly steps: StepSummary[];
  /** Top-level steps not listed in `steps`. */
  readonly omittedSteps: number;
  /** Per state name (first seen first), at most `limits.maxStates`. */
  readonly states: StateStats[];
  readonly omittedStates: number;
  /** The first failures, in order, kept in full (caught ones included). */
  readonly failures: FailureDetail[];
  /** All failures (attempts that failed), including those not kept in `failures`. */
  readonly failureCount: number;
  /** Errors that a Catch handled. On a run that succeeded they are reported, not hidden. */
  readonly handledErrors: number;
  /** Retries over the whole execution. */
  readonly retries: number;
  /** The state the execution failed in (innermost state known), when it failed and the history names it. */
  readonly failedState?: string;
  /** The state that was running when the execution was aborted (stopped), when the history names it. */
  readonly stoppedState?: string;
  /** True when `stoppedState` had failed an attempt and was waiting to retry when the run was stopped. */
  readonly stoppedWhileRetrying?: boolean;
  readonly eventCount: number;
  /** Event types this version does not know, with counts. */
  readonly unknownEventTypes: Record<string, number>;
  /** True when events did not link up (pages missing or out of order across partial calls). */
  readonly incomplete: boolean;
  /** Set when the history could not be read: why. The summary then comes from the event alone. */
  readonly historyUnavailable?: { readonly error: string; readonly cause?: string };
  /**
   * Set when the history given is not the event's execution (another start time, state machine, version or
   * alias, or execution ARN): why, and how many events it had. The summary then comes from the event alone.
   */
  readonly historyMismatch?: { readonly reason: string; readonly events: number };
  /**
   * Set when the pages read are only part of the history: they stop at a `nextToken` (`missing: 'end'`, the
   * events after `lastEventId` are missing) or do not start at the first event (`missing: 'start'`, the events
   * before `firstEventId`). Steps whose end is not in the part read are `unknown`.
   */
  readonly historyCut?: {
    readonly missing: 'start' | 'end';
    readonly firstEventId?: number;
    readonly lastEventId?: number;
  };
  /** How this run compares with the machine's recent runs (formatters/formatter/context/), when it was read. */
  readonly runContext?: RunContext;
}
