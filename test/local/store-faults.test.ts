import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_TTL_ATTRIBUTE } from '../../contract/message-store.js';
import { VirtualClock } from '../../local/asl/index.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';

const TABLE = 'store-faults';
const key = (sk: string) => ({ pk: { S: 'C0FAULT' }, sk: { S: sk } });
const get = (db: LocalDynamoDb, client = db.client) =>
  client.send(new GetItemCommand({ TableName: TABLE, Key: key('a') }));

describe('the local store’s faults', () => {
  let db: LocalDynamoDb;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1));
    db = await startLocalDynamoDb({ tableName: TABLE, key: { partition: 'pk', sort: 'sk' }, clock });
  });
  afterEach(async () => {
    await db.close();
  });

  it('answers as DynamoDB: throttling (400) and an internal error (500), as the SDK’s own exceptions', async () => {
    db.injectFault({ fail: 'throttled', count: 1 });
    await expect(get(db)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    db.injectFault({ fail: 'internal_error', count: 1 });
    await expect(get(db)).rejects.toMatchObject({ name: 'InternalServerError', $fault: 'server' });
    await expect(get(db)).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(db.faultsServed()).toEqual({ throttled: 1, internal_error: 1, slow: 0 });
  });

  it('each attempt meets the fault: a client with 3 attempts gets through a fault of 2 requests, on the clock', async () => {
    const client = db.newClient({ maxAttempts: 3 });
    db.injectFault({ fail: 'throttled', count: 2 });
    const before = clock.now();
    await expect(get(db, client)).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    // The SDK's throttling backoff was slept on the virtual clock.
    expect(clock.now()).toBeGreaterThan(before);
    db.injectFault({ fail: 'internal_error', count: 3 });
    await expect(get(db, client)).rejects.toMatchObject({ $metadata: { attempts: 3 } });
  });

  it('a slow request takes its time on the clock; a client with a request timeout gives up at it (TimeoutError)', async () => {
    db.injectFault({ fail: 'slow', count: 1, seconds: 30 });
    let before = clock.now();
    await expect(get(db)).resolves.toBeDefined();
    expect(clock.now() - before).toBe(30_000);
    const client = db.newClient({ maxAttempts: 1, requestTimeoutMs: 2000 });
    db.injectFault({ fail: 'slow', count: 1, seconds: 30 });
    before = clock.now();
    await expect(get(db, client)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(clock.now() - before).toBe(2000);
  });

  it('an outage lasts until its time; every 200th request only, with `every`', async () => {
    db.injectFault({ fail: 'internal_error', count: 1, untilMs: clock.now() + 60_000 });
    await expect(get(db)).rejects.toThrow();
    await expect(get(db)).rejects.toThrow();
    await clock.sleep(60_000);
    await expect(get(db)).resolves.toBeDefined();
    db.injectFault({ fail: 'throttled', count: 2, every: 3 });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 7; i += 1)
      outcomes.push(
        await get(db).then(
          () => true,
          () => false
        )
      );
    expect(outcomes).toEqual([true, true, false, true, true, false, true]);
  });

  it('TTL: expire deletes the items whose expiresAt has passed, and only those', async () => {
    const now = Date.UTC(2026, 0, 10);
    for (const [sk, expires] of [
      ['past', now / 1000 - 1],
      ['now', now / 1000],
      ['later', now / 1000 + 1],
    ] as const) {
      await db.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...key(sk), [STORE_TTL_ATTRIBUTE]: { N: String(expires) } },
        })
      );
    }
    await db.client.send(new PutItemCommand({ TableName: TABLE, Item: key('forever') }));
    expect(await db.expire(now)).toBe(2);
    expect((await db.items()).map((i) => (i.sk as { S: string }).S).sort()).toEqual(['forever', 'later']);
  });
});
