export { FifoQueue, QueueError } from './fifo-queue.js';
