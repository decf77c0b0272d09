/** Small text helpers for message building: durations, Slack date tokens, safe truncation. */
import { cutText } from '../cut.js';
import { MAX_DATE_MS } from '../summarize/normalize.js';

/** A duration for people: `850 ms`, `12.4 s`, `4m 05s`, `2h 03m`, `3d 4h`; `?` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.floor(seconds);
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  if (m < 60) return `${m}m ${String(s).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** True when `ms` is a time a Date can hold (a history can carry anything). */
export function validTime(ms: number | undefined): ms is number {
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS;
}

/** ISO 8601 in UTC without milliseconds, e.g. `2026-11-25T03:41:00Z`; `?` for a time no Date can hold. */
export function isoUtc(ms: number): string {
  if (!validTime(ms)) return '?';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A Slack date token: each reader sees the time in their own time zone; clients that cannot render it show
 * the UTC fallback.
 */
export function slackDate(ms: number | undefined): string | undefined {
  if (!validTime(ms)) return undefined;
  const epoch = Math.floor(ms / 1_000);
  return `<!date^${epoch}^{date_short_pretty} {time_secs}|${isoUtc(ms)}>`;
}

/** Marker appended where text was cut. */
export const TRUNCATION_MARKER = '… (truncated)';

/**
 * Cuts mrkdwn to `max` characters (marker included) without leaving half an entity (`&am`), half a link or
 * token (`<https://…`), or an unclosed code block.
 */
export function truncateMrkdwn(text: string, max: number, marker: string = TRUNCATION_MARKER): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - marker.length - 4);
  let cut = cutText(text, room);
  cut = cut.replace(/&[a-z]{0,4}$/i, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  let fence = '';
  if ((cut.match(/```/g)?.length ?? 0) % 2 === 1) fence = '```';
  const result = `${cut}${fence ? `\n${fence}` : ''}${marker}`;
  return result.length <= max ? result : cutText(result, max);
}

/** Plain text cut to `max` with an ellipsis. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutText(text, Math.max(0, max - 1))}…`;
}
