/**
 * Slack's Block Kit limits, enforced on whatever a template produced, so the message is always valid:
 * at most 50 blocks; section text 3,000 and at most 10 fields of 2,000; header plain_text 150; context at
 * most 10 elements; actions at most 25 elements, button text 75, URL 3,000; `text` at most 4,000.
 *
 * Blocks are rebuilt from the members Slack documents for them, never passed through: a block type or an
 * element the formatter cannot check (anything but header, section, divider, context, actions, image; buttons
 * and images as elements) is dropped, and each drop is reported as a warning, so Slack is never sent
 * something it rejects.
 */
import type { SlackMessage } from '../contract.js';
export declare const SLACK_LIMITS: {
    readonly blocks: 50;
    readonly sectionText: 3000;
    readonly sectionFields: 10;
    readonly fieldText: 2000;
    readonly headerText: 150;
    readonly contextElements: 10;
    readonly contextText: 2000;
    readonly actionsElements: 25;
    readonly buttonText: 75;
    readonly buttonUrl: 3000;
    readonly buttonValue: 2000;
    readonly actionId: 255;
    readonly imageUrl: 3000;
    readonly altText: 2000;
    readonly imageTitle: 2000;
    readonly text: 4000;
    readonly blockId: 255;
};
/** The block types the formatter checks and sends. */
export declare const SUPPORTED_BLOCK_TYPES: readonly ["header", "section", "divider", "context", "actions", "image"];
/** Where dropped or changed parts are reported (what, and why). */
type Warn = (warning: string) => void;
/**
 * The template's output made valid: blocks rebuilt or dropped, at most 50 (the last one then says how many
 * were left out), `text` present and at most 4,000 characters (`fallbackText` when the template gave none).
 * Each block or element dropped, and each `block_id` removed, is reported to `warn`.
 */
export declare function enforceSlackLimits(output: unknown, fallbackText: string, warn?: Warn): SlackMessage;
/** Checks a message against the limits; returns the problems (empty when valid). Used by tests and preview. */
export declare function slackLimitProblems(message: SlackMessage): string[];
export {};
