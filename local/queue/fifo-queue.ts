/**
 * An in-memory SQS FIFO queue with the behaviour the notifier relies on:
 * - message groups: messages of one group are received in order, and while one of them is in flight the rest
 *   of the group waits;
 * - deduplication: a second send with the same `MessageDeduplicationId` within 5 minutes is accepted but not
 *   enqueued (answered with the first message's ids), even after the first was deleted;
 * - visibility timeout and `ApproximateReceiveCount`; a message received `maxReceiveCount` times moves to the
 *   dead-letter queue at its next receive, as SQS does;
 * - moving messages from the DLQ back to their source queue (`StartMessageMoveTask`);
 * - retention: a message older than `retentionSeconds` (counted from its send, or from its move into a dead-letter
 *   queue, as a FIFO dead-letter queue counts) vanishes;
 * - each message's time in the queue (`lifetimes`), from which a local run tells when the queue's CloudWatch alarms
 *   would fire (local/alarms.ts).
 *
 * Time comes from the given clock (epoch ms) so the virtual clock drives windows and timeouts in tests.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface QueueClock {
  now(): number;
}

export interface RedrivePolicy {
  readonly deadLetterQueue: FifoQueue;
  readonly maxReceiveCount: number;
}

export interface FifoQueueOptions {
  /** Must end in `.fifo`. */
  readonly name: string;
  /** @default the system clock */
  readonly clock?: QueueClock;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  readonly redrivePolicy?: RedrivePolicy;
  /** @default false */
  readonly contentBasedDeduplication?: boolean;
  /**
   * `messageGroup`: a deduplication id counts within its message group only (what the deployed queue sets, so
   * one execution's status goes once to each destination). @default 'queue'
   */
  readonly deduplicationScope?: 'queue' | 'messageGroup';
  /** SQS MessageRetentionPeriod. @default 345600 (4 days, SQS's default) */
  readonly retentionSeconds?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

export interface SendMessageInput {
  readonly MessageBody: string;
  readonly MessageGroupId: string;
  readonly MessageDeduplicationId?: string;
  /** String attributes (the delivery attaches a dead letter's reason); kept when the message moves. */
  readonly MessageAttributes?: Readonly<Record<string, MessageAttribute>>;
}

/** A string message attribute, as SQS takes and returns it. */
export interface MessageAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export interface SendMessageOutput {
  readonly MessageId: string;
  readonly SequenceNumber: string;
  readonly MD5OfMessageBody: string;
}

/** A received message, shaped like the SQS ReceiveMessage API (attributes all requested). */
export interface ReceivedQueueMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly Body: string;
  readonly MD5OfBody: string;
  readonly Attributes: Readonly<Record<string, string>>;
  readonly MessageAttributes?: Readonly<Record<string, MessageAttribute>>;
}

/** Thrown like the SQS API errors (`name` is the SQS error code). */
export class QueueError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = code;
  }
}

interface StoredMessage {
  messageId: string;
  body: string;
  attributes?: Readonly<Record<string, MessageAttribute>>;
  md5: string;
  groupId: string;
  deduplicationId: string;
  sequenceNumber: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** In flight until this time (epoch ms). */
  invisibleUntil?: number;
  receiptHandle?: string;
  /** The queue it was first sent to, once it is in a DLQ. */
  sourceQueue?: FifoQueue;
  /** Its entry in `lifetimes`. */
  life: MessageLifetime;
}

/** When a message entered the queue and when it left it (deleted, moved, expired); epoch ms. */
export interface MessageLifetime {
  readonly sentAt: number;
  goneAt?: number;
}

const dedupWindowMs = 5 * 60 * 1000;
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

let sequence = 10_000_000_000_000_000n;

