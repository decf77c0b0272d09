import { StatesError } from '../asl/index.js';
import type { MessageAttribute } from '../queue/fifo-queue.js';
import { type FifoQueue, QueueError } from '../queue/index.js';

/** String attributes only, each a `{ DataType: 'String', StringValue }` (what the definitions send). */
function messageAttributes(value: unknown): Record<string, MessageAttribute> | undefined {
  if (value === undefined) return undefined;
  const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
  const valid = entries.every(
    ([, a]) =>
      typeof a === 'object' &&
      a !== null &&
      (a as { DataType?: unknown }).DataType === 'String' &&
      typeof (a as { StringValue?: unknown }).StringValue === 'string'
  );
  if (!valid || entries.length === 0) {
    throw new StatesError(
      'SQS.InvalidParameterValueException',
      'MessageAttributes must map names to { DataType: "String", StringValue }'
    );
  }
  return Object.fromEntries(entries) as Record<string, MessageAttribute>;
}

/**
 * The `sqs:sendMessage` stand-in: sends to the local FIFO queue whose URL is `QueueUrl`. Answers
 * `{ MessageId, SequenceNumber, MD5OfMessageBody }`; SQS errors fail the task as `SQS.<code>`.
 */
export function sqsSendMessageHandler(queues: readonly FifoQueue[]) {
  return async (task: { arguments: unknown }): Promise<unknown> => {
    const args = (task.arguments ?? {}) as Record<string, unknown>;
    const queue = queues.find((q) => q.url === args.QueueUrl);
    if (!queue)
      throw new StatesError('SQS.QueueDoesNotExistException', 'The specified queue does not exist.');
    if (typeof args.MessageBody !== 'string') {
      throw new StatesError('SQS.InvalidParameterValueException', 'MessageBody must be a string');
    }
    const attributes = messageAttributes(args.MessageAttributes);
    try {
      return queue.sendMessage({
        ...(attributes ? { MessageAttributes: attributes } : {}),
        MessageBody: args.MessageBody,
        MessageGroupId: typeof args.MessageGroupId === 'string' ? args.MessageGroupId : '',
        ...(typeof args.MessageDeduplicationId === 'string'
          ? { MessageDeduplicationId: args.MessageDeduplicationId }
          : {}),
      });
    } catch (error) {
      if (error instanceof QueueError) throw new StatesError(`SQS.${error.code}`, error.message);
      throw error;
    }
  };
}

/**
 * The `aws-sdk:sqs:sendMessageBatch` stand-in (the notifier's Enqueue): each entry sent to the local FIFO queue
 * whose URL is `QueueUrl`. Answers as the aws-sdk integration does, members capitalized: `Successful` (Id,
 * MessageId, MD5OfMessageBody, SequenceNumber) and `Failed` (Id, SenderFault, Code, Message) — a refused entry is
 * not an error of the call (HTTP 200). A call SQS refuses whole fails the task as `Sqs.<Exception>` (the aws-sdk
 * integration's naming: contract/aws-errors.ts).
 * @param refuse decides, per entry, a code to refuse it with (tests of partial failure); @default none
 */
export function sqsSendMessageBatchHandler(
  queues: readonly FifoQueue[],
  refuse: (entry: { Id: string; MessageGroupId: string }) => string | undefined = () => undefined
) {
  return async (task: { arguments: unknown }): Promise<unknown> => {
    const args = (task.arguments ?? {}) as { QueueUrl?: unknown; Entries?: unknown };
    const queue = queues.find((q) => q.url === args.QueueUrl);
    if (!queue) {
      throw new StatesError('Sqs.QueueDoesNotExistException', 'The specified queue does not exist.');
    }
    const entries = Array.isArray(args.Entries) ? (args.Entries as Array<Record<string, unknown>>) : [];
    if (entries.length === 0) throw new StatesError('Sqs.EmptyBatchRequestException', 'no entries');
    if (entries.length > 10) {
      throw new StatesError('Sqs.TooManyEntriesInBatchRequestException', `${entries.length} entries`);
    }
    const bytes = entries.reduce((n, e) => n + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
    if (bytes > 256 * 1024) {
      throw new StatesError('Sqs.BatchRequestTooLongException', `the batch is ${bytes} bytes`);
    }
    const successful: unknown[] = [];
    const failed: unknown[] = [];
    for (const entry of entries) {
      const id = String(entry.Id ?? '');
      const group = typeof entry.MessageGroupId === 'string' ? entry.MessageGroupId : '';
      const code = refuse({ Id: id, MessageGroupId: group });
      if (code !== undefined) {
        failed.push({ Id: id, SenderFault: false, Code: code, Message: 'refused' });
        continue;
      }
      try {
        const sent = queue.sendMessage({
          MessageBody: String(entry.MessageBody ?? ''),
          MessageGroupId: group,
          ...(typeof entry.MessageDeduplicationId === 'string'
            ? { MessageDeduplicationId: entry.MessageDeduplicationId }
            : {}),
        });
        successful.push({ Id: id, ...sent });
      } catch (error) {
        if (!(error instanceof QueueError)) throw error;
        failed.push({ Id: id, SenderFault: true, Code: error.code, Message: error.message });
      }
    }
    return { Successful: successful, Failed: failed };
  };
}
