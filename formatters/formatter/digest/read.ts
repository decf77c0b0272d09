/**
 * Reads what the digest sums up: the machines that may post to the destination (their ARNs, and the machines whose
 * names start with a prefix, from ListStateMachines), kept when the routes send some of their news there
 * (contract/digest.ts digestTakes: the notifier's matching, with each machine's tags when a route needs them), then
 * each kept machine's executions (ListExecutions newest first, until the window and 20 earlier runs are covered;
 * plus the ones still running), the errors of the first failures (DescribeExecution) and, when the environment can
 * mute, the `sfn-slack:mute-until` tag.
 * Bounded: at most MAX_MACHINES machines, PAGES_PER_MACHINE pages each, MAX_DESCRIBED failures. A machine (or, in
 * a central environment, an account and region) that cannot be read is named in the digest with the error, never
 * dropped silently.
 *
 * Which client reads what: one SFN client for everything in a single account; in a central environment
 * (DigestClients) each account and region's read role, in that region (formatters/formatter/source-client.ts).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { stateMachineNameOf } from '../../../contract/arns.js';
import { type DigestRequest, digestReadsTags, digestTakes } from '../../../contract/digest.js';
import { TAG_KEYS } from '../../../contract/routes.js';
import { FAILING_STATUSES } from '../../../contract/statuses.js';
import type { RunRecord } from '../context/types.js';
import { USUAL_MAX_SAMPLES } from '../context/types.js';
import { toMs } from '../lifecycle.js';
import { tagMap } from '../tags.js';
import type { DigestMachine } from './types.js';

/** The clients a digest reads with when one client cannot read everything (a central environment). */
export interface DigestClients {
  /** Where name prefixes are looked for (ListStateMachines): one client per account and region, named. */
  readonly listing: () => ReadonlyArray<{ readonly where: string; readonly client: SFNClient }>;
  /** The client reading one machine: its executions, their errors, its tags. */
  readonly machine: (stateMachineArn: string) => SFNClient;
}

/** One client for everything: a single-account environment, the CLI's preview. */
export function oneClient(client: SFNClient): DigestClients {
  return { listing: () => [{ where: 'this account', client }], machine: () => client };
}

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
  clients: SFNClient | DigestClients,
  request: DigestRequest,
  window: { readonly sinceMs: number; readonly untilMs: number },
  stats: DigestReadStats = { calls: {} }
): Promise<DigestMachine[]> {
  const sdk = await import('@aws-sdk/client-sfn');
  const readers = 'machine' in clients && 'listing' in clients ? clients : oneClient(clients);
  const count = (api: string) => {
    stats.calls[api] = (stats.calls[api] ?? 0) + 1;
  };
  const machines: DigestMachine[] = [];
  const candidates = new Set(request.stateMachineArns);
  if (request.stateMachineNamePrefixes.length > 0) {
    const listing = readers.listing();
    if (listing.length === 0) {
      // An organization-only central environment names no account to list in: say so, not a quiet day.
      machines.push({
        stateMachineArn: '',
        name: `the state machines named ${request.stateMachineNamePrefixes.map((p) => `${p}*`).join(', ')}`,
        runs: [],
        errors: {},
        unreadable: 'NoAccountToList',
      });
    }
    for (const { where, client } of listing) {
      try {
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
              candidates.add(machine.stateMachineArn);
            }
          }
          nextToken = out.nextToken;
          pages += 1;
        } while (nextToken && pages < 10);
      } catch (error) {
        // Its machines cannot be named: the digest says so rather than summing up fewer in silence.
        machines.push({
          stateMachineArn: '',
          name: `the state machines of ${where}`,
          runs: [],
          errors: {},
          unreadable: error instanceof Error ? error.name : 'Error',
        });
      }
    }
  }
  // The notifier's matching decides which machines post here; tags only when a route needs them.
  const readTags = digestReadsTags(request);
  const taken: Array<{ arn: string; tags?: Record<string, string> }> = [];
  for (const arn of [...candidates].sort()) {
    let tags: Record<string, string> | undefined;
    if (readTags) {
      try {
        count('ListTagsForResource');
        tags = tagMap(
          await readers.machine(arn).send(new sdk.ListTagsForResourceCommand({ resourceArn: arn }))
        );
      } catch {
        // As the notifier: unreadable tags meet every tag condition and override nothing.
        tags = undefined;
      }
    }
    if (digestTakes(request, { stateMachineArn: arn, ...(tags ? { tags } : {}) })) {
      taken.push({ arn, ...(tags ? { tags } : {}) });
    }
    if (taken.length >= MAX_MACHINES) break;
  }
  let described = 0;
  for (const { arn: stateMachineArn, tags: knownTags } of taken) {
    const name = stateMachineNameOf(stateMachineArn) ?? stateMachineArn;
    const client = readers.machine(stateMachineArn);
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
        let tags = knownTags;
        if (!tags) {
          count('ListTagsForResource');
          tags = tagMap(
            await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: stateMachineArn }))
          );
        }
        const until = tags[TAG_KEYS.muteUntil];
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
