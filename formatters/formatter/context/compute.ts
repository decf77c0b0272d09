/**
 * The run context, computed: pure, from the machine's recent executions (ListExecutions, newest first) and the
 * latest earlier failure. Only runs that started before this one count, so a later run (or the run itself)
 * never changes what its message says.
 */
import {
  type CurrentRun,
  type EarlierFailure,
  FAILING,
  FAST_FACTOR,
  type RunContext,
  type RunRecord,
  SLOW_FACTOR,
  USUAL_MAX_SAMPLES,
  USUAL_MIN_SAMPLES,
} from './types.js';

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The runs that ended before this one started, newest first (ListExecutions' order, made sure of). */
export function earlierRuns(current: CurrentRun, runs: readonly RunRecord[]): RunRecord[] {
  const seen = new Set<string>([current.executionArn]);
  const out: RunRecord[] = [];
  for (const run of runs) {
    if (seen.has(run.executionArn)) continue;
    seen.add(run.executionArn);
    if (run.startMs === undefined) continue;
    if (current.startMs !== undefined && run.startMs >= current.startMs) continue;
    // Still going: says nothing about the usual or a streak.
    if (run.status === 'RUNNING' || run.status === 'PENDING_REDRIVE') continue;
    out.push(run);
  }
  return out.sort((a, b) => (b.startMs ?? 0) - (a.startMs ?? 0));
}

function usualOf(current: CurrentRun, earlier: readonly RunRecord[]): RunContext['usual'] {
  if (current.startMs === undefined || current.stopMs === undefined) return undefined;
  const durationMs = current.stopMs - current.startMs;
  if (durationMs < 0) return undefined;
  const samples = earlier
    .filter((r) => r.status === 'SUCCEEDED' && r.stopMs !== undefined && r.startMs !== undefined)
    .slice(0, USUAL_MAX_SAMPLES)
    .map((r) => (r.stopMs as number) - (r.startMs as number))
    .filter((d) => d >= 0);
  if (samples.length < USUAL_MIN_SAMPLES) return undefined;
  const medianMs = median(samples);
  if (medianMs <= 0) return undefined;
  const kind =
    durationMs > SLOW_FACTOR * medianMs ? 'slow' : durationMs < FAST_FACTOR * medianMs ? 'fast' : undefined;
  return kind ? { kind, durationMs, medianMs, samples: samples.length } : undefined;
}

function streakOf(
  current: CurrentRun,
  earlier: readonly RunRecord[],
  complete: boolean
): RunContext['streak'] {
  const failing = FAILING.has(current.status);
  if (!failing && current.status !== 'SUCCEEDED') return undefined;
  // The runs before this one with the same outcome (failing or not), up to the first that differs.
  let same = 0;
  let other: RunRecord | undefined;
  for (const run of earlier) {
    if (FAILING.has(run.status) === failing) same += 1;
    else {
      other = run;
      break;
    }
  }
  const endedList = other === undefined && !complete;
  if (failing) {
    if (same >= 1) {
      return {
        kind: 'failures',
        count: same + 1,
        atLeast: endedList,
        ...(other ? { lastSuccess: { executionArn: other.executionArn, ...stop(other) } } : {}),
      };
    }
    // The first failure: count the successes before it.
    let successes = 0;
    for (const run of earlier) {
      if (run.status === 'SUCCEEDED') successes += 1;
      else break;
    }
    if (successes === 0) return undefined;
    return { kind: 'first-failure', successes, atLeast: successes === earlier.length && !complete };
  }
  if (same > 0 || other === undefined) return undefined;
  // A success after failures: how many in a row.
  let count = 0;
  for (const run of earlier) {
    if (FAILING.has(run.status)) count += 1;
    else break;
  }
  return { kind: 'recovered', count, atLeast: count === earlier.length && !complete };
}

function stop(run: { readonly stopMs?: number }): { stopMs?: number } {
  return run.stopMs === undefined ? {} : { stopMs: run.stopMs };
}

/** The latest earlier failure among `earlier`: the one DescribeExecution should be asked about. */
export function latestEarlierFailure(current: CurrentRun, runs: readonly RunRecord[]): RunRecord | undefined {
  if (!FAILING.has(current.status)) return undefined;
  return earlierRuns(current, runs).find((r) => r.status === 'FAILED' || r.status === 'TIMED_OUT');
}

function sameErrorOf(current: CurrentRun, failure: EarlierFailure | undefined): RunContext['sameError'] {
  if (!failure || !current.error || failure.error !== current.error) return undefined;
  // The same error in the same state: when either side does not name its state, both must not.
  if ((current.state ?? '') !== (failure.state ?? '')) return undefined;
  return {
    error: current.error,
    ...(current.state ? { state: current.state } : {}),
    executionArn: failure.executionArn,
    ...stop(failure),
  };
}

/**
 * The context of `current` among `runs` (ListExecutions, any order). `complete` says the list holds every
 * earlier run (the last page was read), so "after 41 successes" is exact rather than "41 or more".
 * Undefined when there is nothing worth saying.
 */
export function computeRunContext(
  current: CurrentRun,
  runs: readonly RunRecord[],
  failure?: EarlierFailure,
  complete = false
): RunContext | undefined {
  const earlier = earlierRuns(current, runs);
  const usual = usualOf(current, earlier);
  const streak = streakOf(current, earlier, complete);
  const sameError = sameErrorOf(current, failure);
  if (!usual && !streak && !sameError) return undefined;
  return { ...(usual ? { usual } : {}), ...(streak ? { streak } : {}), ...(sameError ? { sameError } : {}) };
}
