/**
 * Reads what the digest sums up, with the formatter's SFN client: the routed machines (their ARNs, and the
 * machines whose names start with a prefix, from ListStateMachines), each machine's executions (ListExecutions
 * newest first, until the window and 20 earlier runs are covered; plus the ones still running), the errors of
 * the first failures (DescribeExecution) and, when the environment can mute, the `sfn-slack:mute-until` tag.
 * Bounded: at most MAX_MACHINES machines, PAGES_PER_MACHINE pages each, MAX_DESCRIBED failures. A machine that
 * cannot be read is named in the digest with the error, never dropped silently.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DigestRequest } from '../../../contract/digest.js';
import { TAG_KEYS } from '../../../contract/routes.js';
import { FAILING_STATUSES } from '../../../contract/statuses.js';
import type { RunRecord } from '../context/types.js';
import { USUAL_MAX_SAMPLES } from '../context/types.js';
import { toMs } from '../lifecycle.js';
import type { DigestMachine } from './types.js';

export const MAX_MACHINES = 100;
export const PAGES_PER_MACHINE = 5;
export const MAX_DESCRIBED = 20;
const PAGE = 100;

/** Every API call the read made, for the bench (cost per digest). */
export interface DigestReadStats {
  calls: Record<string, number>;
}

const ms = (value: Date | number | string | undefined) =>
  toMs(value instanceof Date ? value.getTime() : value);

function record(e: {
  executionArn?: string;
  status?: string;
  startDate?: Date;
  stopDate?: Date;
}): RunRecord[] {
  if (!e.executionArn || !e.status) return [];
  const startMs = ms(e.startDate);
  const stopMs = ms(e.stopDate);
  return [
    {
      executionArn: e.executionArn,
      status: e.status,
      ...(startMs === undefined ? {} : { startMs }),
      ...(stopMs === undefined ? {} : { stopMs }),
    },
  ];
}

export async function readDigestMachines(
  client: SFNClient,
  request: DigestRequest,
  window: { readonly sinceMs: number; readonly untilMs: number },
  stats: DigestReadStats = { calls: {} }
): Promise<DigestMachine[]> {
  const sdk = await import('@aws-sdk/client-sfn');
  const count = (api: string) => {
    stats.calls[api] = (stats.calls[api] ?? 0) + 1;
  };
  const arns = new Set(request.stateMachineArns);
  if (request.stateMachineNamePrefixes.length > 0) {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      count('ListStateMachines');
      const out = await client.send(new sdk.ListStateMachinesCommand({ maxResults: 1000, nextToken }));
      for (const machine of out.stateMachines ?? []) {
        if (
          request.stateMachineNamePrefixes.some((p) => machine.name?.startsWith(p)) &&
          machine.stateMachineArn
        ) {
          arns.add(machine.stateMachineArn);
        }
      }
      nextToken = out.nextToken;
      pages += 1;
    } while (nextToken && pages < 10);
  }
  const machines: DigestMachine[] = [];
  let described = 0;
  for (const stateMachineArn of [...arns].sort().slice(0, MAX_MACHINES)) {
    const name = stateMachineArn.split(':').at(-1) ?? stateMachineArn;
    try {
      const runs: RunRecord[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < PAGES_PER_MACHINE; page += 1) {
        count('ListExecutions');
        const out = await client.send(
          new sdk.ListExecutionsCommand({ stateMachineArn, maxResults: PAGE, nextToken })
        );
        runs.push(...(out.executions ?? []).flatMap(record));
        nextToken = out.nextToken;
        const before = runs.filter((r) => r.startMs !== undefined && r.startMs < window.sinceMs);
        const usualCovered = before.filter((r) => r.status === 'SUCCEEDED').length >= USUAL_MAX_SAMPLES;
        if (!nextToken || usualCovered) break;
      }
      // Runs started long ago and still going: not in the pages above when the machine is busy.
      count('ListExecutions');
      const stillRunning = await client.send(
        new sdk.ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: PAGE })
      );
      for (const run of (stillRunning.executions ?? []).flatMap(record)) {
        if (!runs.some((r) => r.executionArn === run.executionArn)) runs.push(run);
      }
      const errors: Record<string, string> = {};
      const failed = runs.filter(
        (r) =>
          (FAILING_STATUSES as readonly string[]).includes(r.status) &&
          r.stopMs !== undefined &&
          r.stopMs >= window.sinceMs &&
          r.stopMs < window.untilMs
      );
      for (const run of failed) {
        if (described >= MAX_DESCRIBED) break;
        described += 1;
        count('DescribeExecution');
        const out = await client.send(new sdk.DescribeExecutionCommand({ executionArn: run.executionArn }));
        if (out.error) errors[run.executionArn] = out.error;
      }
      let mutedUntilMs: number | undefined;
      if (request.mute) {
        count('ListTagsForResource');
        const tags = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
        const until = tags.tags?.find((t) => t.key === TAG_KEYS.muteUntil)?.value;
        mutedUntilMs = until === undefined ? undefined : toMs(until);
      }
      machines.push({
        stateMachineArn,
        name,
        runs,
        errors,
        ...(mutedUntilMs === undefined ? {} : { mutedUntilMs }),
      });
    } catch (error) {
      machines.push({
        stateMachineArn,
        name,
        runs: [],
        errors: {},
        unreadable: error instanceof Error ? error.name : 'Error',
      });
    }
  }
  return machines;
}
