/**
 * End to end through the real files: statemachines/notifier.asl.json → formatters/handler.ts → local FIFO
 * queue → local Pipe → statemachines/deliver.asl.json → HTTP → local Slack server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { validateBlocks } from '../../local/slack-server/index.js';
import { unavailableHistorySource } from '../../local/stand-ins/history.js';
import { allText, examples, type Harness, harness, historiesOf, renamed } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('one execution, one message', () => {
  it('a failed execution posts exactly one message naming the failed step, its error and cause', async () => {
    // Prepare
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: '#alerts' });
    // Act
    const { notifier, delivery } = await h.pipeline.run(example.event);
    // Assess
    expect(notifier.status).toBe('SUCCEEDED');
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    const messages = h.slack.messages();
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.channel).toBe('C0ALERTS');
    expect(message?.via).toBe('api');
    expect(validateBlocks(message?.blocks)).toEqual([]);
    const text = allText(message ?? {});
    expect(text).toContain('nightly-etl');
    expect(text).toContain('FAILED');
    expect(text).toContain('RefreshAggregates');
    expect(text).toContain('States.TaskFailed');
    expect(text).toContain('Essential container in task exited');
    // The cause carries `<see runbook>`: it reaches Slack escaped, never as a link or mention.
    expect(text).toContain('&lt;see runbook&gt;');
    expect(text).not.toContain('<see runbook>');
    expect(message?.text).toMatch(/nightly-etl/);
  });

  it('a succeeded execution posts exactly one success message', async () => {
    const example = examples.succeeded();
    h = await harness({ history: historiesOf([example]) });
    await h.pipeline.run(example.event);
    const messages = h.slack.messages('alerts');
    expect(messages).toHaveLength(1);
    const text = allText(messages[0] ?? {});
    expect(text).toContain('SUCCEEDED');
    expect(text).toContain('LoadPartitions');
    expect(text).not.toContain('States.TaskFailed');
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
  });

  it('the same EventBridge event twice posts one message (FIFO deduplication)', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]) });
    const first = await h.pipeline.notify(example.event);
    await h.clock.sleep(60_000);
    const second = await h.pipeline.notify(example.event);
    expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(first.output).toEqual(second.output);
    await h.pipeline.deliver();
    expect(h.slack.messages()).toHaveLength(1);
    // A third copy after the first was delivered (still within the 5-minute window) changes nothing.
    await h.clock.sleep(60_000);
    await h.pipeline.run(example.event);
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('the history cannot be read: a minimal message still goes out', async () => {
    const example = examples.failed();
    h = await harness({ history: unavailableHistorySource() });
    const { notifier } = await h.pipeline.run(example.event);
    expect(notifier.status).toBe('SUCCEEDED');
    const messages = h.slack.messages();
    expect(messages).toHaveLength(1);
    const text = allText(messages[0] ?? {});
    expect(text).toContain('nightly-etl');
    expect(text).toContain('FAILED');
    expect(text).toContain('Sfn.AccessDeniedException');
  });

  it('a history page over 256 KiB: the notifier falls back to the formatter reading the history itself', async () => {
    // Prepare: the failed example with 40 extra failed attempts, each with a 30,000-character cause, before the
    // real failure; one page of 200 events is then far over 256 KiB.
    const example = examples.failed();
    const events = example.pages.flatMap((p) => p.events) as Record<string, unknown>[];
    const failAt = events.findIndex((e) => e.type === 'TaskFailed' && JSON.stringify(e).includes('ecs'));
    const bigCause = JSON.stringify({ errorType: 'Retryable', errorMessage: 'x'.repeat(30_000) });
    const template = events[failAt] as { taskFailedEventDetails: Record<string, unknown> };
    const extra = Array.from({ length: 40 }, () => ({
      ...template,
      taskFailedEventDetails: { ...template.taskFailedEventDetails, error: 'Retryable', cause: bigCause },
    }));
    const merged = [...events.slice(0, failAt), ...extra, ...events.slice(failAt)].map((e, i) => ({
      ...e,
      id: i + 1,
      previousEventId: i,
    }));
    const big = { event: example.event, pages: [{ events: merged }] };
    expect(JSON.stringify(merged).length).toBeGreaterThan(1_000_000);
    h = await harness({ history: historiesOf([big]) });
    // Act
    const { notifier } = await h.pipeline.run(big.event);
    // Assess: FetchHistory hit the data limit, the formatter read the history, one full message went out.
    expect(notifier.status).toBe('SUCCEEDED');
    expect(JSON.stringify(notifier.events)).toContain('States.DataLimitExceeded');
    const messages = h.slack.messages();
    expect(messages).toHaveLength(1);
    const text = allText(messages[0] ?? {});
    expect(text).toContain('RefreshAggregates');
    expect(text).not.toContain('unavailable');
  });
});

describe('a burst to one channel', () => {
  it('is paced under the rate limit (a burst of 3, then 1 a second): no 429, every message delivered, in order, none twice', async () => {
    // Prepare: eight executions finishing together, all for #alerts (burst 3, then 1 a second).
    const runs = Array.from({ length: 8 }, (_, i) => renamed(examples.failed(), `nightly-burst-${i}`));
    h = await harness({ history: historiesOf(runs) });
    for (const run of runs) await h.pipeline.notify(run.event);
    // Act
    const stats = await h.pipeline.deliver();
    // Assess
    expect(h.slack.requests.filter((r) => r.status === 429)).toEqual([]);
    const times = h.slack.messages('alerts').map((m) => m.receivedAt);
    // After the burst of 3, each post waits for its slot: at least a second after the one before.
    for (let i = 3; i < times.length; i += 1) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1000);
    }
    const names = h.slack.messages('alerts').map((m) => /nightly-burst-\d/.exec(allText(m))?.[0]);
    expect(names).toEqual(runs.map((r) => r.event.detail.name));
    expect(stats.delivered).toBe(8);
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
  });
});
