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
