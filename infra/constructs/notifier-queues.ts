/**
 * The notifier's queues: the FIFO delivery queue with its FIFO dead-letter queue, and the queue EventBridge puts the
 * events it could not hand to the notifier in. SQS-managed encryption and TLS only on all three.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { QUEUE_DEFAULTS } from '../../contract/queue.js';

export interface NotifierQueues {
  /** The delivery queue: one message group per destination, drained by the Pipe. */
  readonly queue: sqs.Queue;
  /** Where a message goes after `maxReceiveCount` deliveries (replayed from there). */
  readonly deadLetterQueue: sqs.Queue;
  /** Events the rule could not hand to the notifier. */
  readonly eventDeadLetterQueue: sqs.Queue;
}

export function notifierQueues(
  scope: Construct,
  options: {
    /** @default QUEUE_DEFAULTS.maxReceiveCount (contract/queue.ts) */
    readonly maxReceiveCount?: number;
  } = {}
): NotifierQueues {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    fifo: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.deadLetterRetentionSeconds),
  });
  const queue = new sqs.Queue(scope, 'Queue', {
    fifo: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.retentionSeconds),
    // Above the delivery machine's 240 s timeout, so a message is never handed out twice at once.
    visibilityTimeout: Duration.seconds(QUEUE_DEFAULTS.visibilityTimeoutSeconds),
    // Deduplication per destination: one execution's status goes once to each channel it is routed to.
    deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
    // EventBridge Scheduler sends runningLongerThan checks without a deduplication id; the notifier still sets
    // its own, which takes precedence.
    contentBasedDeduplication: true,
    deadLetterQueue: {
      queue: deadLetterQueue,
      maxReceiveCount: options.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
    },
  });
  const eventDeadLetterQueue = new sqs.Queue(scope, 'EventDeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.deadLetterRetentionSeconds),
  });
  return { queue, deadLetterQueue, eventDeadLetterQueue };
}

/**
 * Least exposure: only `senders` (role ARNs) may send to `queue`, whatever their own policies allow. The notifier,
 * the replay role (`sfn-slack replay` moves messages with the caller's permissions), the delivery machine (storm
 * digest flushes) and the message store's scheduler role (runningLongerThan checks).
 */
export function onlySendersMaySend(queue: sqs.Queue, senders: readonly string[]): void {
  queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'OnlyTheNotifierAndReplaySend',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...senders] } },
    })
  );
}
