/**
 * The message store as the delivery uses it (DynamoDB through the document client; keys and item kinds in
 * contract/message-store.ts). Every write is a single conditional or atomic update, so concurrent deliveries and
 * retried invocations never double a claim, a pacing slot or a digest line.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { STORE_KEY } from '../../contract/message-store.js';

/** A store call refused by its condition. */
export const isConditionFailed = (error: unknown): boolean =>
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

/** What an execution's item in a channel holds (absent fields as empty values). */
export interface StoredItem {
  readonly channelId: string;
  readonly ts: string;
  readonly status: string;
  readonly orderKey: string;
  readonly pending: string;
  readonly pendingSince: number;
  readonly payload: string;
  readonly sent: readonly string[];
}

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
const set = (v: unknown): string[] =>
  v instanceof Set ? [...v].map(String) : Array.isArray(v) ? v.map(String) : [];

export function toStoredItem(item: Record<string, unknown> | undefined): StoredItem {
  return {
    channelId: str(item?.channelId),
    ts: str(item?.ts),
    status: str(item?.status),
    orderKey: str(item?.orderKey),
    pending: str(item?.pending),
    pendingSince: num(item?.pendingSince),
    payload: str(item?.payload),
    sent: set(item?.sent),
  };
}

export class DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string
  ) {}

  private key(key: ItemKey): Record<string, string> {
    return { [STORE_KEY.partition]: key.pk, [STORE_KEY.sort]: key.sk };
  }

  async get(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true })
    );
    return out.Item;
  }

  async update(
    key: ItemKey,
    input: Omit<UpdateCommandInput, 'TableName' | 'Key'>
  ): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: this.key(key), ...input })
    );
    return out.Attributes;
  }

  /** The execution's item, read consistently. */
  async load(key: ItemKey): Promise<StoredItem> {
    return toStoredItem(await this.get(key));
  }

  /** Marks `id` as being sent unless it was sent meanwhile; false when it was. */
  async claim(key: ItemKey, id: string, nowSeconds: number, expiresAt: number): Promise<boolean> {
    try {
      await this.update(key, {
        UpdateExpression:
          'SET #pending = :id, #pendingSince = :now, #expiresAt = if_not_exists(#expiresAt, :expires)',
        ConditionExpression: 'NOT contains(#sent, :id)',
        ExpressionAttributeNames: {
          '#pending': 'pending',
          '#pendingSince': 'pendingSince',
          '#expiresAt': 'expiresAt',
          '#sent': 'sent',
        },
        ExpressionAttributeValues: { ':id': id, ':now': nowSeconds, ':expires': expiresAt },
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Webhook mode: the id joins `sent` before the post (taken back on failure); false when it was there. */
  async claimSent(key: ItemKey, id: string, expiresAt: number): Promise<boolean> {
    try {
      await this.update(key, {
        UpdateExpression: 'ADD #sent :ids SET #expiresAt = :expires',
        ConditionExpression: 'NOT contains(#sent, :id)',
        ExpressionAttributeNames: { '#sent': 'sent', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':ids': new Set([id]), ':id': id, ':expires': expiresAt },
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Webhook mode: takes a claimed id back, so the retry posts. */
  async release(key: ItemKey, id: string): Promise<void> {
    await this.update(key, {
      UpdateExpression: 'DELETE #sent :ids',
      ExpressionAttributeNames: { '#sent': 'sent' },
      ExpressionAttributeValues: { ':ids': new Set([id]) },
    });
  }

  /** What the channel now shows, and this id as sent; the claim is removed. */
  async record(
    key: ItemKey,
    outcome: {
      readonly channelId: string;
      readonly ts: string;
      readonly status: string;
      readonly orderKey: string;
      readonly payload: string;
      readonly id: string;
      readonly expiresAt: number;
    }
  ): Promise<void> {
    await this.update(key, {
      UpdateExpression:
        'SET #channelId = :channelId, #ts = :ts, #status = :status, #orderKey = :orderKey, #payload = :payload, #expiresAt = :expires REMOVE #pending, #pendingSince ADD #sent :ids',
      ExpressionAttributeNames: {
        '#channelId': 'channelId',
        '#ts': 'ts',
        '#status': 'status',
        '#orderKey': 'orderKey',
        '#payload': 'payload',
        '#expiresAt': 'expiresAt',
        '#pending': 'pending',
        '#pendingSince': 'pendingSince',
        '#sent': 'sent',
      },
      ExpressionAttributeValues: {
        ':channelId': outcome.channelId,
        ':ts': outcome.ts,
        ':status': outcome.status,
        ':orderKey': outcome.orderKey,
        ':payload': outcome.payload,
        ':expires': outcome.expiresAt,
        ':ids': new Set([outcome.id]),
      },
    });
  }

  /**
   * A slot of a token bucket kept as GCRA (`next` = when the bucket is full again): a quiet bucket gives now,
   * a busy one moves on one interval atomically (concurrent takers never share a slot) and gives `next − burst
   * intervals`. Returns the slot, epoch ms.
   */
  async paceSlot(key: ItemKey, nowMs: number, intervalMs: number, burst: number): Promise<number> {
    const expires = Math.floor(nowMs / 1000) + 86_400;
    try {
      await this.update(key, {
        UpdateExpression: 'SET #next = :next, #expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#next) OR #next <= :now',
        ExpressionAttributeNames: { '#next': 'next', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':now': nowMs, ':expires': expires },
      });
      return nowMs;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    const attributes = await this.update(key, {
      UpdateExpression: 'ADD #next :interval SET #expiresAt = :expires',
      ExpressionAttributeNames: { '#next': 'next', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':interval': intervalMs, ':expires': expires },
      ReturnValues: 'UPDATED_NEW',
    });
    return Math.max(nowMs, num(attributes?.next) - intervalMs * burst);
  }
}
