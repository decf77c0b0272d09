import { type Command } from 'commander';
import type { SlackMessage } from '../../formatters/contract.js';
import { type Clock, type ExecutionResult } from '../../local/asl/index.js';
import { type AwsOptions } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import { type OutputFormat } from '../convention.js';
/** The bundled example: a nightly ETL run that failed in an ECS task. */
export declare const bundledExample: {
    readonly history: string;
    readonly event: string;
};
export interface StartOptions extends AwsOptions {
    /** GetExecutionHistory output. @default the bundled example */
    readonly history?: string;
    /** EventBridge status-change event. @default the bundled example's, or one built from the history */
    readonly event?: string;
    /** Read this execution's history from AWS (credentials from the environment). */
    readonly executionArn?: string;
    /** Post to real Slack (SLACK_BOT_TOKEN + SLACK_CHANNEL, or SLACK_WEBHOOK_URL). @default false */
    readonly slack?: boolean;
    /** @default 'detailed' */
    readonly template?: string;
    /** Environment name shown in the message (`-e/--env`, default SFN_SLACK_ENV). @default 'local' */
    readonly env?: string;
    /** Old name of `env`. */
    readonly environment?: string;
    /** Where to write the HTML preview; `-` writes it to standard output. @default '.sfn-slack/preview.html' */
    readonly out?: string;
    /** `json`: one document {message, deliveredTo, fallback, htmlPath} instead of the text. @default 'text' */
    readonly output?: OutputFormat;
    /** Show every log line at once. @default false */
    readonly verbose?: boolean;
    /** Keep the local Slack server running (its page shows what it received) until interrupted. @default false */
    readonly serve?: boolean;
}
/** Where the command writes; tests pass their own. */
export interface StartIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** @default false */
    readonly ansi?: boolean;
    /** Where `-` inputs are read from. @default process.stdin */
    readonly stdin?: NodeJS.ReadableStream;
    /** Progress lines appear only after this long (the run is usually instant). @default 800 */
    readonly progressAfterMs?: number;
    /** With `serve`: resolves when the user wants to stop (Ctrl-C). @default - returns at once */
    readonly untilStopped?: () => Promise<void>;
    /**
     * With `slack`: where real Slack's origins (`https://slack.com`, `https://hooks.slack.com`) go instead; tests
     * point them at the local server playing real Slack. @default - real Slack
     */
    readonly slackOrigin?: string;
    /** With `slack`: the run's clock. @default a RealClock */
    readonly clock?: Clock;
    /** With `slack`: for the retriers' FULL jitter. @default Math.random */
    readonly random?: () => number;
    /** With `slack`: the local queue's visibility timeout. @default 360 (as deployed) */
    readonly visibilityTimeoutSeconds?: number;
}
export interface StartResult {
    readonly message: SlackMessage;
    /** True when Slack refused the blocks and the plain-text fallback went out. */
    readonly fallback: boolean;
    readonly htmlPath: string;
}
/** One readable phrase for why a delivery execution failed; never a URL (a webhook URL is a secret). */
export declare function deliveryFailure(result: Pick<ExecutionResult, 'error' | 'cause'>): string;
export declare function startCommand(options: StartOptions, io: StartIo): Promise<StartResult>;
export declare function register(program: Command, io?: Io): void;
