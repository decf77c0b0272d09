/**
 * Deeper diagnosis for Distributed Map failures: the history of the parent execution has only the Map Run,
 * not its items. DescribeMapRun says how many items succeeded, failed and are still pending. Optional by
 * design: each call is bounded in time, and a failure (no permission, throttled, gone) leaves the message as
 * it was.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionSummary, MapRunCounts } from './summarize/types.js';

/** Map Runs described per message at most (the first ones that did not succeed). */
export const MAX_MAP_RUNS = 3;
/** How long one DescribeMapRun may take before the message goes out without it. */
export const MAP_RUN_TIMEOUT_MS = 3_000;

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Fills `map.mapRun` of the listed Distributed Map steps that did not succeed, from DescribeMapRun. Returns
 * the errors met (by name), for the log; never throws.
 */
export async function describeMapRuns(
  summary: ExecutionSummary,
  client: () => Promise<SFNClient>,
  timeoutMs: number = MAP_RUN_TIMEOUT_MS
): Promise<string[]> {
  const steps = summary.steps
    .filter((step) => step.map?.mapRunArn && step.outcome !== 'succeeded')
    .slice(0, MAX_MAP_RUNS);
  if (steps.length === 0) return [];
  const errors: string[] = [];
  let sfn: SFNClient;
  let DescribeMapRunCommand: typeof import('@aws-sdk/client-sfn').DescribeMapRunCommand;
  try {
    sfn = await client();
    ({ DescribeMapRunCommand } = await import('@aws-sdk/client-sfn'));
  } catch (error) {
    return [error instanceof Error ? error.name : 'Error'];
  }
  await Promise.all(
    steps.map(async (step) => {
      const map = step.map;
      if (!map?.mapRunArn) return;
      try {
        const out = await sfn.send(new DescribeMapRunCommand({ mapRunArn: map.mapRunArn }), {
          abortSignal: AbortSignal.timeout(timeoutMs),
        });
        const items = out.itemCounts;
        if (!items) return;
        const counts: MapRunCounts = {
          ...(typeof out.status === 'string' ? { status: out.status.slice(0, 32) } : {}),
          total: count(items.total),
          succeeded: count(items.succeeded),
          failed: count(items.failed),
          timedOut: count(items.timedOut),
          aborted: count(items.aborted),
          pending: count(items.pending),
          running: count(items.running),
        };
        map.mapRun = counts;
      } catch (error) {
        errors.push(error instanceof Error ? error.name : 'Error');
      }
    })
  );
  return errors;
}
