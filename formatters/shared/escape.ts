/**
 * Slack mrkdwn escaping: only `&`, `<`, `>` (in that order). Applied to every string that came from the
 * execution before a template sees it, so a state name or cause can never ping `<!channel>` or fake a link.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A deep copy of `value` with every string escaped (keys are kept as they are). */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeText(value) as T;
  if (Array.isArray(value)) return value.map((item) => escapeDeep(item)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = escapeDeep(item);
    return out as T;
  }
  return value;
}

/** U+02CB MODIFIER LETTER GRAVE ACCENT: looks like a backtick, never closes a code span or fence. */
const BACKTICK_LOOKALIKE = '\u02cb';

/**
 * An inline code span holding `text` literally. Inside a code span Slack formats nothing, so `*`, `_`, `~`
 * stay as they are; a backtick would end the span, so it becomes a look-alike. Newlines become spaces (a
 * span does not cross lines).
 */
export function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, BACKTICK_LOOKALIKE).replace(/\s*\n\s*/g, ' ')}\``;
}

/**
 * True when `text` could change formatting. Inside bold any `*`, `_` or `~` can end or start a run; outside,
 * only a backtick or a marker at the start of a word opens one (`my_job` is safe, `_tmp_` is not).
 */
function hasFormatting(text: string, insideBold: boolean): boolean {
  if (text.includes('`')) return true;
  return insideBold ? /[*_~]/.test(text) : /(^|[\s([{"'>])[*_~]\S/.test(text);
}

/**
 * A name (state, state machine, execution, function) shown in mrkdwn exactly as it is: bold when it holds no
 * formatting character, otherwise a code span, so `a*b` or `_tmp_` neither breaks the bold around it nor
 * turns into italics. `bold: false` leaves a plain name plain.
 */
export function mrkdwnName(text: string, bold = true): string {
  if (hasFormatting(text, bold)) return codeSpan(text);
  return bold ? `*${text}*` : text;
}
