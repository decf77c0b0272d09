import { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { FormatterInput, FormatterOutput, NotifierSettings } from './contract.js';
/** Service name in the logs when `POWERTOOLS_SERVICE_NAME` is unset. */
export declare const DEFAULT_SERVICE_NAME = "sfn-slack-notifier";
/**
 * The Powertools logger, configured by the environment as the stack sets it: `POWERTOOLS_SERVICE_NAME`
 * (@default `sfn-slack-notifier`) and the log level from `POWERTOOLS_LOG_LEVEL` or the function's
 * `AWS_LAMBDA_LOG_LEVEL` (@default INFO). Nothing is hard-coded over them: a constructor option would win.
 */
export declare function createLogger(): Logger;
/**
 * Reads a whole execution history from its first event (forward, 1,000 events a page, without inputs and
 * outputs), folding page by page so memory stays bounded. Returns the fold state to finish with.
 */
export declare function readHistoryFolded(executionArn: string, sfnClient?: SFNClient, logger?: Logger): Promise<unknown>;
/** SHA-256 hex of `executionArn|status|redriveCount`: the FIFO deduplication id. */
export declare function deduplicationId(executionArn: string, status: string, redriveCount: number): string;
/** FIFO message group: the channel, or `webhook`. */
export declare function messageGroupId(settings: Pick<NotifierSettings, 'destination'>): string;
/** What the handler is built with; everything has a default fit for Lambda. */
export interface HandlerOptions {
    /**
     * The client that reads histories when the input asks for `readHistory`.
     * @default - one `SFNClient` per process (8 attempts), created on first use; it honours
     *   `AWS_ENDPOINT_URL_SFN`, `AWS_REGION` and the usual credential chain
     */
    readonly sfnClient?: SFNClient;
    /**
     * The logger.
     * @default - a Powertools Logger configured by `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_LOG_LEVEL`
     */
    readonly logger?: Logger;
}
/** The formatter handler's signature (the notifier's Format step calls it with the contract's input). */
export type FormatterHandler = (input: FormatterInput) => Promise<FormatterOutput>;
/**
 * Builds a handler. `pages` + `nextToken` → a `partial` to send back with the next pages; otherwise the
 * message, its destination group and deduplication id. A template that fails still sends a plain-text message.
 * `readHistory` reads the whole history from its start, ignoring any `partial`, `pages` and `nextToken`
 * that came with it.
 */
export declare function createHandler(options?: HandlerOptions): FormatterHandler;
/** The Lambda entry point (`formatters/handler.handler`): a handler with the defaults. */
export declare const handler: FormatterHandler;
