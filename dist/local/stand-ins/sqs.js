import { StatesError } from '../asl/index.js';
import { QueueError } from '../queue/index.js';
/**
 * The `sqs:sendMessage` stand-in: sends to the local FIFO queue whose URL is `QueueUrl`. Answers
 * `{ MessageId, SequenceNumber, MD5OfMessageBody }`; SQS errors fail the task as `SQS.<code>`.
 */
export function sqsSendMessageHandler(queues) {
    return async (task) => {
        const args = (task.arguments ?? {});
        const queue = queues.find((q) => q.url === args.QueueUrl);
        if (!queue)
            throw new StatesError('SQS.QueueDoesNotExistException', 'The specified queue does not exist.');
        if (typeof args.MessageBody !== 'string') {
            throw new StatesError('SQS.InvalidParameterValueException', 'MessageBody must be a string');
        }
        try {
            return queue.sendMessage({
                MessageBody: args.MessageBody,
                MessageGroupId: typeof args.MessageGroupId === 'string' ? args.MessageGroupId : '',
                ...(typeof args.MessageDeduplicationId === 'string'
                    ? { MessageDeduplicationId: args.MessageDeduplicationId }
                    : {}),
            });
        }
        catch (error) {
            if (error instanceof QueueError)
                throw new StatesError(`SQS.${error.code}`, error.message);
            throw error;
        }
    };
}
