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
    /** @default 'us-east-1' */
    readonly region?: string;
    /** @default '000000000000' */
    readonly accountId?: string;
}
export interface SendMessageInput {
    readonly MessageBody: string;
    readonly MessageGroupId: string;
    readonly MessageDeduplicationId?: string;
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
}
/** Thrown like the SQS API errors (`name` is the SQS error code). */
export declare class QueueError extends Error {
    readonly code: string;
    constructor(code: string, message: string);
}
export declare class FifoQueue {
    readonly name: string;
    readonly arn: string;
    readonly url: string;
    private readonly clock;
    private readonly visibilityMs;
    private readonly redrive?;
    private readonly contentDedup;
    private readonly messages;
    private readonly dedup;
    constructor(options: FifoQueueOptions);
    /** SendMessage. A duplicate within the 5-minute window is accepted and answered with the first send's ids. */
    sendMessage(input: SendMessageInput): SendMessageOutput;
    private enqueue;
    /** Returns messages whose visibility timeout ran out to the visible set. */
    private expireInFlight;
    /**
     * ReceiveMessage. Takes messages in order from groups with nothing in flight; several messages of one group
     * may come in one batch, in order.
     * @param maxNumberOfMessages @default 1
     * @param visibilityTimeoutSeconds @default the queue's
     */
    receiveMessage(maxNumberOfMessages?: number, visibilityTimeoutSeconds?: number): ReceivedQueueMessage[];
    private view;
    private moveToDeadLetterQueue;
    private findByHandle;
    /** DeleteMessage; the handle must be from the message's current receive. */
    deleteMessage(receiptHandle: string): void;
    /** ChangeMessageVisibility (0 makes it visible at once). */
    changeMessageVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void;
    /**
     * StartMessageMoveTask on this queue as the DLQ: moves every message back to the queue it came from (or to
     * `destination`), in order. Moved messages start again with a receive count of 0.
     * @returns how many messages moved
     */
    startMessageMoveTask(destination?: FifoQueue): number;
    /** When the next in-flight message becomes visible again (epoch ms), if any. */
    nextVisibleAt(): number | undefined;
    /** Approximate counts, as GetQueueAttributes gives them. */
    counts(): {
        visible: number;
        inFlight: number;
    };
    /** The bodies waiting in the queue, oldest first (for tests and the CLI; does not receive them). */
    peekBodies(): string[];
}
