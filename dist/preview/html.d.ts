/**
 * Renders a Slack message as a self-contained HTML page that looks like the message in a Slack channel.
 * Every value is HTML-escaped, links are kept only for http(s) and mailto URLs, and the page carries a
 * Content-Security-Policy that allows no script and no remote loads, so a hostile step name or cause can do
 * nothing but show up as text.
 */
import type { SlackMessage } from '../formatters/contract.js';
export interface HtmlOptions {
    /**
     * The page title (the browser tab) and the heading above the message.
     * @default 'Slack message preview'
     */
    readonly title?: string;
    /**
     * The sender name shown above the message, as the Slack app's name.
     * @default 'sfn-slack'
     */
    readonly appName?: string;
}
/** Escapes text for HTML element content and double-quoted attributes. */
export declare function escapeHtml(text: string): string;
/** Renders `message` as a complete HTML document. */
export declare function renderHtml(message: SlackMessage, options?: HtmlOptions): string;
