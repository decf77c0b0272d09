/**
 * The run context read with a real SFNClient against the local Step Functions endpoint
 * (local/stand-ins/sfn-endpoint.ts), which answers ListExecutions and DescribeExecution from an
 * ExecutionRegistry and the tail of a history from a history source; and the context rendered by both templates.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../../../contract/formatter.js';
import { clearRunContextCache, readRunContext } from '../../../../formatters/formatter/context/read.js';
import { renderSummary } from '../../../../formatters/formatter/format.js';
import { summarize } from '../../../../formatters/formatter/summarize/index.js';
import { runHistory } from '../../../../local/run-history.js';
import { ExecutionRegistry } from '../../../../local/stand-ins/executions.js';
import type { HistorySource } from '../../../../local/stand-ins/history.js';
import { recordedHistorySource } from '../../../../local/stand-ins/history.js';
import {
  serveHistoryToSdk,
  setSdkReadCheck,
  setServedExecutions,
} from '../../../../local/stand-ins/sfn-endpoint.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 2, 0);
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:nightly';
const arn = (n: number) => `arn:aws:states:eu-west-1:123456789012:execution:nightly:run-${n}`;

const histories = new Map<string, { events: Record<string, unknown>[] }>();
const history: HistorySource = async (request) => {
  const found = histories.get(request.executionArn);
  return recordedHistorySource(found ? [found] : [{ events: [] }], request.executionArn)(request);
};

function event(n: number, status: string, minutes: number, error?: string): StatusChangeEvent {
  const startMs = T0 + n * DAY;
  const stopMs = startMs + minutes * MIN;
  histories.set(
    arn(n),
    runHistory({
      startMs,
      stopMs,
      ...(status === 'FAILED' ? { failIn: 'Load', error: error ?? 'States.TaskFailed' } : {}),
    })
  );
  return {
    account: '123456789012',
    region: 'eu-west-1',
    time: new Date(stopMs).toISOString(),
    detail: {
      executionArn: arn(n),
      stateMachineArn: MACHINE,
      name: `run-${n}`,
      status,
      startDate: startMs,
      stopDate: stopMs,
      ...(status === 'FAILED' ? { error: error ?? 'States.TaskFailed', cause: 'failed' } : {}),
    },
  };
}

let release: () => Promise<void>;
let registry: ExecutionRegistry;
let client: SFNClient;

beforeAll(async () => {
  release = await serveHistoryToSdk(history);
  client = new SFNClient({ maxAttempts: 1 });
});
afterAll(async () => {
  setServedExecutions(undefined);
  await release();
});
beforeEach(() => {
  clearRunContextCache();
  histories.clear();
  registry = new ExecutionRegistry();
  setServedExecutions(registry);
  // Reads answer to no source account's IAM here, whatever a central pipeline run before in this process set.
  setSdkReadCheck(undefined);
});

function request(e: StatusChangeEvent, extra: { error?: string; failedState?: string } = {}) {
  return {
    stateMachineArn: MACHINE,
    executionArn: e.detail.executionArn,
    status: e.detail.status,
    startDate: e.detail.startDate ?? null,
    stopDate: e.detail.stopDate ?? null,
    ...extra,
  };
}

describe('readRunContext', () => {
  it('reads the usual, the streak and the same error, with one ListExecutions and one tail read', async () => {
    for (const [n, minutes] of [30, 40, 34, 36, 32, 38].entries())
      registry.record(event(n, 'SUCCEEDED', minutes));
    registry.record(event(6, 'FAILED', 5));
    registry.record(event(7, 'FAILED', 5));
    const now = event(8, 'FAILED', 90);
    registry.record(now);
    const context = await readRunContext(
      client,
      request(now, { error: 'States.TaskFailed', failedState: 'Load' })
    );
    expect(context).toEqual({
      usual: { kind: 'slow', durationMs: 90 * MIN, medianMs: 35 * MIN, samples: 6 },
      streak: {
        kind: 'failures',
        count: 3,
        atLeast: false,
        lastSuccess: { executionArn: arn(5), stopMs: T0 + 5 * DAY + 38 * MIN },
      },
      sameError: {
        error: 'States.TaskFailed',
        state: 'Load',
        executionArn: arn(7),
        stopMs: T0 + 7 * DAY + 5 * MIN,
      },
    });
    // The error and state came from the tail of the history: DescribeExecution was not needed.
    expect(registry.calls.map((c) => c.api)).toEqual(['ListExecutions']);
  });

  it('reads each machine once while its list is fresh, and counts the runs notified meanwhile', async () => {
    registry.record(event(0, 'SUCCEEDED', 30));
    const runs = [event(1, 'FAILED', 5), event(2, 'FAILED', 5), event(3, 'FAILED', 5)];
    const streaks: unknown[] = [];
    for (const e of runs) {
      registry.record(e);
      streaks.push((await readRunContext(client, request(e)))?.streak);
    }
    expect(registry.calls.filter((c) => c.api === 'ListExecutions')).toHaveLength(1);
    expect(
      streaks.map((s) => (s as { kind: string; count?: number }).count ?? (s as { kind: string }).kind)
    ).toEqual(['first-failure', 2, 3]);
  });

  it('gives undefined, logged once, when ListExecutions is refused, and does not ask again while that is fresh', async () => {
    registry.record(event(0, 'SUCCEEDED', 30));
    registry.refuse('ListExecutions', 'denied');
    const errors: string[] = [];
    const e = event(1, 'FAILED', 5);
    expect(
      await readRunContext(client, request(e), { onError: (name) => errors.push(name) })
    ).toBeUndefined();
    expect(
      await readRunContext(client, request(e), { onError: (name) => errors.push(name) })
    ).toBeUndefined();
    expect(errors).toEqual(['AccessDeniedException']);
    expect(registry.calls).toHaveLength(1);
  });

  it('gives undefined within its budget when throttled, however the client retries', async () => {
    const retrying = new SFNClient({ maxAttempts: 8 });
    registry.record(event(0, 'SUCCEEDED', 30));
    registry.refuse('ListExecutions', 'throttled');
    const started = Date.now();
    const errors: string[] = [];
    const e = event(1, 'FAILED', 5);
    expect(
      await readRunContext(retrying, request(e), { budgetMs: 300, onError: (n) => errors.push(n) })
    ).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(errors).toHaveLength(1);
  });

  it('asks DescribeExecution when the tail names no error, and claims no same state it could not read', async () => {
    registry.record(event(0, 'SUCCEEDED', 30));
    registry.record(event(1, 'FAILED', 5));
    histories.delete(arn(1)); // its history reads empty: no end event, no state
    const e = event(2, 'FAILED', 5);
    const errors: string[] = [];
    const context = await readRunContext(
      client,
      request(e, { error: 'States.TaskFailed', failedState: 'Load' }),
      {
        onError: (n) => errors.push(n),
      }
    );
    expect(context?.streak).toMatchObject({ kind: 'failures', count: 2 });
    expect(context?.sameError).toBeUndefined();
    expect(registry.calls.map((c) => c.api)).toEqual(['ListExecutions', 'DescribeExecution']);
  });

  it('keeps the streak when the earlier failure is refused', async () => {
    registry.record(event(0, 'SUCCEEDED', 30));
    registry.record(event(1, 'FAILED', 5));
    histories.delete(arn(1));
    registry.refuse('DescribeExecution', 'denied');
    const errors: string[] = [];
    const e = event(2, 'FAILED', 5);
    const context = await readRunContext(
      client,
      request(e, { error: 'States.TaskFailed', failedState: 'Load' }),
      {
        onError: (n) => errors.push(n),
      }
    );
    expect(context?.streak).toMatchObject({ kind: 'failures', count: 2 });
    expect(errors).toEqual(['AccessDeniedException']);
  });
});

describe('the context in the message', () => {
  const summaryWith = (status: string) => {
    const e = event(8, status, 90, 'Boom<!channel>');
    return summarize({ pages: [histories.get(arn(8))], event: e });
  };
  const context = {
    usual: { kind: 'slow' as const, durationMs: 90 * MIN, medianMs: 35 * MIN, samples: 6 },
    streak: {
      kind: 'failures' as const,
      count: 3,
      atLeast: false,
      lastSuccess: { executionArn: arn(5), stopMs: T0 + 6 * DAY },
    },
    sameError: { error: 'Boom<!channel>', state: 'Load', executionArn: arn(7), stopMs: T0 + 7 * DAY },
  };

  it('detailed shows each fact on its own line, escaped and linked to the console', async () => {
    const summary = { ...summaryWith('FAILED'), runContext: context };
    const message = await renderSummary(summary, { template: 'detailed', environment: 'prod' });
    const block = message.blocks?.find((b) => b.type === 'context' && JSON.stringify(b).includes('in a row'));
    const text = (block as { elements: { text: string }[] }).elements[0]?.text ?? '';
    expect(text.split('\n')).toEqual([
      ':snail: ended after 1h 30m — usually about 35m 00s (median of the last 6 successful runs)',
      `:repeat: 3rd failure in a row — <https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn(5)}|last success> 2 days ago`,
      `:recycle: same \`Boom&lt;!channel&gt;\` in *Load* as the <https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn(7)}|previous failure> (<!date^${(T0 + 7 * DAY) / 1000}^{date_short_pretty} {time_secs}|2026-11-08T02:00:00Z>)`,
    ]);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('compact shows it on one line, and neither shows anything without a context', async () => {
    const summary = { ...summaryWith('FAILED'), runContext: context };
    const compact = await renderSummary(summary, { template: 'compact' });
    const line = compact.blocks?.find((b) => JSON.stringify(b).includes('in a row')) as {
      elements: { text: string }[];
    };
    expect(line.elements[0]?.text).toMatch(
      /^:snail: ended after .* · :repeat: 3rd failure in a row — .* · :recycle: same /
    );
    expect(line.elements[0]?.text).not.toContain('\n');
    for (const template of ['detailed', 'compact']) {
      const plain = await renderSummary(summaryWith('FAILED'), { template });
      expect(JSON.stringify(plain)).not.toMatch(/in a row|usually about|same `/);
    }
  });
});
