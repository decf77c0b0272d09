import type { SlackMessage } from '../contract/formatter.js';

/** Slack's Block Kit Builder; it reads the payload as URL-encoded JSON after the `#`. */
export const BLOCK_KIT_BUILDER = 'https://app.slack.com/block-kit-builder';

/**
 * A link that opens the message's blocks in Slack's Block Kit Builder, to see and tweak them in Slack's own
 * renderer. Only `blocks` go in: the builder's message payload has no `text`, and the execution's values
 * stay in the URL fragment, which browsers do not send to the server.
 */
export function blockKitBuilderUrl(message: SlackMessage): string {
  return `${BLOCK_KIT_BUILDER}#${encodeURIComponent(JSON.stringify({ blocks: message.blocks ?? [] }))}`;
}
