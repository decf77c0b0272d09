/**
 * The message built from the EventBridge event alone, when the details cannot be had: the history is
 * unreadable, the formatter failed, a payload passed a limit. The formatter uses it when even its plain-text
 * summary cannot be built; when the formatter itself cannot run, the notifier state machine builds a similar
 * event-only text in JSONata (statemachines/notifier.asl.json, Fallback*: test/statemachines/notifier-run.test.ts).
 *
 * At most 4,000 characters whatever the input: each field is cut before it is escaped (an escaped `&` takes 5).
 * Total on purpose: any input (missing fields, wrong types, a non-object) gives a message, never an error.
 */

import { executionNameOf, stateMachineNameOf } from '../../../contract/arns.js';
import { executionConsoleUrl } from '../../../contract/console.js';
import type { SlackMessage } from '../../../contract/formatter.js';
import { escapeText } from '../../shared/escape.js';
import { safeMention } from './mention.js';

/** Statuses whose message carries the configured mention. */
const FAILING = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** What the event-only message shows, read defensively from anything. */
export interface EventOnlySettings {
  readonly environment?: unknown;
  readonly mentionOnFailure?: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** At most `max` characters, the last one an ellipsis when cut (as the JSONata `$cut`). */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The plain-text message for a status-change event. `why` says why the details are missing (it comes from the
 * notifier, e.g. an error name, so it is escaped too).
 */
export function eventOnlyMessage(event: unknown, settings: EventOnlySettings, why: string): SlackMessage {
  try {
    const detail = field(event, 'detail');
    const arn = str(field(detail, 'executionArn')) ?? '';
    const status = str(field(detail, 'status')) ?? 'UNKNOWN';
    const machineArn = str(field(detail, 'stateMachineArn'));
    const machine = stateMachineNameOf(machineArn ?? arn);
    const name = str(field(detail, 'name')) ?? executionNameOf(arn);
    const error = str(field(detail, 'error'));
    const cause = str(field(detail, 'cause'));
    const mention = safeMention(settings?.mentionOnFailure);
    const environment = str(settings?.environment) ?? '';
    const lines = [
      `${FAILING.has(status) && mention ? `${mention} ` : ''}${escapeText(cut(machine ?? '', 80))} ${escapeText(
        cut(status, 40).replaceAll('_', ' ').toLowerCase()
      )} (${environment})`,
      `Execution: ${escapeText(cut(name ?? '', 80))}`,
      error === undefined ? undefined : `Error: ${escapeText(cut(error, 100))}`,
      cause === undefined ? undefined : `Cause: ${escapeText(cut(cause, 300))}`,
      `Details are missing: ${escapeText(cut(why, 150))}.`,
      executionConsoleUrl(arn),
    ];
    return { text: lines.filter((line) => line !== undefined).join('\n') };
  } catch {
    // Unreachable for JSON input; kept so this function can never be the reason a notification is lost.
    return { text: `A Step Functions execution changed status. Details are missing: ${escapeText(why)}.` };
  }
}
