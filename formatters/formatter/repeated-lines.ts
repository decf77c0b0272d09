/**
 * A stack trace from deep recursion (or a retry loop that logs the same lines) is mostly one frame, or a few,
 * again and again: shown as is, its head is a wall that hides everything else. Runs of the same line, or of
 * the same group of up to MAX_PERIOD lines, repeated at least MIN_REPEATS times, are shown once with a count.
 */
const MAX_PERIOD = 4;
const MIN_REPEATS = 3;

function sameGroup(lines: readonly string[], a: number, b: number, period: number): boolean {
  for (let i = 0; i < period; i++) if (lines[a + i] !== lines[b + i]) return false;
  return true;
}

/**
 * `lines` with each run of repeated lines (or groups of lines) kept once, followed by how often it ran. `cut`:
 * the lines stop before the text did, so a run that reaches the end ran at least that often.
 */
export function foldRepeatedLines(lines: readonly string[], cut = false): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let folded = false;
    for (let period = 1; period <= MAX_PERIOD && i + period * MIN_REPEATS <= lines.length; period++) {
      let repeats = 1;
      while (
        i + (repeats + 1) * period <= lines.length &&
        sameGroup(lines, i, i + repeats * period, period)
      ) {
        repeats++;
      }
      if (repeats < MIN_REPEATS) continue;
      out.push(...lines.slice(i, i + period));
      const atLeast = cut && i + repeats * period + period > lines.length ? ' or more' : '';
      out.push(`  … the ${period === 1 ? 'line' : `${period} lines`} above ×${repeats}${atLeast}`);
      i += repeats * period;
      folded = true;
      break;
    }
    if (!folded) {
      out.push(lines[i] as string);
      i++;
    }
  }
  return out;
}

/** `text` with its repeated lines folded (see foldRepeatedLines). */
export function foldRepeatedText(text: string, cut = false): string {
  const lines = text.split('\n');
  return lines.length < MIN_REPEATS ? text : foldRepeatedLines(lines, cut).join('\n');
}
