import { type FifoQueue } from '../queue/index.js';
/**
 * The `sqs:sendMessage` stand-in: sends to the local FIFO queue whose URL is `QueueUrl`. Answers
 * `{ MessageId, SequenceNumber, MD5OfMessageBody }`; SQS errors fail the task as `SQS.<code>`.
 */
export declare function sqsSendMessageHandler(queues: readonly FifoQueue[]): (task: {
    arguments: unknown;
}) => Promise<unknown>;
