/**
 * The one-message-per-execution lifecycle, as the formatter describes each piece of news to the delivery state
 * machine (statemachines/deliver.asl.json): the order in which news may replace one another, and the short
 * thread reply that says what changed. Dependency-free: the delivery definition, the local runner and the
 * tests read the same rules.
 */
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { isFailingStatus } from '../../contract/statuses.js';
import { escapeText } from '../shared/escape.js';

/** Escaped, and without backticks or asterisks that would end the surrounding code or bold span. */
const escapeMrkdwn = (text: string): string => escapeText(text.replace(/[`*]/g, "'"));

/**
 * Within one redrive attempt a result outranks a pending redrive, which outranks a start. The delivery drops a
 * piece of news whose order key is not above the one already shown, so a late RUNNING or an earlier attempt's
 * FAILED never overwrites a newer result.
 */
export const STATUS_RANK: Readonly<Record<string, number>> = {
  RUNNING: 1,
  PENDING_REDRIVE: 2,
  SUCCEEDED: 3,
  FAILED: 3,
  TIMED_OUT: 3,
  ABORTED: 3,
};

/** Epoch ms or ISO text from an event field; undefined when absent or unreadable. */
export function toMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** ISO time of the news: the event's time, else the stop, redrive or start date; else the epoch. */
export function eventTime(event: StatusChangeEvent): string {
  const d = event.detail;
  const ms = toMs(event.time) ?? toMs(d.stopDate) ?? toMs(d.redriveDate) ?? toMs(d.startDate) ?? 0;
  return new Date(ms).toISOString();
}

/**
 * `000003#3#2026-01-01T00:00:00.000Z`: redrive count, status rank, event time. Compared as strings (by the
 * delivery machine and by DynamoDB condition expressions), so every part has a fixed width.
 */
export function orderKey(redriveCount: number, status: string, time: string): string {
  const redrive = String(Math.max(0, Math.min(999_999, Math.trunc(redriveCount)))).padStart(6, '0');
  return `${redrive}#${STATUS_RANK[status] ?? 0}#${time}`;
}

/** The news in one line for the parent's thread, mrkdwn, execution values escaped. */
export interface ThreadReply {
  readonly text: string;
  /** True when the news is a failure: the delivery also shows it in the channel when the setting allows. */
  readonly failure: boolean;
}

export interface ThreadReplyInput {
  readonly status: string;
  readonly redriveCount: number;
  readonly failedState?: string;
  readonly error?: string;
  /** Added to a failure's reply; comes from configuration, so not escaped. */
  readonly mention?: string;
}

/** "failed in X with error Y"; "redriven (redrive N)"; "succeeded after redrive"; "started". */
export function threadReply(input: ThreadReplyInput): ThreadReply {
  const failure = isFailingStatus(input.status);
  const mention = failure && input.mention ? ` ${input.mention}` : '';
  const where = input.failedState ? ` in *${escapeMrkdwn(input.failedState)}*` : '';
  const why = input.error ? ` with \`${escapeMrkdwn(input.error)}\`` : '';
  const attempt = input.redriveCount > 0 ? ` (redrive ${input.redriveCount})` : '';
  switch (input.status) {
    case 'FAILED':
      return { text: `:x: Failed${where}${why}${attempt}${mention}`, failure };
    case 'TIMED_OUT':
      return { text: `:hourglass: Timed out${where}${attempt}${mention}`, failure };
    case 'ABORTED':
      return { text: `:octagonal_sign: Aborted${attempt}${mention}`, failure };
    case 'SUCCEEDED':
      return {
        text:
          input.redriveCount > 0
            ? `:white_check_mark: Succeeded after redrive ${input.redriveCount}`
            : ':white_check_mark: Succeeded',
        failure,
      };
    case 'RUNNING':
      return {
        text:
          input.redriveCount > 0
            ? `:repeat: Redriven (redrive ${input.redriveCount})`
            : ':arrow_forward: Started',
        failure,
      };
    case 'PENDING_REDRIVE':
      return { text: `:repeat: Pending redrive${attempt}`, failure };
    default:
      return { text: `Status ${escapeMrkdwn(input.status)}`, failure };
  }
}
