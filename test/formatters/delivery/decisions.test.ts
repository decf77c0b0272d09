/**
 * The delivery function's decision modules on their own: reading the record (pure), composing what the channel
 * shows (pure), and the store's conditional updates on dynalite (pacing, claims, storm counting and listing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryConfig } from '../../../contract/delivery.js';
import { PACE_BURST, PACE_INTERVAL_MS, STORE_KEY } from '../../../contract/message-store.js';
import { admit } from '../../../formatters/delivery/admit.js';
import {
  chunked,
  delayedNote,
  framedParent,
  shortened,
  withBlocks,
} from '../../../formatters/delivery/compose.js';
import { rateLimitedWait, readAnswer } from '../../../formatters/delivery/decision.js';
import { storeClient } from '../../../formatters/delivery/handler.js';
import type { Run } from '../../../formatters/delivery/run.js';
import { pacePost } from '../../../formatters/delivery/run.js';
import { DeliveryStore } from '../../../formatters/delivery/store.js';
import { appendToDigest, stormDigestKey } from '../../../formatters/delivery/storm.js';
import {
  createLocalTable,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../../local/stand-ins/dynamodb.js';

const rec = (body: unknown) => ({
  messageId: 'm-1',
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const delivery = {
  payload: { channel: 'C0TEST', text: 'x' },
  fallback: { text: 'x' },
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1',
  status: 'FAILED',
  deduplicationId: 'd1',
};

describe('admit', () => {
  it('takes a delivery to an allowed channel, unwraps a dead letter, refuses the rest with a reason', () => {
    expect(admit(rec(delivery), ['C0TEST']).admitted).toMatchObject({ kind: 'news', channel: 'C0TEST' });
    const wrapped = JSON.stringify({ deadLetter: { reason: 'r' }, body: JSON.stringify(delivery) });
    const unwrapped = admit(rec(wrapped), ['C0TEST']);
    expect(unwrapped.body).toBe(JSON.stringify(delivery));
    expect(unwrapped.admitted.kind).toBe('news');
    expect(admit(rec('{oops'), ['C0TEST']).admitted).toMatchObject({
      kind: 'refused',
      error: 'Delivery.InvalidBody',
    });
    expect(admit(rec({ ...delivery, status: '' }), ['C0TEST']).admitted).toMatchObject({ kind: 'refused' });
    expect(admit(rec(delivery), ['C0OTHER']).admitted).toMatchObject({
      kind: 'refused',
      error: 'Delivery.ChannelNotAllowed',
      reason: 'the channel C0TEST is not one this environment posts to',
    });
    // Webhook mode: one destination, whatever the body says.
    expect(admit(rec(delivery), undefined).admitted).toMatchObject({ kind: 'news', channel: 'webhook' });
  });
});

describe('compose', () => {
  it('never sends blocks: [] on a post; frames a banner above the blocks; shortens a too-long text', () => {
    expect(withBlocks('t', [])).toEqual({ text: 't' });
    expect(framedParent({ text: 't' }, '', '')).toEqual({ text: 't' });
    expect(
      framedParent({ text: 't', blocks: [{ type: 'divider' }] }, 'Delayed', 'Delayed: ').blocks
    ).toHaveLength(2);
    expect(shortened('a'.repeat(10_000)).length).toBe(3000);
  });

  it('says "Delayed" only past 15 minutes after the end', () => {
    const end = '2026-12-07T12:00:00.000Z';
    expect(delayedNote(end, Date.parse(end) + 14 * 60_000)).toBe('');
    expect(delayedNote(end, Date.parse(end) + 16 * 60_000)).toMatch(/^Delayed: the run ended at <!date\^/);
  });

  it('chunks lines by count and by characters, in order', () => {
    expect(chunked(['a', 'b', 'c'], 2, 100)).toEqual([['a', 'b'], ['c']]);
    expect(chunked(['aaaa', 'bbbb'], 10, 6)).toEqual([['aaaa'], ['bbbb']]);
  });

  it('reads Slack answers parsed or as text, and failures by name', () => {
    expect(readAnswer({ status: 200, body: '{"ok":false,"error":"ratelimited"}' })).toMatchObject({
      ok: false,
      error: 'ratelimited',
    });
    expect(readAnswer({ status: 200, body: 'ok' })).toMatchObject({ kind: 'answered', ok: true });
    expect(readAnswer({ Error: 'States.Http.StatusCode.503', Cause: '' })).toMatchObject({
      kind: 'failed',
      lost: true,
    });
    expect(readAnswer({ Error: 'States.Http.StatusCode.404', Cause: '' })).toMatchObject({
      kind: 'failed',
      lost: false,
    });
    expect([0, 1, 2].map((a) => rateLimitedWait(a, () => 0.99))).toEqual([2, 4, 8]);
  });
});

describe('the store on dynalite', () => {
  let db: LocalDynamoDb;
  let n = 0;
  beforeAll(async () => {
    db = await startLocalDynamoDb({ tableName: 'unused', key: STORE_KEY });
  });
  afterAll(async () => db.close());

  async function run(
    now: { t: number },
    config: Partial<Parameters<typeof deliveryConfig>[0]> = {}
  ): Promise<Run> {
    n += 1;
    const tableName = `decisions-${n}`;
    await createLocalTable(db.client, tableName, STORE_KEY);
    return {
      config: deliveryConfig({
        tableName,
        transport: 'channel',
        queueArn: 'q',
        scheduleGroup: 'g',
        schedulerRoleArn: 'r',
        ...config,
      }),
      store: new DeliveryStore(storeClient(db.client), tableName),
      now: () => now.t,
      random: () => 0.5,
      record: { messageId: 'm-1', body: '{}' },
      body: '{}',
      startedAt: now.t,
    };
  }

  it('pacing: a burst of PACE_BURST at once, then one a second, never two in one slot', async () => {
    const now = { t: Date.UTC(2026, 11, 7) };
    const r = await run(now);
    const waits: number[] = [];
    for (let i = 0; i < PACE_BURST + 3; i += 1) waits.push(await pacePost(r, 'C0TEST'));
    expect(waits).toEqual([0, 0, 0, 1, 2, 3].slice(0, PACE_BURST + 3));
    expect(PACE_INTERVAL_MS).toBe(1000);
    // Concurrent takers: distinct slots.
    const r2 = await run(now);
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => pacePost(r2, 'C0TEST')));
    expect([...concurrent].sort()).toEqual([0, 0, 0, 1, 2, 3]);
  });

  it('a claim holds once; a sent id cannot be claimed again', async () => {
    const now = { t: Date.UTC(2026, 11, 7) };
    const r = await run(now);
    const key = { pk: 'C0TEST', sk: 'exec' };
    expect(await r.store.claim(key, 'id-1', 1, 2)).toBe(true);
    await r.store.record(key, {
      channelId: 'C0TEST',
      ts: '1.1',
      status: 'FAILED',
      orderKey: 'k',
      payload: '',
      id: 'id-1',
      expiresAt: 9,
    });
    expect(await r.store.claim(key, 'id-1', 1, 2)).toBe(false);
    expect((await r.store.load(key)).sent).toEqual(['id-1']);
    expect((await r.store.load(key)).pending).toBe('');
  });

  it('storms: the threshold+1-th new execution in the window is digested; a line is listed once; one flush asked for', async () => {
    const now = { t: Date.UTC(2026, 11, 7) };
    const r = await run(now, { stormThreshold: 2 });
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:etl';
    expect(await stormDigestKey(r, 'C0TEST', machine)).toBeUndefined();
    expect(await stormDigestKey(r, 'C0TEST', machine)).toBeUndefined();
    const sk = (await stormDigestKey(r, 'C0TEST', machine)) as string;
    expect(sk).toBe(`storm#${machine}#${Math.floor(now.t / 1000)}`);
    const key = { pk: 'C0TEST', sk };
    const entry = { line: '• a', machine, status: 'FAILED', id: 'x' };
    expect(await appendToDigest(r, key, entry)).toBe(true);
    expect(await appendToDigest(r, key, { ...entry, id: 'y', line: '• b' })).toBe(false);
    expect(await appendToDigest(r, key, entry)).toBe(false);
    const item = await r.store.get(key);
    expect(item?.entries).toEqual(['• a', '• b']);
    expect(item?.n_FAILED).toBe(2);
    // Past the window, a quiet machine starts over.
    now.t += 10 * 60_000;
    expect(await stormDigestKey(r, 'C0TEST', machine)).toBeUndefined();
  });
});
