/**
 * The local stand-in for the EventBridge Pipe between the FIFO queue and the delivery state machine: it
 * receives one message at a time (batch size 1), hands the target the SQS record array the Pipe would send,
 * waits for the synchronous (REQUEST_RESPONSE) execution, deletes the message on success and otherwise leaves
 * it in the queue to become visible again (and, after `maxReceiveCount` receives, to move to the DLQ).
 */
import type { FifoQueue, ReceivedQueueMessage } from './queue/fifo-queue.js';

/** One record of the JSON array an SQS-source Pipe sends its target. */
export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, unknown>>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** What a synchronous Express execution reports back. */
export interface TargetResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

export interface PipeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface PipeOptions {
  readonly queue: FifoQueue;
  /** Runs the target (the delivery state machine) with the record array as its input. */
  readonly target: (records: SqsRecord[]) => Promise<TargetResult>;
  /** Used to wait for in-flight messages to become visible again when the queue is otherwise empty. */
  readonly clock: PipeClock;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** One line per outcome (no message bodies: they can be large). */
  readonly log?: (line: string) => void;
}

export type PollOutcome = 'empty' | 'delivered' | 'failed';

export interface DrainStats {
  delivered: number;
  failed: number;
}

/** Builds the records exactly as the Pipe hands them to a Step Functions target. */
export function toSqsRecords(
  messages: readonly ReceivedQueueMessage[],
  queueArn: string,
  region: string
): SqsRecord[] {
  return messages.map((m) => ({
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body,
    attributes: { ...m.Attributes },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  }));
}

/** True when the target's output reports this message in `batchItemFailures` (partial batch failure). */
function reportedFailed(output: unknown, messageId: string): boolean {
  if (typeof output !== 'object' || output === null) return false;
  const failures = (output as { batchItemFailures?: unknown }).batchItemFailures;
  return (
    Array.isArray(failures) &&
    failures.some(
      (f) =>
        typeof f === 'object' &&
        f !== null &&
        (f as { itemIdentifier?: unknown }).itemIdentifier === messageId
    )
  );
}

export class LocalPipe {
  private readonly region: string;

  constructor(private readonly options: PipeOptions) {
    this.region = options.region ?? 'us-east-1';
  }

  /**
   * Receives at most one message and delivers it.
   * @param stopping the caller stops at a failure (the log line says so instead of promising a retry)
   */
  async pollOnce(stopping = false): Promise<PollOutcome> {
    const { queue, target, log } = this.options;
    const [message] = queue.receiveMessage(1);
    if (!message) return 'empty';
    const records = toSqsRecords([message], queue.arn, this.region);
    const receiveCount = message.Attributes.ApproximateReceiveCount;
    let result: TargetResult;
    try {
      result = await target(records);
    } catch (error) {
      result = { status: 'FAILED', error: 'Pipe.TargetInvocationFailed', cause: (error as Error).message };
    }
    if (result.status === 'SUCCEEDED' && !reportedFailed(result.output, message.MessageId)) {
      queue.deleteMessage(message.ReceiptHandle);
      log?.(`pipe: message ${message.MessageId} delivered (receive ${receiveCount})`);
      return 'delivered';
    }
    log?.(
      `pipe: message ${message.MessageId} not delivered (receive ${receiveCount}): ${result.status}${
        result.error ? ` ${result.error}` : ''
      }; ${stopping ? 'stopping here (it stays in the queue, in flight)' : 'it returns to the queue when its visibility timeout ends'}`
    );
    return 'failed';
  }

  /**
   * Polls until the queue holds nothing deliverable: when only in-flight messages remain, it waits (on the
   * clock) for the next one to become visible, so failed deliveries are retried and eventually reach the DLQ.
   * @param maxPolls a guard against a target that never settles @default 1000
   */
  async drain(maxPolls = 1000, options: DrainOptions = {}): Promise<DrainStats> {
    const { queue, clock, log } = this.options;
    const stats: DrainStats = { delivered: 0, failed: 0 };
    for (let i = 0; i < maxPolls; i += 1) {
      const outcome = await this.pollOnce(options.stopOnFailure ?? false);
      if (outcome === 'delivered') stats.delivered += 1;
      else if (outcome === 'failed') {
        stats.failed += 1;
        if (options.stopOnFailure) return stats;
      } else {
        const next = queue.nextVisibleAt();
        if (next === undefined) return stats;
        const waitMs = Math.max(0, next - clock.now());
        log?.(
          `pipe: waiting ${formatSeconds(waitMs)} for a message to become visible again (at ${clockTime(next)})`
        );
        await clock.sleep(waitMs);
      }
    }
    throw new Error(`pipe: the queue did not drain within ${maxPolls} polls`);
  }
}

export interface DrainOptions {
  /**
   * Return after the first failed delivery instead of waiting for the message to come back (an interactive
   * one-shot run reports the failure at once). The message stays in flight in the queue.
   * @default false
   */
  readonly stopOnFailure?: boolean;
}

/** `2.5 s`, `6 min` */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

/** `04:58:12 UTC`: when a wait ends, on the run's clock. */
export function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}
