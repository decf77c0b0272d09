/**
 * Reads a Slack message's blocks into a small view model both renderers share. Unknown block types and
 * malformed blocks are kept as `unknown` so a preview never throws on a message Slack might still accept.
 */
import type { SlackMessage } from '../formatters/contract.js';
import { type Inline } from './mrkdwn.js';
export interface ViewButton {
    readonly label: readonly Inline[];
    /** Only http(s) and mailto URLs are kept; anything else is dropped so it can never become a link. */
    readonly url?: string;
    readonly style?: 'primary' | 'danger';
}
export type ViewBlock = {
    readonly type: 'header';
    readonly text: readonly Inline[];
} | {
    readonly type: 'section';
    readonly text?: readonly Inline[];
    readonly fields: readonly (readonly Inline[])[];
    readonly button?: ViewButton;
} | {
    readonly type: 'context';
    readonly elements: readonly (readonly Inline[])[];
} | {
    readonly type: 'actions';
    readonly buttons: readonly ViewButton[];
} | {
    readonly type: 'divider';
} | {
    readonly type: 'image';
    readonly alt: string;
    readonly title?: readonly Inline[];
} | {
    readonly type: 'unknown';
    readonly blockType: string;
};
export interface MessageView {
    /** The notification text (`text`), parsed as mrkdwn as Slack does. */
    readonly text: readonly Inline[];
    readonly blocks: readonly ViewBlock[];
}
export declare function toView(message: SlackMessage): MessageView;
/** Keeps a URL only when it is one a reader could safely follow. */
export declare function safeUrl(url: unknown): string | undefined;
