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
export declare function toSqsRecords(messages: readonly ReceivedQueueMessage[], queueArn: string, region: string): SqsRecord[];
export declare class LocalPipe {
    private readonly options;
    private readonly region;
    constructor(options: PipeOptions);
    /**
     * Receives at most one message and delivers it.
     * @param stopping the caller stops at a failure (the log line says so instead of promising a retry)
     */
    pollOnce(stopping?: boolean): Promise<PollOutcome>;
    /**
     * Polls until the queue holds nothing deliverable: when only in-flight messages remain, it waits (on the
     * clock) for the next one to become visible, so failed deliveries are retried and eventually reach the DLQ.
     * @param maxPolls a guard against a target that never settles @default 1000
     */
    drain(maxPolls?: number, options?: DrainOptions): Promise<DrainStats>;
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
export declare function formatSeconds(ms: number): string;
/** `04:58:12 UTC`: when a wait ends, on the run's clock. */
export declare function clockTime(epochMs: number): string;
