/**
 * The failure mention a message may carry. The notifier passes only cdk.json mentions and tag mentions it checked,
 * but the formatter is a Lambda anybody with invoke rights can call: anything else is dropped here, never printed.
 */
import { MENTION } from '../../../contract/settings.js';

/** `value` when it is a Slack mention cdk.json may set (contract/settings.ts MENTION), else undefined. */
export function safeMention(value: unknown): string | undefined {
  return typeof value === 'string' && MENTION.test(value) ? value : undefined;
}
