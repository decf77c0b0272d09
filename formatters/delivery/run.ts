/**
 * One delivery invocation's surroundings (the configuration, the store, the clock) and the decisions every flow
 * shares: pacing, the time budget, the dead letter, failing back to the queue.
 */
import { type DeliveryConfig, PACE_MAX_WAIT_SECONDS, SLACK_BUDGET_SECONDS } from '../../contract/delivery.js';
import { PACE_BURST, PACE_INTERVAL_MS, PACE_SORT_KEY } from '../../contract/message-store.js';
import type { QueueRecord } from './admit.js';
import type { Decision } from './decision.js';
import type { DeliveryStore, ItemKey } from './store.js';

export interface Run {
  readonly config: DeliveryConfig;
  readonly store: DeliveryStore;
  /** Epoch ms (the local pipeline's virtual clock; Date.now deployed). */
  readonly now: () => number;
  readonly random: () => number;
  readonly record: QueueRecord;
  /** The record's body (a replayed dead letter's inner body). */
  readonly body: string;
  /** When the delivery execution started (epoch ms): the Slack time budget counts from here. */
  readonly startedAt: number;
}

export const nowSeconds = (run: Run): number => Math.floor(run.now() / 1000);

/** Seconds to wait until a slot (whole seconds, never early, at most PACE_MAX_WAIT_SECONDS). */
export function secondsUntil(run: Run, slotMs: number): number {
  return Math.min(PACE_MAX_WAIT_SECONDS, Math.max(0, Math.ceil((slotMs - run.now()) / 1000)));
}

/** A post's slot in the channel's (or the webhook's) token bucket: seconds to wait. */
export async function pacePost(run: Run, partition: string, atMs?: number): Promise<number> {
  const slot = await run.store.paceSlot(
    { pk: partition, sk: PACE_SORT_KEY },
    atMs ?? run.now(),
    PACE_INTERVAL_MS,
    PACE_BURST
  );
  return secondsUntil(run, slot);
}

/** An edit's slot in the workspace-wide chat.update bucket. */
export async function paceEdit(run: Run, key: ItemKey, intervalMs: number, burst: number): Promise<number> {
  return secondsUntil(run, await run.store.paceSlot(key, run.now(), intervalMs, burst));
}

/** Past the budget no Slack call starts: the execution fails and the message returns to the queue. */
export function outOfTime(run: Run): boolean {
  return run.now() - run.startedAt > SLACK_BUDGET_SECONDS * 1000;
}

export function failed(error: string, cause: string): Decision {
  return { action: 'Failed', reason: cause, waitSeconds: 0, error, cause };
}

export const OUT_OF_TIME = failed(
  'Delivery.OutOfTime',
  'the delivery used its time budget before this Slack call; the message returns to the queue and the retry looks in Slack before posting again'
);

/** The record to the dead-letter queue now, wrapped with the reason; the execution then succeeds. */
export function deadLetter(run: Run, reason: string, error: string): Decision {
  return {
    action: 'DeadLetter',
    reason,
    waitSeconds: 0,
    message: {
      MessageBody: JSON.stringify({
        deadLetter: { reason, error, at: new Date(run.now()).toISOString() },
        body: run.body,
      }),
      MessageGroupId: run.record.attributes?.MessageGroupId ?? 'dead-letters',
      MessageDeduplicationId: run.record.messageId,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason },
        error: { DataType: 'String', StringValue: error },
      },
    },
    outcome: { outcome: 'dead-lettered', error, reason },
  };
}

export function done(reason: string, outcome: Record<string, unknown>): Decision {
  return { action: 'Done', reason, waitSeconds: 0, outcome };
}
