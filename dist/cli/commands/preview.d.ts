import { type SFNClient } from '@aws-sdk/client-sfn';
import { type Command } from 'commander';
import type { SlackMessage, StatusChangeEvent } from '../../formatters/contract.js';
import { createClients } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import type { EnvOptions } from '../aws/options.js';
import { type OutputFormat } from '../convention.js';
export interface PreviewOptions extends EnvOptions {
    readonly executionArn?: string;
    readonly history?: string;
    readonly event?: string;
    readonly template?: string;
    readonly mention?: string;
    /** Where to write the HTML page; `-` writes it to standard output. @default '.sfn-slack/preview.html' (text output) */
    readonly out?: string;
    /** False with `--no-html`: no HTML page. @default true */
    readonly html?: boolean;
    /** Print the Block Kit Builder link (about 3,600 characters for a typical message). @default false */
    readonly builderUrl?: boolean;
    /** @default 'text' */
    readonly output?: OutputFormat;
    /** Old spelling of `--output json`. */
    readonly json?: boolean;
}
export declare const DEFAULT_PREVIEW_PATH = ".sfn-slack/preview.html";
export declare function register(program: Command, io?: Io, makeClients?: typeof createClients): void;
export declare function runPreview(options: PreviewOptions, io: Io, sfn?: SFNClient): Promise<SlackMessage>;
/** Reads the execution and all of its history, page by page; the SDK retries throttled calls. */
export declare function readLiveExecution(sfn: SFNClient, executionArn: string): Promise<{
    event: StatusChangeEvent;
    pages: unknown[];
}>;
