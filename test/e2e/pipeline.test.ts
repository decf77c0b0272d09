/**
 * End to end through the real files: statemachines/notifier.asl.json → formatters/formatter/handler.ts → local FIFO
 * queue → local Pipe → statemachines/deliver.asl.json → HTTP → local Slack server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { limits } from '../../bench/targets.js';
import { validateBlocks } from '../../local/slack-server/index.js';
import { unavailableHistorySource } from '../../local/stand-ins/history.js';
import { ONE_ROUTE_ONE_PAGE } from '../fixtures/notifier-paths.js';
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
    // One route, one page: the bench's transition target, counted from the states this run entered.
    const entered = notifier.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName);
    expect(entered).toEqual([...ONE_ROUTE_ONE_PAGE]);
    expect(notifier.stateTransitions).toBe(entered.length);
    expect(notifier.stateTransitions).toBeLessThanOrEqual(limits.notifierTransitions);
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

describe('a storm: one state machine failing many times in a channel', () => {
  const storm = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      renamed(examples.failed(), `nightly-storm-${String(i).padStart(3, '0')}`)
    );
  /** The executions a thread reply lists: one per line (each line links the execution by its console URL). */
  const namesIn = (text: string) =>
    text.split('\n').map((line) => /\|(nightly-storm-\d{3})>/.exec(line)?.[1]);

  it('past 5 in the window, one digest message updated in place lists every execution in its thread, once', async () => {
    const runs = storm(30);
    h = await harness({ history: historiesOf(runs) });
    // All queued before the Pipe gets to them: one flush lists the backlog (the timed storm is in the bench).
    for (const run of runs) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    const all = h.slack.messages('alerts');
    const top = all.filter((m) => m.threadTs === undefined);
    // The first 5 get their own message; the rest go into one digest.
    expect(top).toHaveLength(6);
    const digest = top[5];
    const replies = all.filter((m) => m.threadTs === digest?.ts);
    const listed = replies.flatMap((r) => namesIn(r.text ?? ''));
    expect(listed).toEqual(runs.slice(5).map((r) => r.event.detail.name));
    // Thread replies batch several executions each.
    expect(replies.length).toBeLessThan(listed.length / 2);
    const shown = h.slack.conversations().C0ALERTS?.find((m) => m.ts === digest?.ts);
    const current = shown?.edits.at(-1)?.text ?? shown?.text ?? '';
    expect(current).toContain('Storm: 25 notifications of nightly-etl');
    expect(current).toContain('FAILED 25');
    // The latest errors, without the execution (the thread lists each execution once).
    expect(current).toContain('*Latest:*\n• :x: Failed in *RefreshAggregates*');
    // Nothing dead-lettered, nothing twice.
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('a duplicated event of a digested execution is not listed again', async () => {
    const runs = storm(7);
    h = await harness({ history: historiesOf(runs) });
    for (const run of runs) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    await h.pipeline.clock.sleep(6 * 60_000);
    await h.pipeline.notify((runs[6] as (typeof runs)[number]).event);
    await h.pipeline.deliver();
    const listed = h.slack
      .messages('alerts')
      .filter((m) => m.threadTs !== undefined)
      .flatMap((m) => namesIn(m.text ?? ''));
    expect(listed).toEqual(['nightly-storm-005', 'nightly-storm-006']);
  });

  it('a quiet state machine gets its own messages again after the window', async () => {
    const runs = storm(8);
    h = await harness({
      history: historiesOf(runs),
      lifecycle: { stormThreshold: 2, stormWindowSeconds: 60 },
    });
    for (const run of runs.slice(0, 4)) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    await h.pipeline.clock.sleep(5 * 60_000);
    for (const run of runs.slice(4, 6)) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    const top = h.slack.messages('alerts').filter((m) => m.threadTs === undefined);
    // 2 own + 1 digest, then 2 own again after the quiet time.
    expect(
      top.map((m) => (/Storm:/.test(m.text ?? '') ? 'digest' : /nightly-storm-\d{3}/.exec(allText(m))?.[0]))
    ).toEqual(['nightly-storm-000', 'nightly-storm-001', 'digest', 'nightly-storm-004', 'nightly-storm-005']);
  });
});

describe('a burst to one channel', () => {
  it('is paced under the rate limit (a burst of 3, then 1 a second): no 429, every message delivered, in order, none twice', async () => {
    // Prepare: eight executions finishing together, all for #alerts (burst 3, then 1 a second).
    const runs = Array.from({ length: 8 }, (_, i) => renamed(examples.failed(), `nightly-burst-${i}`));
    // Storm digests off: this is about pacing eight separate messages.
    h = await harness({ history: historiesOf(runs), lifecycle: { stormThreshold: 0 } });
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
