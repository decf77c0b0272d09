import { type SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { SlackMessage, StatusChangeEvent } from '../../formatters/contract.js';
import { type Io } from '../aws/io.js';
import { type EnvOptions } from '../aws/options.js';
export interface PreviewOptions extends EnvOptions {
    readonly executionArn?: string;
    readonly history?: string;
    readonly event?: string;
    readonly template?: string;
    readonly mention?: string;
    /** @default '.sfn-slack/preview.html' */
    readonly out?: string;
    /** Print the message JSON instead of the readable rendering. */
    readonly json?: boolean;
}
export declare const DEFAULT_PREVIEW_PATH = ".sfn-slack/preview.html";
export declare function register(program: Command, io?: Io): void;
export declare function runPreview(options: PreviewOptions, io: Io, sfn?: SFNClient): Promise<SlackMessage>;
/** Reads the execution and all of its history, page by page; the SDK retries throttled calls. */
export declare function readLiveExecution(sfn: SFNClient, executionArn: string): Promise<{
    event: StatusChangeEvent;
    pages: unknown[];
}>;
