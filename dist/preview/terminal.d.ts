/**
 * Renders a Slack message as readable terminal text: what a reader of the channel would see, with the
 * mrkdwn decoded (links as `label (url)`, dates as their fallback text, entities unescaped).
 */
import type { SlackMessage } from '../formatters/contract.js';
export interface TerminalOptions {
    /**
     * Use ANSI styles (bold, italic, dim, underline). Pass `process.stdout.isTTY` from a command.
     * @default false
     */
    readonly ansi?: boolean;
    /**
     * Width of dividers and header rules, in columns.
     * @default 60
     */
    readonly width?: number;
}
/** Renders `message` as plain (or ANSI-styled) text lines ending with a newline. */
export declare function renderTerminal(message: SlackMessage, options?: TerminalOptions): string;
