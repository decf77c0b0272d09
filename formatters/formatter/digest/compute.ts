/** The digest summed up: pure, from the machines' runs and the window. Each run is counted once. */
import { executionNameOf } from '../../../contract/arns.js';
import { computeRunContext } from '../context/compute.js';
import type { RunRecord } from '../context/types.js';
import type { DigestMachine, DigestRun, DigestSummary } from './types.js';

function digestRun(machine: DigestMachine, run: RunRecord): DigestRun {
  const error = machine.errors[run.executionArn];
  return {
    machine: machine.name,
    executionArn: run.executionArn,
    name: executionNameOf(run.executionArn) ?? run.executionArn,
    status: run.status,
    ...(run.startMs === undefined ? {} : { startMs: run.startMs }),
    ...(run.stopMs === undefined ? {} : { stopMs: run.stopMs }),
    ...(run.startMs !== undefined && run.stopMs !== undefined
      ? { durationMs: run.stopMs - run.startMs }
      : {}),
    ...(error ? { error } : {}),
  };
}

/** The runs of the window: ended in `[sinceMs, untilMs)`, or running at `untilMs` (started before it). */
export function inWindow(run: RunRecord, sinceMs: number, untilMs: number): boolean {
  if (run.status === 'RUNNING' || run.status === 'PENDING_REDRIVE') {
    return run.startMs !== undefined && run.startMs < untilMs;
  }
  return run.stopMs !== undefined && run.stopMs >= sinceMs && run.stopMs < untilMs;
}

export function summarizeDigest(
  machines: readonly DigestMachine[],
  window: { readonly sinceMs: number; readonly untilMs: number }
): DigestSummary {
  const { sinceMs, untilMs } = window;
  const counts = { runs: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, running: 0 };
  const failures: DigestRun[] = [];
  const running: DigestRun[] = [];
  const slow: Array<{ run: DigestRun; medianMs: number; samples: number }> = [];
  const muted: Array<{ machine: string; untilMs: number }> = [];
  const unreadable: Array<{ machine: string; error: string }> = [];
  for (const machine of machines) {
    if (machine.unreadable) unreadable.push({ machine: machine.name, error: machine.unreadable });
    if (machine.mutedUntilMs !== undefined && machine.mutedUntilMs > sinceMs) {
      muted.push({ machine: machine.name, untilMs: machine.mutedUntilMs });
    }
    const seen = new Set<string>();
    for (const record of machine.runs) {
      if (seen.has(record.executionArn) || !inWindow(record, sinceMs, untilMs)) continue;
      seen.add(record.executionArn);
      const run = digestRun(machine, record);
      counts.runs += 1;
      switch (record.status) {
        case 'SUCCEEDED':
          counts.succeeded += 1;
          break;
        case 'FAILED':
          counts.failed += 1;
          failures.push(run);
          break;
        case 'TIMED_OUT':
          counts.timedOut += 1;
          failures.push(run);
          break;
        case 'ABORTED':
          counts.aborted += 1;
          failures.push(run);
          break;
        default:
          counts.running += 1;
          running.push(run);
      }
      if (record.stopMs !== undefined) {
        const usual = computeRunContext(record, machine.runs)?.usual;
        if (usual?.kind === 'slow') slow.push({ run, medianMs: usual.medianMs, samples: usual.samples });
      }
    }
  }
  failures.sort((a, b) => (b.stopMs ?? 0) - (a.stopMs ?? 0));
  running.sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
  slow.sort((a, b) => (b.run.durationMs ?? 0) / b.medianMs - (a.run.durationMs ?? 0) / a.medianMs);
  return {
    sinceMs,
    untilMs,
    // An account and region whose machines could not be listed (no ARN) is named as unreadable, not counted.
    machines: machines.filter((m) => m.stateMachineArn !== '').length,
    counts,
    failures,
    running,
    slow,
    muted,
    unreadable,
    quiet: failures.length === 0 && slow.length === 0 && unreadable.length === 0,
  };
}
