/**
 * The daily digest's formatter part (issue 24): the routed machines read with a real SFNClient from the local
 * endpoint (ExecutionRegistry), summed up (each run once), and rendered by formatters/formatter/templates/digest.jsonata
 * within Slack's limits (checked by the local Slack server's Block Kit validator too).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DigestRequest } from '../../../contract/digest.js';
import { digestCron, digestPlans, parseDigest } from '../../../contract/digest.js';
import type { FormatterOutput, StatusChangeEvent } from '../../../contract/formatter.js';
import { parseEnvironment } from '../../../contract/settings.js';
import { summarizeDigest } from '../../../formatters/formatter/digest/compute.js';
import {
  digestDeduplicationId,
  digestOperation,
  localDay,
  renderDigest,
} from '../../../formatters/formatter/digest/operation.js';
import { readDigestMachines } from '../../../formatters/formatter/digest/read.js';
import type { DigestMachine } from '../../../formatters/formatter/digest/types.js';
import { ExecutionRegistry } from '../../../local/stand-ins/executions.js';
import { recordedHistorySource } from '../../../local/stand-ins/history.js';
import {
  serveHistoryToSdk,
  setSdkReadCheck,
  setServedExecutions,
  setServedTags,
} from '../../../local/stand-ins/sfn-endpoint.js';
import { route } from '../../fixtures/routes.js';
import { slackRejections } from '../helpers/slack-oracle.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const UNTIL = Date.UTC(2026, 10, 12, 8, 0); // 09:00 in Berlin
const PREFIX = 'arn:aws:states:eu-west-1:123456789012';

function event(
  machine: string,
  name: string,
  status: string,
  startMs: number,
  stopMs?: number
): StatusChangeEvent {
  return {
    detail: {
      executionArn: `${PREFIX}:execution:${machine}:${name}`,
      stateMachineArn: `${PREFIX}:stateMachine:${machine}`,
      name,
      status,
      startDate: startMs,
      ...(stopMs === undefined ? {} : { stopDate: stopMs }),
      ...(status === 'FAILED' ? { error: 'Load<!channel>' } : {}),
    },
  };
}

const request: DigestRequest = {
  environment: 'prod',
  destination: { type: 'channel', channel: 'C0DATA0001' },
  timeZone: 'Europe/Berlin',
  quiet: 'line',
  stateMachineArns: [`${PREFIX}:stateMachine:weekly-report`],
  stateMachineNamePrefixes: ['nightly-'],
  until: new Date(UNTIL).toISOString(),
};

let registry: ExecutionRegistry;
let release: () => Promise<void>;
let client: SFNClient;

beforeAll(async () => {
  release = await serveHistoryToSdk(recordedHistorySource([{ events: [] }]));
  // Made after the endpoint is served: a client reads AWS_ENDPOINT_URL_SFN when it is created.
  client = new SFNClient({ maxAttempts: 1 });
});
afterAll(async () => {
  setServedExecutions(undefined);
  await release();
});
beforeEach(() => {
  registry = new ExecutionRegistry();
  setServedExecutions(registry);
  // Reads answer to no source account's IAM here, whatever a central pipeline run before in this process set.
  setSdkReadCheck(undefined);
});

function message(out: FormatterOutput) {
  if (out.kind !== 'message') throw new Error(`expected a message, got ${out.kind}`);
  return out;
}

describe('digest: a day of runs', () => {
  beforeEach(() => {
    // nightly-orders: six ordinary earlier nights, then in the window a slow success and two failures.
    for (let day = 1; day <= 6; day += 1) {
      const start = UNTIL - (day + 1) * 24 * HOUR;
      registry.record(event('nightly-orders', `n-${day}`, 'SUCCEEDED', start, start + 35 * MIN));
    }
    registry.record(
      event('nightly-orders', 'slow', 'SUCCEEDED', UNTIL - 20 * HOUR, UNTIL - 20 * HOUR + 150 * MIN)
    );
    registry.record(
      event('nightly-orders', 'bad-1', 'FAILED', UNTIL - 10 * HOUR, UNTIL - 10 * HOUR + 5 * MIN)
    );
    registry.record(event('nightly-orders', 'bad-2', 'FAILED', UNTIL - 5 * HOUR, UNTIL - 5 * HOUR + 5 * MIN));
    // nightly-export: running since the day before (started outside the window, still going).
    registry.record(event('nightly-export', 'long', 'RUNNING', UNTIL - 30 * HOUR));
    // weekly-report (by ARN): one success in the window; another machine, not routed here, is not read.
    registry.record(event('weekly-report', 'w-1', 'SUCCEEDED', UNTIL - 3 * HOUR, UNTIL - 2 * HOUR));
    registry.record(event('other-team', 'o-1', 'FAILED', UNTIL - 3 * HOUR, UNTIL - 2 * HOUR));
  });

  it('lists every run of the routed machines once: failures first and linked, running, the slowest', async () => {
    const stats = { calls: {} as Record<string, number> };
    const out = message(await digestOperation(request, client, { stats }));
    expect(out.messageGroupId).toBe('C0DATA0001');
    expect(out.deduplicationId).toBe(digestDeduplicationId('prod', 'C0DATA0001', '2026-11-12'));
    const payload = out.delivery.payload;
    expect(payload.channel).toBe('C0DATA0001');
    const text = JSON.stringify(payload.blocks);
    expect(payload.text).toBe(
      'Daily digest · prod: 5 runs of 3 machines in the last 24 h: 2 succeeded, 2 failed, 1 running'
    );
    // Failures first, newest first, each linked to the console, the error escaped.
    const failures = text.indexOf('*Failures*');
    expect(failures).toBeGreaterThan(0);
    expect(text.indexOf('bad-2')).toBeGreaterThan(failures);
    expect(text.indexOf('bad-2')).toBeLessThan(text.indexOf('bad-1'));
    expect(text.indexOf('bad-1')).toBeLessThan(text.indexOf('*Still running*'));
    expect(text).toContain(
      `<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${PREFIX}:execution:nightly-orders:bad-2|bad-2>`
    );
    expect(text).toContain('`Load&lt;!channel&gt;`');
    expect(text).not.toContain('<!channel>');
    expect(text).toMatch(/\*Still running\*\\n:arrow_forward: \*nightly-export\* <[^|]+\|long> · since/);
    expect(text).toContain('took 2h 30m — usually about 35m 00s (median of 6)');
    expect(text).not.toContain('other-team');
    // Each run appears once.
    for (const name of ['slow', 'bad-1', 'bad-2', 'long']) expect(text.split(`|${name}>`)).toHaveLength(2);
    expect(slackRejections(payload)).toEqual([]);
    // Bounded reads: one ListStateMachines, two ListExecutions a machine, one DescribeExecution a failure.
    expect(stats.calls).toEqual({ ListStateMachines: 1, ListExecutions: 6, DescribeExecution: 2 });
  });

  it('a tag-conditioned route’s digest reads the tags and sums up only the machines carrying the tag', async () => {
    setServedTags(
      new Map([
        [`${PREFIX}:stateMachine:nightly-orders`, { team: 'data' }],
        [`${PREFIX}:stateMachine:nightly-export`, { team: 'ops' }],
      ])
    );
    const data = route('data', {
      match: { stateMachineNamePrefixes: ['nightly-'], tags: { team: 'data' } },
      destination: { type: 'channel', channel: 'C0DATA0001' },
    });
    const tagged: DigestRequest = {
      ...request,
      stateMachineArns: [],
      routing: { routes: [data], allowedChannels: ['C0DATA0001'] },
    };
    const stats = { calls: {} as Record<string, number> };
    const out = message(await digestOperation(tagged, client, { stats }));
    expect(out.delivery.payload.text).toBe(
      'Daily digest · prod: 3 runs of 1 machine in the last 24 h: 1 succeeded, 2 failed'
    );
    const text = JSON.stringify(out.delivery.payload.blocks);
    expect(text).toContain('|bad-2>');
    expect(text).not.toContain('nightly-export');
    // The tags of both prefixed machines, then the runs of the one taken only.
    expect(stats.calls).toEqual({
      ListStateMachines: 1,
      ListTagsForResource: 2,
      ListExecutions: 2,
      DescribeExecution: 2,
    });
  });

  it('names a machine it could not read rather than leaving it out', async () => {
    registry.refuse('ListExecutions', 'denied');
    const out = message(await digestOperation(request, client));
    expect(JSON.stringify(out.delivery.payload)).toContain(
      ':warning: not read: *nightly-export* (`AccessDeniedException`)'
    );
  });
});

describe('digest: a central environment with no account to list prefixes in', () => {
  it('says the prefixed machines were not read, instead of a quiet day', async () => {
    const window = { sinceMs: UNTIL - 24 * HOUR, untilMs: UNTIL };
    const clients = { listing: () => [], machine: () => client };
    const machines = await readDigestMachines(clients, { ...request, stateMachineArns: [] }, window);
    expect(machines).toEqual([
      expect.objectContaining({ name: 'the state machines named nightly-*', unreadable: 'NoAccountToList' }),
    ]);
  });
});

describe('digest: quiet days and busy days', () => {
  const window = { sinceMs: UNTIL - 24 * HOUR, untilMs: UNTIL };
  const machine = (runs: DigestMachine['runs'], extra: Partial<DigestMachine> = {}): DigestMachine => ({
    stateMachineArn: `${PREFIX}:stateMachine:etl`,
    name: 'etl',
    runs,
    errors: {},
    ...extra,
  });
  const ok = (i: number) => ({
    executionArn: `${PREFIX}:execution:etl:r${i}`,
    status: 'SUCCEEDED',
    startMs: UNTIL - (i + 1) * HOUR,
    stopMs: UNTIL - (i + 1) * HOUR + 10 * MIN,
  });

  it('a quiet day is one short line, or nothing with quiet "skip"', async () => {
    const runs = Array.from({ length: 12 }, (_, i) => ok(i));
    const muted = machine(runs, { mutedUntilMs: UNTIL + 2 * HOUR });
    const line = message((await renderDigest(request, [muted], window)).output);
    expect(line.delivery.payload.text).toBe('Daily digest · prod: 12 runs, all succeeded');
    expect(line.delivery.payload.blocks).toHaveLength(1);
    expect(JSON.stringify(line.delivery.payload.blocks)).toMatch(/:mute: \*etl\* muted until <!date\^/);
    const skipped = await renderDigest({ ...request, quiet: 'skip' }, [muted], window);
    expect(skipped.output).toEqual({ kind: 'skip', reason: 'a quiet day (quiet: "skip")' });
  });

  it('a busy day stays within Slack’s limits, failures listed first, the rest counted, never cut silently', async () => {
    const runs = Array.from({ length: 500 }, (_, i) => ({
      executionArn: `${PREFIX}:execution:etl:failed-run-with-a-long-name-${i}`,
      status: i % 5 === 0 ? 'SUCCEEDED' : 'FAILED',
      startMs: UNTIL - 23 * HOUR + i * MIN,
      stopMs: UNTIL - 23 * HOUR + i * MIN + 30_000,
    }));
    const { output, summary } = await renderDigest(request, [machine(runs)], window);
    expect(summary.counts).toMatchObject({ runs: 500, succeeded: 100, failed: 400 });
    const payload = message(output).delivery.payload;
    expect(slackRejections(payload)).toEqual([]);
    const text = JSON.stringify(payload.blocks);
    expect(payload.text).toContain('500 runs of 1 machine in the last 24 h: 100 succeeded, 400 failed');
    const listed = (text.match(/failed-run-with-a-long-name-\d+>/g) ?? []).length;
    const more = Number(/\+(\d+) more failures/.exec(text)?.[1]);
    expect(listed + more).toBe(400);
  });

  it('counts each run once, by when it ended (or that it still runs)', () => {
    const runs = [
      ok(1),
      ok(1), // listed twice (two pages overlapping): counted once
      { ...ok(30), stopMs: UNTIL - 25 * HOUR }, // ended before the window
      {
        executionArn: `${PREFIX}:execution:etl:late`,
        status: 'SUCCEEDED',
        startMs: UNTIL - HOUR,
        stopMs: UNTIL + MIN,
      },
    ];
    expect(summarizeDigest([machine(runs)], window).counts.runs).toBe(1);
  });
});

describe('digest settings', () => {
  it('validates the time and the IANA zone with clear errors', () => {
    expect(parseDigest('d', { at: '09:00', timeZone: 'Europe/Berlin' })).toEqual({
      at: '09:00',
      timeZone: 'Europe/Berlin',
      quiet: 'line',
    });
    expect(() => parseDigest('d', { at: '9am', timeZone: 'UTC' })).toThrow(
      'd.at is "9am"; use a time of day as HH:MM on 24 hours, like "09:00" or "17:30"'
    );
    expect(() => parseDigest('d', { at: '24:00', timeZone: 'UTC' })).toThrow(/d\.at is "24:00"/);
    expect(() => parseDigest('d', { at: '09:00', timeZone: 'Europe/Atlantis' })).toThrow(
      'd.timeZone is "Europe/Atlantis"; use an IANA time zone name like "Europe/Berlin", "America/New_York" or "UTC"'
    );
    expect(() => parseDigest('d', { at: '09:00', timeZone: 'UTC', quiet: 'no' })).toThrow(/d\.quiet is "no"/);
    expect(() => parseDigest('d', { at: '09:00', timeZone: 'UTC', when: 1 })).toThrow(
      /d\.when is not a digest setting/
    );
    expect(digestCron('09:05')).toBe('cron(5 9 * * ? *)');
    expect(localDay(UNTIL, 'Europe/Berlin')).toBe('2026-11-12');
    expect(localDay(Date.UTC(2026, 10, 12, 23, 30), 'Europe/Berlin')).toBe('2026-11-13');
  });

  it('plans one digest per destination, a route’s own digest before the environment’s; off by default', () => {
    const env = parseEnvironment('prod', {
      destination: { type: 'channel', channel: '#ops' },
      digest: { at: '09:00', timeZone: 'Europe/Berlin' },
      routes: [
        {
          name: 'data',
          match: { stateMachineNamePrefixes: ['nightly-'] },
          destination: { channel: '#data' },
        },
        {
          name: 'reports',
          match: { stateMachineNamePrefixes: ['weekly-'] },
          destination: { channel: '#data' },
          digest: { at: '07:30', timeZone: 'America/New_York', quiet: 'skip' },
        },
        { name: 'ops', match: { stateMachineNamePrefixes: ['ops-'] } },
      ],
    });
    expect(env.digests).toEqual([
      {
        destination: { type: 'channel', channel: '#data' },
        digest: { at: '09:00', timeZone: 'Europe/Berlin', quiet: 'line' },
        routes: ['data', 'reports'],
        stateMachineArns: [],
        stateMachineNamePrefixes: ['nightly-', 'weekly-'],
      },
      {
        destination: { type: 'channel', channel: '#ops' },
        digest: { at: '09:00', timeZone: 'Europe/Berlin', quiet: 'line' },
        routes: ['ops'],
        stateMachineArns: [],
        stateMachineNamePrefixes: ['ops-'],
      },
    ]);
    const off = parseEnvironment('dev', {
      destination: { type: 'channel', channel: '#ops' },
      stateMachineNamePrefixes: ['etl-'],
    });
    expect(off.digests).toEqual([]);
    expect(digestPlans(off.routes, undefined, [])).toEqual([]);
    expect(() =>
      parseEnvironment('dev', {
        destination: { type: 'channel', channel: '#ops' },
        stateMachineNamePrefixes: ['etl-'],
        digest: { at: '09:00', timeZone: 'Mars/Olympus' },
      })
    ).toThrow('cdk.json context environments.dev.digest.timeZone is "Mars/Olympus"');
  });
});
