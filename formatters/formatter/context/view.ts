/**
 * The run context in words, for the templates: one mrkdwn line per fact, every execution-derived value escaped
 * (error names in code spans, state names shown literally), links through render/console-url.ts.
 */

import { executionConsoleUrl } from '../../../contract/console.js';
import { codeSpan, escapeText, mrkdwnName } from '../../shared/escape.js';
import { formatDuration, slackDate } from '../render/text.js';
import type { RunContext } from './types.js';

export interface RunContextView {
  /** `:snail: took 2h 14m — usually about 35m (median of 20 successful runs)`, or absent. */
  readonly usual?: string;
  /** `:repeat: 3rd failure in a row — last success 2 days ago` (linked), or absent. */
  readonly streak?: string;
  /** ``:recycle: same `States.TaskFailed` in *Load* as the previous failure`` (linked, dated), or absent. */
  readonly sameError?: string;
  /** The lines above that are set, in that order. */
  readonly lines: readonly string[];
  /** All of it on one line, for a compact message. */
  readonly line: string;
}

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** `40 min ago`, `5 h ago`, `2 days ago`: how long before `referenceMs`. */
export function ago(ms: number, referenceMs: number): string {
  const minutes = Math.max(0, Math.round((referenceMs - ms) / 60_000));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function link(url: string | undefined, text: string): string {
  return url ? `<${url}|${text}>` : text;
}

function plural(n: number, one: string, many: string, atLeast: boolean): string {
  return `${n}${atLeast ? '+' : ''} ${n === 1 && !atLeast ? one : many}`;
}

/**
 * The view of a context. `referenceMs` is when this run ended (or started): "2 days ago" counts from it, so the
 * message says the same whenever it is read. `failing` words the duration of a run that did not succeed.
 */
export function runContextView(
  context: RunContext,
  options: { readonly referenceMs?: number; readonly consoleRegion?: string; readonly failing: boolean }
): RunContextView | undefined {
  const url = (arn: string) => executionConsoleUrl(arn, options.consoleRegion);
  let usual: string | undefined;
  if (context.usual) {
    const { kind, durationMs, medianMs, samples } = context.usual;
    const verb = options.failing ? 'ended after' : 'took';
    usual = `${kind === 'slow' ? ':snail:' : ':zap:'} ${verb} ${formatDuration(durationMs)} — usually about ${formatDuration(
      medianMs
    )} (median of the last ${samples} successful runs)`;
  }
  let streak: string | undefined;
  const s = context.streak;
  if (s?.kind === 'failures') {
    const last = s.lastSuccess;
    const when =
      last?.stopMs !== undefined && options.referenceMs !== undefined
        ? ` ${ago(last.stopMs, options.referenceMs)}`
        : '';
    streak = `:repeat: ${ordinal(s.count)}${s.atLeast ? '+' : ''} failure in a row — ${
      last ? `${link(url(last.executionArn), 'last success')}${when}` : 'no success among the runs read'
    }`;
  } else if (s?.kind === 'first-failure') {
    streak = `:new: first failure after ${plural(s.successes, 'success', 'successes', s.atLeast)}`;
  } else if (s?.kind === 'recovered') {
    streak = `:white_check_mark: first success after ${plural(s.count, 'failure', 'failures', s.atLeast)} in a row`;
  }
  let sameError: string | undefined;
  if (context.sameError) {
    const e = context.sameError;
    const date = slackDate(e.stopMs);
    sameError = `:recycle: same ${codeSpan(escapeText(e.error))}${
      e.state ? ` in ${mrkdwnName(escapeText(e.state))}` : ''
    } as the ${link(url(e.executionArn), 'previous failure')}${date ? ` (${date})` : ''}`;
  }
  const lines = [usual, streak, sameError].filter((l): l is string => l !== undefined);
  if (lines.length === 0) return undefined;
  return {
    ...(usual ? { usual } : {}),
    ...(streak ? { streak } : {}),
    ...(sameError ? { sameError } : {}),
    lines,
    line: lines.join(' · '),
  };
}
