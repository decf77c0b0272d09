/**
 * What the channel shows (pure): the parent message as it must look now, its plain-text fallback, the thread
 * reply, the "Delayed" and "Still running" wording, and a storm digest's lines and text. Execution values
 * arrive escaped by the formatter; the few read here (an execution's name) are escaped before use.
 */

import { executionNameOf, stateMachineNameOf } from '../../contract/arns.js';
import { executionConsoleUrl } from '../../contract/console.js';
import type { SlackMessage } from '../../contract/formatter.js';
import { DELAYED_AFTER_SECONDS, durationText } from '../../contract/message-store.js';
import { escapeText } from '../shared/escape.js';

export interface ParentMessage {
  readonly text: string;
  /** Absent for a text-only message: Slack refuses `blocks: []` (invalid_blocks). */
  readonly blocks?: readonly unknown[];
}

/** A message with its blocks only when there are some. */
export function withBlocks(text: string, blocks: readonly unknown[] | undefined): ParentMessage {
  return Array.isArray(blocks) && blocks.length > 0 ? { text, blocks } : { text };
}

/** "Delayed: the run ended at …" when the news arrives over DELAYED_AFTER_SECONDS after the run ended. */
export function delayedNote(endedAt: string | undefined, nowMs: number): string {
  const end = endedAt ? Date.parse(endedAt) : Number.NaN;
  if (!Number.isFinite(end) || nowMs - end <= DELAYED_AFTER_SECONDS * 1000) return '';
  return `Delayed: the run ended at <!date^${Math.floor(end / 1000)}^{date_short_pretty} {time}|${endedAt}>`;
}

export function stillRunningBanner(runningLongerThanSeconds: number, mention: string): string {
  const text = `:hourglass_flowing_sand: *Still running after ${durationText(runningLongerThanSeconds)}*`;
  return mention ? `${text} ${mention}` : text;
}

const banner = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** The parent with a banner (delayed, still running) above its blocks and a prefix in its text. */
export function framedParent(base: SlackMessage, bannerText: string, prefix: string): ParentMessage {
  const blocks = Array.isArray(base.blocks) ? base.blocks : [];
  return withBlocks(
    `${prefix}${base.text ?? ''}`,
    bannerText === '' ? blocks : [banner(bannerText), ...blocks]
  );
}

/** Slack refuses a text past 40,000 characters; a shorter post or edit after msg_too_long keeps the start. */
export const SHORT_EDIT_CHARS = 3000;
export function shortened(text: string): string {
  return text.length <= SHORT_EDIT_CHARS ? text : `${text.slice(0, SHORT_EDIT_CHARS - 1)}…`;
}

/** One execution's line in a storm digest: its name linked to its console page, and what happened. */
export function stormLine(executionArn: string, what: string, maxWhat: number): string {
  const name = escapeText(executionNameOf(executionArn) ?? executionArn);
  const url = executionConsoleUrl(executionArn);
  return `• ${url ? `<${url}|${name}>` : name} ${what.replace(/\n/g, ' ').slice(0, maxWhat)}`;
}

export interface DigestItem {
  readonly entries: readonly string[];
  readonly posted: number;
  readonly total: number;
  readonly since: number;
  readonly machine: string;
  readonly counts: readonly string[];
}

export function toDigestItem(item: Record<string, unknown>): DigestItem {
  const entries = Array.isArray(item.entries) ? item.entries.map(String) : [];
  return {
    entries,
    posted: Number(item.posted ?? 0) || 0,
    total: Number(item.total ?? entries.length) || 0,
    since: Number(item.since ?? 0) || 0,
    machine: typeof item.machine === 'string' ? item.machine : '',
    counts: Object.entries(item)
      .filter(([k]) => k.startsWith('n_'))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k.slice(2)} ${v}`),
  };
}

/** The digest's header: the storm's counts per status, since when. */
export function digestHeader(digest: DigestItem): string {
  const machine = escapeText(stateMachineNameOf(digest.machine) ?? digest.machine);
  const since = `<!date^${digest.since}^{time}|${new Date(digest.since * 1000).toISOString()}>`;
  return `:rotating_light: *Storm: ${digest.total} notifications of ${machine}* since ${since}: ${digest.counts.join(' · ')}`;
}

/** The latest three lines without their links. */
export function latestLines(lines: readonly string[]): string {
  return lines
    .slice(-3)
    .map((l) => l.replace(/^• <[^>]*> /, '• '))
    .join('\n');
}

/** Lines in chunks of at most `size` lines and `maxChars` characters. */
export function chunked(lines: readonly string[], size: number, maxChars: number): string[][] {
  const chunks: string[][] = [];
  let chars = 0;
  for (const line of lines) {
    const last = chunks.at(-1);
    if (last && last.length < size && chars + line.length + 1 < maxChars) {
      last.push(line);
      chars += line.length + 1;
    } else {
      chunks.push([line]);
      chars = line.length;
    }
  }
  return chunks;
}
