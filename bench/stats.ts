/** Median and spread of repeated measurements: what the benchmark reports instead of a single run. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Half the interquartile range, as a ± around the median. */
  readonly iqrHalf: number;
  readonly runs: number;
}

export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spread() needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    const lowValue = sorted[low] as number;
    const highValue = sorted[high] as number;
    return lowValue + (highValue - lowValue) * (position - low);
  };
  return {
    median: at(0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    iqrHalf: (at(0.75) - at(0.25)) / 2,
    runs: sorted.length,
  };
}

export function formatSpread(value: Spread, unit: string, digits = 1): string {
  return `${value.median.toFixed(digits)} ${unit} ±${value.iqrHalf.toFixed(digits)} (n=${value.runs})`;
}
