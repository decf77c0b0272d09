/**
 * "Did you mean": the closest of some known names to a mistyped one, by the rule the CLI's option parser
 * (commander) applies, so a typo in cdk.json is answered as a typo on the command line is.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The known name closest to `word` (at most 2 edits, and similar in at least 60% of its length), or undefined.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    if (candidate.length <= 1) continue;
    const dist = distance(word.toLowerCase(), candidate.toLowerCase());
    const length = Math.max(word.length, candidate.length);
    if ((length - dist) / length > 0.6 && dist < bestDistance) {
      best = candidate;
      bestDistance = dist;
    }
  }
  return best;
}

/** `: did you mean x?` when some name is close, else `: use one of a, b` (a shared tail for one-line errors). */
export function suggestion(word: string, known: readonly string[]): string {
  const near = closest(word, known);
  return near !== undefined ? `did you mean ${near}?` : `use one of ${known.join(', ')}`;
}
