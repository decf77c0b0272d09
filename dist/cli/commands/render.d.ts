/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import { type Command } from 'commander';
import type { SlackMessage } from '../../formatters/contract.js';
import { type Io } from '../aws/io.js';
export interface RenderOptions {
    /** GetExecutionHistory output: `{events}`/`{Events}`, an array of such pages, or an array of events. */
    readonly history?: string;
    /** An EventBridge status-change event, or its `detail`. @default - none */
    readonly event?: string;
    /** `detailed`, `compact` or a path to a .jsonata file. @default 'detailed' */
    readonly template?: string;
    /** Environment name shown in the message (`--env`, as the operator commands name it). @default - none */
    readonly env?: string;
    /** Old name of `env`, still accepted; `env` wins when both are given. @default - none */
    readonly environment?: string;
    /** Mention added to failure messages. @default - none */
    readonly mention?: string;
}
/**
 * Renders and returns the message JSON (pretty-printed). Blocks dropped to keep the message valid are
 * reported to `warn` (@default ignored).
 */
export declare function renderCommand(options: RenderOptions, warn?: (warning: string) => void): Promise<string>;
/**
 * The message, and the problem of a history it could read no event from (the caller prints the message, then
 * reports the problem with exit 2).
 */
export declare function renderMessage(options: RenderOptions, warn?: (warning: string) => void, stdin?: NodeJS.ReadableStream): Promise<{
    message: SlackMessage;
    problem?: string;
}>;
export declare function register(program: Command, io?: Io): void;
