import { isRecord, pick } from './normalize.js';
import type { CauseSummary } from './types.js';

/** Longest cause text kept in a summary (Slack shows at most 3,000 characters a section anyway). */
export const MAX_CAUSE_CHARS = 2_000;
const MAX_FIELD_CHARS = 1_000;

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * A cause (string, or an object when a recording stored the JSON parsed) to a bounded CauseSummary. A JSON
 * cause is read: a Lambda error's `errorType`/`errorMessage`, a failed child execution's own `Error`/`Cause`
 * and ARN (`startExecution.sync`), an ECS task's `StoppedReason`.
 */
export function summarizeCause(cause: unknown, maxChars: number = MAX_CAUSE_CHARS): CauseSummary | undefined {
  const text = stringOf(cause);
  if (text === undefined || text === '') return undefined;
  let parsed: unknown = isRecord(cause) ? cause : undefined;
  if (parsed === undefined && typeof cause === 'string' && cause.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(cause);
    } catch {
      parsed = undefined;
    }
  }
  const summary: {
    -readonly [K in keyof CauseSummary]: CauseSummary[K];
  } = { text: cut(text, maxChars), truncated: text.length > maxChars, length: text.length };
  if (isRecord(parsed)) {
    const errorType = pick(parsed, 'errorType') ?? pick(parsed, 'error');
    const errorMessage =
      pick(parsed, 'errorMessage') ??
      pick(parsed, 'cause') ??
      pick(parsed, 'stoppedReason') ??
      pick(parsed, 'message');
    if (typeof errorType === 'string') summary.errorType = cut(errorType, 256);
    const message = stringOf(errorMessage);
    if (message !== undefined) summary.errorMessage = cut(message, MAX_FIELD_CHARS);
    const childArn = pick(parsed, 'executionArn');
    if (typeof childArn === 'string' && childArn.includes(':execution:')) {
      summary.childExecutionArn = cut(childArn, 2048);
      const status = pick(parsed, 'status');
      if (typeof status === 'string') summary.childStatus = cut(status, 32);
    }
  }
  return summary;
}

/** An error name, bounded (the API allows 256). */
export function boundedError(error: unknown): string | undefined {
  const text = stringOf(error);
  return text === undefined || text === '' ? undefined : cut(text, 256);
}
