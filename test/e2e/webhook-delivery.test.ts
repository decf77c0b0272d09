/**
 * Webhook mode end to end through the real files (statemachines/deliver.asl.json, webhook transport, on the local runner, the
 * message store on dynalite, the Scheduler stand-in, the local Slack server's incoming webhook and rate limit):
 * each webhook is paced, and a storm collapses into periodic digest posts (a webhook message cannot be edited or
 * threaded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_STORM_FLUSH_SECONDS } from '../../contract/message-store.js';
import { allText, examples, type Harness, harness, historiesOf, renamed } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const runsOf = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    renamed(examples.failed(), `${prefix}-${String(i).padStart(3, '0')}`)
  );
/** The executions a post names, in its order (a digest's line names each twice: its link and its label). */
const namesIn = (text: string, prefix: string) => [
  ...new Set(text.match(new RegExp(`${prefix}-\\d{3}`, 'g')) ?? []),
];
const isDigest = (text: string) => text.includes(':rotating_light: *Storm:');

describe('webhook mode: pacing', () => {
  it('a burst through one webhook is paced (3 at once, then one a second): no 429, in order, none twice', async () => {
    const runs = runsOf('burst', 8);
    h = await harness({ history: historiesOf(runs), webhook: true, lifecycle: { stormThreshold: 0 } });
    for (const run of runs) await h.pipeline.notify(run.event);
    const stats = await h.pipeline.deliver();
    expect(stats).toEqual({ delivered: 8, failed: 0 });
    expect(h.slack.requests.filter((r) => r.status === 429)).toEqual([]);
    const posts = h.slack.messages('alerts');
    expect(posts.every((m) => m.via === 'webhook')).toBe(true);
    expect(posts.map((m) => namesIn(allText(m), 'burst')[0])).toEqual(runs.map((r) => r.event.detail.name));
    const times = posts.map((m) => m.receivedAt);
    for (let i = 3; i < times.length; i += 1) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1000);
    }
    // The whole burst drains at the limit, not slower: 3 at once, then 5 more at a second each.
    expect((times.at(-1) as number) - (times[0] as number)).toBeLessThan(7000);
  });
});

describe('webhook mode: a storm of one state machine', () => {
  it('the first 5 post on their own; the rest go into one digest post a minute later listing each once (12 failures at once)', async () => {
    const runs = runsOf('storm', 12);
    h = await harness({ history: historiesOf(runs), webhook: true });
    for (const run of runs) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    expect(h.slack.messages('alerts')).toHaveLength(5);
    // The digest waits for its one-time schedule: nothing more in the channel until then.
    const due = h.pipeline.scheduler.nextDueAt() as number;
    expect(due - h.clock.now()).toBeGreaterThan((WEBHOOK_STORM_FLUSH_SECONDS - 5) * 1000);
    await h.pipeline.advanceTo(due + 1000);
    const posts = h.slack.messages('alerts');
    expect(posts).toHaveLength(6);
    const digest = posts[5]?.text ?? '';
    expect(isDigest(digest)).toBe(true);
    expect(digest).toContain('Storm: 7 notifications of nightly-etl');
    expect(digest).toContain('FAILED 7');
    // The latest errors, without their links; then every execution since the last digest, in order, once.
    expect(digest).toContain('*Latest:*\n• :x:');
    const listed = digest.split('*7 since the last digest:*\n')[1] ?? '';
    expect(namesIn(listed, 'storm')).toEqual(runs.slice(5).map((r) => r.event.detail.name));
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
    expect(h.pipeline.scheduler.pending()).toEqual([]);
  });

  it('a storm that goes on gets a digest at most once a minute, each listing only the executions since the last', async () => {
    const runs = runsOf('long', 20);
    h = await harness({ history: historiesOf(runs), webhook: true });
    const start = h.clock.now();
    // One failure every 10 seconds for 200 seconds.
    for (const [i, run] of runs.entries()) {
      await h.pipeline.advanceTo(start + i * 10_000);
      await h.pipeline.notify(run.event);
      await h.pipeline.deliver();
    }
    await h.pipeline.advanceTo(h.clock.now() + (WEBHOOK_STORM_FLUSH_SECONDS + 5) * 1000);
    const posts = h.slack.messages('alerts');
    const digests = posts.filter((m) => isDigest(m.text ?? ''));
    expect(posts.length - digests.length).toBe(5);
    const at = digests.map((m) => m.receivedAt);
    for (let i = 1; i < at.length; i += 1) {
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(
        WEBHOOK_STORM_FLUSH_SECONDS * 1000
      );
    }
    expect(digests.length).toBeLessThanOrEqual(Math.ceil(200 / WEBHOOK_STORM_FLUSH_SECONDS) + 1);
    // Every execution after the fifth in exactly one digest, in order.
    const listed = digests.flatMap((m) =>
      namesIn((m.text ?? '').split('since the last digest:*\n')[1] ?? '', 'long')
    );
    expect(listed).toEqual(runs.slice(5).map((r) => r.event.detail.name));
  });

  it('a digest post that fails returns to the queue and posts once later: nothing lost, nothing twice', async () => {
    const runs = runsOf('retry', 8);
    h = await harness({ history: historiesOf(runs), webhook: true });
    for (const run of runs) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    // Slack fails the flush's post past its retries (1 try + 3 retries on a 5xx): the flush execution fails and
    // the message returns to the queue; its next receive posts the digest.
    h.slack.injectFault({ status: 503, times: 4, target: 'webhook' });
    await h.pipeline.advanceTo((h.pipeline.scheduler.nextDueAt() as number) + 1000);
    expect(h.pipeline.deliveries.filter((d) => d.result.status === 'FAILED')).toHaveLength(1);
    expect(h.slack.requests.filter((r) => r.status === 503)).toHaveLength(4);
    const digests = h.slack.messages('alerts').filter((m) => isDigest(m.text ?? ''));
    expect(digests).toHaveLength(1);
    expect(namesIn(digests[0]?.text ?? '', 'retry')).toEqual(runs.slice(5).map((r) => r.event.detail.name));
  });

  it('a duplicated event of a digested execution is not listed again', async () => {
    const runs = runsOf('dup', 7);
    h = await harness({ history: historiesOf(runs), webhook: true });
    for (const run of runs) await h.pipeline.notify(run.event);
    await h.pipeline.deliver();
    await h.pipeline.advanceTo((h.pipeline.scheduler.nextDueAt() as number) + 1000);
    // Past the FIFO queue's 5-minute deduplication window: only the store can tell.
    await h.pipeline.advanceTo(h.clock.now() + 6 * 60_000);
    await h.pipeline.notify((runs[6] as (typeof runs)[number]).event);
    await h.pipeline.advanceTo(h.clock.now() + 2 * WEBHOOK_STORM_FLUSH_SECONDS * 1000);
    const named = h.slack.messages('alerts').flatMap((m) => namesIn(allText(m), 'dup'));
    expect(named.filter((n) => n === 'dup-006')).toHaveLength(1);
    expect(h.slack.messages('alerts')).toHaveLength(6);
  });
});