export class FifoQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  private readonly clock: QueueClock;
  private readonly visibilityMs: number;
  private readonly redrive?: RedrivePolicy;
  private readonly contentDedup: boolean;
  private readonly dedupPerGroup: boolean;
  private readonly messages: StoredMessage[] = [];
  private readonly dedup = new Map<string, { expires: number; out: SendMessageOutput }>();
  private readonly retentionMs: number;
  private readonly lives: MessageLifetime[] = [];

  constructor(options: FifoQueueOptions) {
    if (!options.name.endsWith('.fifo'))
      throw new QueueError('InvalidParameterValue', 'FIFO queue names end in .fifo');
    const region = options.region ?? 'us-east-1';
    const account = options.accountId ?? '000000000000';
    this.name = options.name;
    this.arn = `arn:aws:sqs:${region}:${account}:${options.name}`;
    this.url = `https://sqs.${region}.amazonaws.com/${account}/${options.name}`;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.redrive = options.redrivePolicy;
    this.contentDedup = options.contentBasedDeduplication ?? false;
    this.dedupPerGroup = options.deduplicationScope === 'messageGroup';
    this.retentionMs = (options.retentionSeconds ?? 4 * 86_400) * 1000;
  }

  /** Every message the queue took, in order: when it came and, once it left, when. */
  lifetimes(): readonly Readonly<MessageLifetime>[] {
    this.expireRetention(this.clock.now());
    return this.lives;
  }

  /** Removes a message from the queue, noting when it left. */
  private remove(m: StoredMessage): void {
    this.messages.splice(this.messages.indexOf(m), 1);
    m.life.goneAt = this.clock.now();
  }

  /** Messages past the retention period vanish (SQS deletes them, in flight or not). */
  private expireRetention(now: number): void {
    for (const m of [...this.messages]) {
      if (m.sentTimestamp + this.retentionMs <= now) {
        this.messages.splice(this.messages.indexOf(m), 1);
        m.life.goneAt = m.sentTimestamp + this.retentionMs;
      }
    }
  }

  /** SendMessage. A duplicate within the 5-minute window is accepted and answered with the first send's ids. */
  sendMessage(input: SendMessageInput): SendMessageOutput {
    return this.enqueue(input);
  }

  private enqueue(input: SendMessageInput, sourceQueue?: FifoQueue): SendMessageOutput {
    if (!input.MessageGroupId) {
      throw new QueueError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
    }
    const dedupId =
      input.MessageDeduplicationId ??
      (this.contentDedup ? createHash('sha256').update(input.MessageBody, 'utf8').digest('hex') : undefined);
    if (dedupId === undefined) {
      throw new QueueError(
        'InvalidParameterValue',
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly'
      );
    }
    const now = this.clock.now();
    const dedupKey = this.dedupPerGroup ? `${input.MessageGroupId}\u0000${dedupId}` : dedupId;
    const seen = this.dedup.get(dedupKey);
    if (seen && seen.expires > now) return seen.out;

    sequence += 1n;
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.MessageBody,
      ...(input.MessageAttributes ? { attributes: input.MessageAttributes } : {}),
      md5: md5(input.MessageBody),
      groupId: input.MessageGroupId,
      deduplicationId: dedupId,
      sequenceNumber: sequence.toString().padStart(20, '0'),
      sentTimestamp: now,
      receiveCount: 0,
      ...(sourceQueue ? { sourceQueue } : {}),
      life: { sentAt: now },
    };
    this.messages.push(message);
    this.lives.push(message.life);
    const out = {
      MessageId: message.messageId,
      SequenceNumber: message.sequenceNumber,
      MD5OfMessageBody: message.md5,
    };
    this.dedup.set(dedupKey, { expires: now + dedupWindowMs, out });
    return out;
  }

  /** Returns messages whose visibility timeout ran out to the visible set. */
  private expireInFlight(now: number): void {
    for (const m of this.messages) {
      if (m.invisibleUntil !== undefined && m.invisibleUntil <= now) {
        m.invisibleUntil = undefined;
        m.receiptHandle = undefined;
      }
    }
  }

  /**
   * ReceiveMessage. Takes messages in order from groups with nothing in flight; several messages of one group
   * may come in one batch, in order.
   * @param maxNumberOfMessages @default 1
   * @param visibilityTimeoutSeconds @default the queue's
   */
  receiveMessage(maxNumberOfMessages = 1, visibilityTimeoutSeconds?: number): ReceivedQueueMessage[] {
    const now = this.clock.now();
    this.expireRetention(now);
    this.expireInFlight(now);
    const busyGroups = new Set(
      this.messages.filter((m) => m.invisibleUntil !== undefined).map((m) => m.groupId)
    );
    const blocked = new Set<string>();
    const out: ReceivedQueueMessage[] = [];
    for (const m of [...this.messages]) {
      if (out.length >= maxNumberOfMessages) break;
      if (m.invisibleUntil !== undefined || busyGroups.has(m.groupId) || blocked.has(m.groupId)) continue;
      if (this.redrive && m.receiveCount >= this.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(m);
        continue;
      }
      if (out.length > 0 && out.some((o) => o.Attributes.MessageGroupId !== m.groupId)) {
        // Keep a batch to one group so a later group cannot overtake part of an earlier one.
        blocked.add(m.groupId);
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveTimestamp ??= now;
      m.invisibleUntil =
        now + (visibilityTimeoutSeconds !== undefined ? visibilityTimeoutSeconds * 1000 : this.visibilityMs);
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
      out.push(this.view(m));
    }
    return out;
  }

  private view(m: StoredMessage): ReceivedQueueMessage {
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentTimestamp),
      SenderId: 'AIDALOCALSENDER',
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
      SequenceNumber: m.sequenceNumber,
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.deduplicationId,
    };
    if (m.sourceQueue) attributes.DeadLetterQueueSourceArn = m.sourceQueue.arn;
    return {
      MessageId: m.messageId,
      ReceiptHandle: m.receiptHandle ?? '',
      Body: m.body,
      MD5OfBody: m.md5,
      Attributes: attributes,
      ...(m.attributes ? { MessageAttributes: m.attributes } : {}),
    };
  }

  private moveToDeadLetterQueue(m: StoredMessage): void {
    const dlq = this.redrive?.deadLetterQueue;
    if (!dlq) return;
    this.remove(m);
    // A FIFO DLQ gets the message with its deduplication ID replaced by the original message ID.
    dlq.enqueue(
      {
        MessageBody: m.body,
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.messageId,
        ...(m.attributes ? { MessageAttributes: m.attributes } : {}),
      },
      this
    );
  }

  private findByHandle(receiptHandle: string): StoredMessage {
    this.expireRetention(this.clock.now());
    this.expireInFlight(this.clock.now());
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m)
      throw new QueueError('ReceiptHandleIsInvalid', 'The receipt handle is not valid (expired or deleted).');
    return m;
  }

  /** DeleteMessage; the handle must be from the message's current receive. */
  deleteMessage(receiptHandle: string): void {
    const m = this.findByHandle(receiptHandle);
    this.remove(m);
  }

  /** ChangeMessageVisibility (0 makes it visible at once). */
  changeMessageVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const m = this.findByHandle(receiptHandle);
    if (visibilityTimeoutSeconds === 0) {
      m.invisibleUntil = undefined;
      m.receiptHandle = undefined;
    } else m.invisibleUntil = this.clock.now() + visibilityTimeoutSeconds * 1000;
  }

  /**
   * StartMessageMoveTask on this queue as the DLQ: moves every message back to the queue it came from (or to
   * `destination`), in order. Moved messages start again with a receive count of 0.
   * @returns how many messages moved
   */
  startMessageMoveTask(destination?: FifoQueue): number {
    this.expireRetention(this.clock.now());
    const moving = this.messages.filter(
      (m) => m.invisibleUntil === undefined || m.invisibleUntil <= this.clock.now()
    );
    const withoutSource = moving.find((m) => !m.sourceQueue && !destination);
    if (withoutSource) {
      throw new QueueError(
        'InvalidParameterValue',
        `${this.name} is not a dead-letter queue of any source queue`
      );
    }
    for (const m of moving) {
      const target = destination ?? m.sourceQueue;
      if (!target) continue;
      this.remove(m);
      target.enqueue({
        MessageBody: m.body,
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.deduplicationId,
        ...(m.attributes ? { MessageAttributes: m.attributes } : {}),
      });
    }
    return moving.length;
  }

  /** When the next in-flight message becomes visible again (epoch ms), if any. */
  nextVisibleAt(): number | undefined {
    this.expireRetention(this.clock.now());
    const times = this.messages.map((m) => m.invisibleUntil).filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Approximate counts, as GetQueueAttributes gives them. */
  counts(): { visible: number; inFlight: number } {
    this.expireRetention(this.clock.now());
    this.expireInFlight(this.clock.now());
    const inFlight = this.messages.filter((m) => m.invisibleUntil !== undefined).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }

  /** The bodies waiting in the queue, oldest first (for tests and the CLI; does not receive them). */
  peekBodies(): string[] {
    this.expireRetention(this.clock.now());
    return this.messages.map((m) => m.body);
  }
}
