/**
 * An oracle for "would Slack reject this message?", independent of formatters/formatter/render/limits.ts (the module
 * that enforces the limits must not be the one that checks them): the local Slack-compatible server's Block
 * Kit validator, plus chat.postMessage's own rules for `text`.
 */
import type { SlackMessage } from '../../../contract/formatter.js';
import { validateBlocks } from '../../../local/slack-server/block-kit.js';

/**
 * Longer `text` is refused (`msg_too_long`, as the local server answers; Slack's changelog says it truncates
 * beyond 40,000). The formatter's own, tighter bound of 4,000 is checked by `slackLimitProblems`.
 */
const MAX_TEXT = 40_000;

/** What Slack would reject in `message` (Slack-style `[ERROR] …` lines); empty when it would be accepted. */
export function slackRejections(message: SlackMessage): string[] {
  const problems: string[] = [];
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  if (typeof message.text !== 'string') problems.push('[ERROR] text must be a string');
  else {
    if (!hasBlocks && message.text.trim() === '') problems.push('[ERROR] no_text');
    if (message.text.length > MAX_TEXT) problems.push(`[ERROR] text longer than ${MAX_TEXT}`);
  }
  if (message.blocks !== undefined) problems.push(...validateBlocks(message.blocks));
  return problems;
}
