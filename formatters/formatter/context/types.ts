/**
 * "Is this normal?": how one run compares with its machine's recent runs (issue 24). Plain JSON, so it can
 * ride on the summary through Step Functions and into a template. Times are epoch milliseconds.
 */

import { FAILING_STATUSES } from '../../../contract/statuses.js';

/** Successful runs the usual duration is the median of, at most. */
export const USUAL_MAX_SAMPLES = 20;
/** Successful runs needed before anything is said about the usual duration. */
export const USUAL_MIN_SAMPLES = 5;
/** A run longer than this many times the usual is flagged slow. */
export const SLOW_FACTOR = 2;
/** A run shorter than this fraction of the usual is flagged fast. */
export const FAST_FACTOR = 0.5;

/** One execution as ListExecutions lists it. */
export interface RunRecord {
  readonly executionArn: string;
  readonly status: string;
  readonly startMs?: number;
  readonly stopMs?: number;
}

/** The latest earlier failure, as DescribeExecution (error) and the end of its history (state) tell it. */
export interface EarlierFailure {
  readonly executionArn: string;
  readonly status: string;
  readonly error?: string;
  /** The state it failed in, when the last events of its history name it. */
  readonly state?: string;
  readonly stopMs?: number;
}

/** The run being notified. */
export interface CurrentRun {
  readonly executionArn: string;
  readonly status: string;
  readonly startMs?: number;
  readonly stopMs?: number;
  /** Its error, when it failed (the summary's). */
  readonly error?: string;
  /** The state it failed in (the summary's `failedState`). */
  readonly state?: string;
}

export interface RunContext {
  /** Set only when the run was much slower or faster than the median of the last successful runs. */
  readonly usual?: {
    readonly kind: 'slow' | 'fast';
    readonly durationMs: number;
    readonly medianMs: number;
    /** How many successful runs the median is of (5 to 20). */
    readonly samples: number;
  };
  /**
   * `failures`: the run is the `count`-th failure in a row (2 or more), with the last success when one was read.
   * `first-failure`: the first failure after `successes` successes (`atLeast` when the list read ended first).
   * `recovered`: a success after `count` failures in a row.
   */
  readonly streak?:
    | {
        readonly kind: 'failures';
        readonly count: number;
        readonly atLeast: boolean;
        readonly lastSuccess?: { readonly executionArn: string; readonly stopMs?: number };
      }
    | { readonly kind: 'first-failure'; readonly successes: number; readonly atLeast: boolean }
    | { readonly kind: 'recovered'; readonly count: number; readonly atLeast: boolean };
  /** The latest earlier failure ended with the same error in the same state. */
  readonly sameError?: {
    readonly error: string;
    readonly state?: string;
    readonly executionArn: string;
    readonly stopMs?: number;
  };
}

/** The statuses that count as a failure in a streak (contract/statuses.ts). */
export const FAILING: ReadonlySet<string> = new Set<string>(FAILING_STATUSES);
