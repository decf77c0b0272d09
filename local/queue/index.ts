export type {
  FifoQueueOptions,
  MessageLifetime,
  QueueClock,
  ReceivedQueueMessage,
  RedrivePolicy,
  SendMessageInput,
  SendMessageOutput,
} from './fifo-queue.js';
export { FifoQueue, QueueError } from './fifo-queue.js';
