/**
 * The local Slack server's `GET /` page: every received message rendered by `preview/` (the HTML that looks
 * like Slack), newest first. `preview/`'s pages forbid scripts and remote loads; each message is embedded as
 * an `<iframe srcdoc>` so its page keeps its own styles and policy.
 */
import type { SlackMessage } from '../../formatters/contract.js';
import type { ReceivedMessage } from './server.js';
/** The message as `preview/` takes it: what the request carried. */
export declare function asSlackMessage(message: ReceivedMessage): SlackMessage;
export declare function renderReceivedPage(messages: readonly ReceivedMessage[]): string;
