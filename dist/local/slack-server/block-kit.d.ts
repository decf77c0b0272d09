/**
 * Block Kit validation for the local Slack server: the message-surface subset the notifier uses (header,
 * section, divider, context, actions, image, rich_text), with Slack's documented limits. Problems are reported
 * the way Slack reports them in `response_metadata.messages`: `[ERROR] <what> [json-pointer:<where>]`.
 */
/** Slack's documented Block Kit limits for messages. */
export declare const blockKitLimits: {
    readonly blocksPerMessage: 50;
    readonly headerText: 150;
    readonly sectionText: 3000;
    readonly sectionFields: 10;
    readonly sectionFieldText: 2000;
    readonly contextElements: 10;
    readonly actionsElements: 25;
    readonly buttonText: 75;
    readonly buttonUrl: 3000;
    readonly buttonValue: 2000;
    readonly actionId: 255;
    readonly blockId: 255;
    readonly imageUrl: 3000;
    readonly altText: 2000;
};
/**
 * Validates a `blocks` value as chat.postMessage receives it (already JSON-parsed).
 * @returns Slack-style `[ERROR] …` messages; empty when the blocks are valid.
 */
export declare function validateBlocks(blocks: unknown): string[];
