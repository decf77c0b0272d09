/**
 * Peak heap from `node --trace-gc` output. The heap in use only grows between collections, so its peak over
 * an interval is the largest "before" figure of the collections in it; the interval is marked by two explicit
 * `gc()` calls (reason "testing"), the second of which also captures the heap at the end.
 */

export interface GcLine {
  /** Heap used before the collection, MiB. */
  readonly beforeMb: number;
  /** Heap used after it, MiB. */
  readonly afterMb: number;
  /** An explicit gc() call. */
  readonly explicit: boolean;
}

const gcLine =
  /:\s+(?:Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact|Minor Mark-Sweep)[^\d]*?([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

export function parseGcLines(lines: readonly string[]): GcLine[] {
  const parsed: GcLine[] = [];
  for (const line of lines) {
    const match = gcLine.exec(line);
    if (!match) continue;
    parsed.push({
      beforeMb: Number(match[1]),
      afterMb: Number(match[2]),
      explicit: /\btesting\b/.test(line),
    });
  }
  return parsed;
}

/**
 * Heap between the first two explicit collections: the baseline (after the first) and the peak (largest
 * "before" up to and including the second).
 */
export function peakBetweenExplicitGcs(lines: readonly GcLine[]): { baselineMb: number; peakMb: number } {
  const start = lines.findIndex((l) => l.explicit);
  const end = lines.findIndex((l, i) => i > start && l.explicit);
  if (start < 0 || end < 0) throw new Error('expected two explicit gc() lines in the --trace-gc output');
  const baselineMb = (lines[start] as GcLine).afterMb;
  let peakMb = baselineMb;
  for (let i = start + 1; i <= end; i += 1) peakMb = Math.max(peakMb, (lines[i] as GcLine).beforeMb);
  return { baselineMb, peakMb };
}
