/**
 * The digest's template input: the summary with every execution-derived string escaped, and ready lines
 * (failures first, each linked through render/console-url.ts; running; slowest against their usual; muted),
 * chunked to fit Slack's sections, with "+N more" where lines were left out: never cut silently.
 */

import { executionConsoleUrl } from '../../../contract/console.js';
import { DIGEST_WINDOW_HOURS } from '../../../contract/digest.js';
import { codeSpan, escapeDeep, escapeText, mrkdwnName } from '../../shared/escape.js';
import { formatDuration, slackDate } from '../render/text.js';
import { chunkLines } from '../render/view.js';
import type { DigestRun, DigestSummary } from './types.js';

/** Lines listed per part (the rest counted in "+N more"), and sections per part. */
const MAX_FAILURE_LINES = 60;
const MAX_OTHER_LINES = 10;
const FAILURE_SECTIONS = 4;

const STATUS_EMOJI: Readonly<Record<string, string>> = {
  FAILED: ':x:',
  TIMED_OUT: ':hourglass:',
  ABORTED: ':octagonal_sign:',
  RUNNING: ':arrow_forward:',
  PENDING_REDRIVE: ':repeat:',
};

export interface DigestTemplateInput {
  readonly digest: DigestSummary;
  readonly context: { readonly environment: string; readonly timeZone: string; readonly hours: number };
  readonly view: {
    readonly quiet: boolean;
    /** `Daily digest · prod` (plain text). */
    readonly title: string;
    /** `12 runs of 3 machines in the last 24 h: 10 succeeded, 1 failed, 1 running`. */
    readonly countsLine: string;
    /** A quiet day's one line: `12 runs, all succeeded` (or `no runs`). */
    readonly quietLine: string;
    /** Failure lines in sections (≤ 2,800 chars each), the last ending with "+N more failures" when some were left out. */
    readonly failureChunks: readonly string[];
    readonly runningChunks: readonly string[];
    readonly slowChunks: readonly string[];
    readonly mutedLines: readonly string[];
    readonly unreadableLine?: string;
  };
}

function runLink(run: DigestRun, label: string): string {
  const url = executionConsoleUrl(run.executionArn);
  return url ? `<${url}|${label}>` : label;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function limited(lines: readonly string[], max: number, noun: string, sections: number): string[] {
  return chunkLines(lines.slice(0, max), Math.max(0, lines.length - max), noun, sections);
}

export function buildDigestInput(
  summary: DigestSummary,
  options: { readonly environment: string; readonly timeZone: string; readonly hours?: number }
): DigestTemplateInput {
  const hours = options.hours ?? DIGEST_WINDOW_HOURS;
  const c = summary.counts;
  const parts = [
    c.succeeded > 0 ? `${c.succeeded} succeeded` : undefined,
    c.failed > 0 ? `${c.failed} failed` : undefined,
    c.timedOut > 0 ? `${c.timedOut} timed out` : undefined,
    c.aborted > 0 ? `${c.aborted} aborted` : undefined,
    c.running > 0 ? `${c.running} running` : undefined,
  ].filter((p): p is string => p !== undefined);
  const countsLine = `${plural(c.runs, 'run')} of ${plural(summary.machines, 'machine')} in the last ${hours} h${
    parts.length > 0 ? `: ${parts.join(', ')}` : ''
  }`;
  const quietLine =
    c.runs === 0
      ? `No runs in the last ${hours} h`
      : c.runs === c.succeeded
        ? `${plural(c.runs, 'run')}, all succeeded`
        : `${plural(c.runs, 'run')}: ${parts.join(', ')}`;
  const name = (run: DigestRun) => mrkdwnName(escapeText(run.machine));
  const failureLines = summary.failures.map((run) => {
    const when = slackDate(run.stopMs);
    return `${STATUS_EMOJI[run.status] ?? ':x:'} ${name(run)} ${runLink(run, escapeText(run.name))}${
      run.error ? ` ${codeSpan(escapeText(run.error))}` : ''
    }${when ? ` · ${when}` : ''}`;
  });
  const runningLines = summary.running.map(
    (run) =>
      `${STATUS_EMOJI[run.status] ?? ':arrow_forward:'} ${name(run)} ${runLink(run, escapeText(run.name))} · since ${
        slackDate(run.startMs) ?? '?'
      }`
  );
  const slowLines = summary.slow.map(
    ({ run, medianMs, samples }) =>
      `:snail: ${name(run)} ${runLink(run, escapeText(run.name))} took ${formatDuration(run.durationMs)} — usually about ${formatDuration(
        medianMs
      )} (median of ${samples})`
  );
  const mutedLines = summary.muted.map(
    (m) => `:mute: ${mrkdwnName(escapeText(m.machine))} muted until ${slackDate(m.untilMs) ?? '?'}`
  );
  const unreadableLine =
    summary.unreadable.length > 0
      ? `:warning: not read: ${summary.unreadable
          .slice(0, MAX_OTHER_LINES)
          .map((u) => `${mrkdwnName(escapeText(u.machine))} (${codeSpan(escapeText(u.error))})`)
          .join(
            ', '
          )}${summary.unreadable.length > MAX_OTHER_LINES ? ` and ${summary.unreadable.length - MAX_OTHER_LINES} more` : ''}`
      : undefined;
  return {
    digest: escapeDeep(summary),
    context: { environment: escapeText(options.environment), timeZone: escapeText(options.timeZone), hours },
    view: {
      quiet: summary.quiet,
      title: `Daily digest · ${escapeText(options.environment)}`,
      countsLine,
      quietLine,
      failureChunks: limited(failureLines, MAX_FAILURE_LINES, 'failure', FAILURE_SECTIONS),
      runningChunks: limited(runningLines, MAX_OTHER_LINES, 'running run', 1),
      slowChunks: limited(slowLines, MAX_OTHER_LINES, 'slow run', 1),
      mutedLines: mutedLines.slice(0, MAX_OTHER_LINES),
      ...(unreadableLine ? { unreadableLine } : {}),
    },
  };
}
