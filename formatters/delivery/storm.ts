/**
 * Storms collapse: a state machine's new executions are counted per channel (or per webhook); past the threshold
 * within the window each is listed in the storm's digest item instead of getting a message of its own, and the
 * first listing since the last flush asks for a flush.
 */
import { STORM_DIGEST_MAX_ENTRIES, STORM_SORT_KEY_PREFIX } from '../../contract/message-store.js';
import { QUEUE_DEFAULTS } from '../../contract/queue.js';
import { nowSeconds, type Run } from './run.js';
import { isConditionFailed } from './store.js';

/** The count item lives a day; digests live past the dead-letter queue's 14 days, so a replayed flush finds them. */
const COUNT_RETENTION_SECONDS = 86_400;
export const DIGEST_RETENTION_SECONDS = QUEUE_DEFAULTS.deadLetterRetentionSeconds + 86_400;

/** Counts one more execution of `machine` in `pk`; the storm's digest sort key when it is one. */
export async function stormDigestKey(run: Run, pk: string, machine: string): Promise<string | undefined> {
  const threshold = run.config.stormThreshold;
  const now = nowSeconds(run);
  const key = { pk, sk: `${STORM_SORT_KEY_PREFIX}${machine}` };
  const names = {
    '#lastAt': 'lastAt',
    '#windowStart': 'windowStart',
    '#expiresAt': 'expiresAt',
    '#count': 'count',
  };
  let attributes: Record<string, unknown> | undefined;
  try {
    attributes = await run.store.update(key, {
      UpdateExpression:
        'SET #lastAt = :now, #windowStart = if_not_exists(#windowStart, :now), #expiresAt = :expires ADD #count :one',
      ConditionExpression:
        'attribute_not_exists(#windowStart) OR #windowStart >= :cutoff OR (#count > :threshold AND #lastAt >= :cutoff)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':now': now,
        ':cutoff': now - run.config.stormWindowSeconds,
        ':threshold': threshold,
        ':one': 1,
        ':expires': now + COUNT_RETENTION_SECONDS,
      },
      ReturnValues: 'ALL_NEW',
    });
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    // A quiet state machine: a new window starts with this notification.
    attributes = await run.store.update(key, {
      UpdateExpression: 'SET #lastAt = :now, #windowStart = :now, #count = :one, #expiresAt = :expires',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':now': now, ':one': 1, ':expires': now + COUNT_RETENTION_SECONDS },
      ReturnValues: 'ALL_NEW',
    });
  }
  const count = Number(attributes?.count ?? 0);
  if (count <= threshold) return undefined;
  const since = Number(attributes?.windowStart ?? now);
  const page = Math.max(0, Math.floor((count - threshold - 1) / STORM_DIGEST_MAX_ENTRIES));
  return `${key.sk}#${since}${page > 0 ? `#${page}` : ''}`;
}

/**
 * Lists the execution in the digest (once: its id joins `ids`) and counts its status. Returns whether a flush
 * must be asked for: the first listing since the last flush (a retried one finds its line there and still asks
 * when no flush is coming).
 */
export async function appendToDigest(
  run: Run,
  key: { pk: string; sk: string },
  entry: { line: string; machine: string; status: string; id: string }
): Promise<boolean> {
  const now = nowSeconds(run);
  const since = Number(key.sk.split('#')[2] ?? now);
  try {
    const old = await run.store.update(key, {
      UpdateExpression:
        'SET #entries = list_append(if_not_exists(#entries, :none), :entry), #flushQueued = :yes, #machine = :machine, #since = :since, #expiresAt = :expires ADD #ids :ids, #status :one, #total :one',
      ConditionExpression: 'NOT contains(#ids, :id)',
      ExpressionAttributeNames: {
        '#entries': 'entries',
        '#flushQueued': 'flushQueued',
        '#machine': 'machine',
        '#since': 'since',
        '#expiresAt': 'expiresAt',
        '#ids': 'ids',
        '#status': `n_${entry.status}`,
        '#total': 'total',
      },
      ExpressionAttributeValues: {
        ':none': [],
        ':entry': [entry.line],
        ':yes': true,
        ':machine': entry.machine,
        ':since': since,
        ':expires': now + DIGEST_RETENTION_SECONDS,
        ':ids': new Set([entry.id]),
        ':id': entry.id,
        ':one': 1,
      },
      ReturnValues: 'UPDATED_OLD',
    });
    return old?.flushQueued !== true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const old = await run.store.update(key, {
    UpdateExpression: 'SET #flushQueued = :yes',
    ExpressionAttributeNames: { '#flushQueued': 'flushQueued' },
    ExpressionAttributeValues: { ':yes': true },
    ReturnValues: 'UPDATED_OLD',
  });
  return old?.flushQueued !== true;
}

/** A flush that cannot be asked for clears the mark, so the retry asks again. */
export async function unqueueFlush(run: Run, key: { pk: string; sk: string }): Promise<void> {
  await run.store.update(key, {
    UpdateExpression: 'SET #flushQueued = :no',
    ExpressionAttributeNames: { '#flushQueued': 'flushQueued' },
    ExpressionAttributeValues: { ':no': false },
  });
}

/** Clears the mark (a listing from now on asks for the next flush) and reads the digest; undefined when gone. */
export async function takeFlush(
  run: Run,
  key: { pk: string; sk: string },
  flushAt: number
): Promise<Record<string, unknown> | undefined> {
  try {
    return await run.store.update(key, {
      UpdateExpression: 'SET #flushQueued = :no, #lastFlushAt = :at',
      ConditionExpression: 'attribute_exists(#total)',
      ExpressionAttributeNames: {
        '#flushQueued': 'flushQueued',
        '#lastFlushAt': 'lastFlushAt',
        '#total': 'total',
      },
      ExpressionAttributeValues: { ':no': false, ':at': flushAt },
      ReturnValues: 'ALL_NEW',
    });
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** `posted` lines are in the thread (or in digest posts): set, not added, so a retried record step is harmless. */
export async function markListed(run: Run, key: { pk: string; sk: string }, posted: number): Promise<void> {
  await run.store.update(key, {
    UpdateExpression: 'SET #posted = :n',
    ExpressionAttributeNames: { '#posted': 'posted' },
    ExpressionAttributeValues: { ':n': posted },
  });
}
