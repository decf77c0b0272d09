/** The daily digest's data (issue 24): what was read, and the summary the template gets. Times in epoch ms. */
import type { RunRecord } from '../context/types.js';

/** One machine's runs as read for the digest. */
export interface DigestMachine {
  /** `''` for an account and region whose machines could not be listed (named in `name`, with `unreadable`). */
  readonly stateMachineArn: string;
  readonly name: string;
  /** ListExecutions, newest first: the window and enough before it for the usual durations. */
  readonly runs: readonly RunRecord[];
  /** The errors of the failures in the window, by execution ARN (DescribeExecution; the first few only). */
  readonly errors: Readonly<Record<string, string>>;
  /** `sfn-slack:mute-until`, when the machine is muted past the window's start. */
  readonly mutedUntilMs?: number;
  /** Why the machine could not be read (an error name), when it could not. */
  readonly unreadable?: string;
}

export interface DigestRun {
  readonly machine: string;
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startMs?: number;
  readonly stopMs?: number;
  readonly durationMs?: number;
  readonly error?: string;
}

export interface DigestSummary {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly machines: number;
  /** Every run of the window, counted once: ended in it, or still running at its end. */
  readonly counts: {
    readonly runs: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly timedOut: number;
    readonly aborted: number;
    readonly running: number;
  };
  /** Failed, timed-out and aborted runs, newest first. */
  readonly failures: readonly DigestRun[];
  /** Runs still going at the window's end, oldest first. */
  readonly running: readonly DigestRun[];
  /** Runs over twice their machine's usual duration (median of its last successful runs), slowest first. */
  readonly slow: ReadonlyArray<{
    readonly run: DigestRun;
    readonly medianMs: number;
    readonly samples: number;
  }>;
  readonly muted: ReadonlyArray<{ readonly machine: string; readonly untilMs: number }>;
  readonly unreadable: ReadonlyArray<{ readonly machine: string; readonly error: string }>;
  /** Nothing failed, nothing was slow, every machine was read. */
  readonly quiet: boolean;
}
