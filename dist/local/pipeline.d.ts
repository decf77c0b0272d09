import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../formatters/contract.js';
import { type Clock, type ExecutionResult } from './asl/index.js';
import { type DrainStats, LocalPipe, type SqsRecord } from './pipe.js';
import { FifoQueue } from './queue/index.js';
import { type SlackServer } from './slack-server/index.js';
import { type HistorySource } from './stand-ins/history.js';
export declare const resources: {
    readonly history: "arn:aws:states:::aws-sdk:sfn:getExecutionHistory";
    readonly lambda: "arn:aws:states:::lambda:invoke";
    readonly sqs: "arn:aws:states:::sqs:sendMessage";
    readonly http: "arn:aws:states:::http:invoke";
    readonly ssm: "arn:aws:states:::aws-sdk:ssm:getParameter";
};
/** Where delivered messages go. */
export type SlackTarget = 
/** The local Slack-compatible server (started by the pipeline unless one is given). */
{
    readonly kind: 'local';
    readonly server?: SlackServer;
    readonly webhook?: boolean;
}
/** Real Slack, chat.postMessage with a bot token (a secret: never logged). */
 | {
    readonly kind: 'bot';
    readonly token: string;
    readonly channel: string;
}
/** Real Slack, an incoming webhook (its URL is a secret: never logged). */
 | {
    readonly kind: 'webhook';
    readonly url: string;
};
export type Formatter = (input: FormatterInput) => Promise<FormatterOutput>;
export interface PipelineOptions {
    /** Answers GetExecutionHistory for the notifier. */
    readonly history: HistorySource;
    /** The formatter Lambda's handler, run in process. */
    readonly formatter: Formatter;
    /** @default { kind: 'local' } */
    readonly slack?: SlackTarget;
    /** @default 'local' */
    readonly environment?: string;
    /** @default 'detailed' */
    readonly template?: string;
    /** @default '' (no mention) */
    readonly mentionOnFailure?: string;
    /** Channel for the local server and the notifier's settings. @default '#alerts' (or the bot target's channel) */
    readonly channel?: string;
    /** @default a VirtualClock; use a RealClock against real Slack */
    readonly clock?: Clock;
    /** @default Math.random */
    readonly random?: () => number;
    /** @default 5 (as deployed) */
    readonly maxReceiveCount?: number;
    /** @default 360 (as deployed) */
    readonly visibilityTimeoutSeconds?: number;
    /**
     * Where real Slack's origins (`https://slack.com`, `https://hooks.slack.com`) go for a `bot` or `webhook`
     * target: tests point them at a local server that plays real Slack. @default - the real origins
     */
    readonly slackEndpoints?: Readonly<Record<string, string>>;
    /**
     * Stop delivering at the first failed delivery execution instead of waiting out the visibility timeout
     * (an interactive one-shot run reports it at once; the message stays in flight in the queue).
     * @default false
     */
    readonly stopAtFirstFailure?: boolean;
    /** Per HTTP request. @default 60000 (the HTTP Task's limit) */
    readonly httpTimeoutMs?: number;
    /** Progress and outcome lines; never secrets. */
    readonly log?: (line: string) => void;
    /**
     * Where the formatter's own history reads (`readHistory`, after a page over 256 KiB) go: `'local'` serves
     * `history` on a local SFN endpoint; `'aws'` leaves the SDK to the environment (for a live execution).
     * @default 'local'
     */
    readonly sdkHistory?: 'local' | 'aws';
}
export interface NotifyResult {
    readonly execution: ExecutionResult;
}
/** A setting no substitution can carry safely (`${`, or a whole `{% … %}` the machine would evaluate). */
export declare class InvalidSettingError extends Error {
    readonly name = "InvalidSettingError";
}
export declare class LocalPipeline {
    private readonly options;
    /** The local Slack server, when delivering locally. */
    readonly slack: SlackServer | undefined;
    private readonly ownsServer;
    private readonly releaseSdkHistory;
    readonly queue: FifoQueue;
    readonly deadLetterQueue: FifoQueue;
    readonly clock: Clock;
    readonly pipe: LocalPipe;
    /** Results of every delivery execution, oldest first. */
    readonly deliveries: {
        records: SqsRecord[];
        result: ExecutionResult;
    }[];
    private readonly notifierDefinition;
    private readonly deliverDefinition;
    private readonly notifierResources;
    private readonly deliverResources;
    private constructor();
    /** Builds the pipeline; starts a local Slack server first unless one is given or Slack is real. */
    static create(options: PipelineOptions): Promise<LocalPipeline>;
    /** Runs the notifier state machine for one EventBridge event (what the rule's target does). */
    notify(event: StatusChangeEvent): Promise<ExecutionResult>;
    private runDelivery;
    /** A progress line for each retry inside an execution: what failed, which retry, when the next attempt is. */
    private retryProgress;
    /**
     * Lets the Pipe deliver everything in the queue (retrying failures until they succeed or reach the DLQ; with
     * `stopAtFirstFailure`, only until the first failed delivery).
     */
    deliver(): Promise<DrainStats>;
    /** notify + deliver. */
    run(event: StatusChangeEvent): Promise<{
        notifier: ExecutionResult;
        delivery: DrainStats;
    }>;
    /** Moves the DLQ's messages back to the queue (StartMessageMoveTask) and delivers them. */
    redriveDeadLetters(): Promise<{
        moved: number;
        delivery: DrainStats;
    }>;
    close(): Promise<void>;
}
