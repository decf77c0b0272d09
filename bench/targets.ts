/** The targets, each checked against a figure of the run. */

export interface TargetCheck {
  readonly id: 'cold-start' | 'time-25k' | 'heap-25k' | 'bundle' | 'nothing-lost' | 'transitions';
  readonly target: string;
  readonly figure: string;
  readonly pass: boolean;
}

export interface TargetFigures {
  /** Cold start median (import + first invocation), ms. */
  readonly coldStartMs: number;
  /** 25,000-event summarize + render median, ms. */
  readonly time25kMs: number;
  /** 25,000-event peak heap, MiB (as V8 reports it). */
  readonly heap25kMiB: number;
  readonly bundleMinifiedBytes: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Notifier state transitions for a one-page history. */
  readonly notifierTransitions: number;
}

export const limits = {
  coldStartMs: 50,
  time25kMs: 150,
  heap25kMb: 64,
  /** 200 KB, counted as 200,000 bytes (the stricter reading). */
  bundleBytes: 200_000,
  /**
   * One route without tags (docs/infra.md "State transitions and cost"): 3 to route (Settings, Route,
   * SingleRoute), 7 to read and send.
   */
  notifierTransitions: 10,
} as const;

export function checkTargets(f: TargetFigures): TargetCheck[] {
  return [
    {
      id: 'cold-start',
      target: `cold start ≤ ${limits.coldStartMs} ms`,
      figure: `${f.coldStartMs.toFixed(1)} ms`,
      pass: f.coldStartMs <= limits.coldStartMs,
    },
    {
      id: 'time-25k',
      target: `25,000 events ≤ ${limits.time25kMs} ms`,
      figure: `${f.time25kMs.toFixed(1)} ms`,
      pass: f.time25kMs <= limits.time25kMs,
    },
    {
      id: 'heap-25k',
      target: `25,000 events ≤ ${limits.heap25kMb} MB heap`,
      figure: `${(f.heap25kMiB * 1.048576).toFixed(1)} MB (${f.heap25kMiB.toFixed(1)} MiB)`,
      pass: f.heap25kMiB * 1.048576 <= limits.heap25kMb,
    },
    {
      id: 'bundle',
      target: 'bundle ≤ 200 KB minified',
      figure: `${(f.bundleMinifiedBytes / 1000).toFixed(1)} KB`,
      pass: f.bundleMinifiedBytes <= limits.bundleBytes,
    },
    {
      id: 'nothing-lost',
      target: 'nothing lost (or duplicated)',
      figure: `${f.lost} lost, ${f.duplicated} duplicated`,
      pass: f.lost === 0 && f.duplicated === 0,
    },
    {
      id: 'transitions',
      target: `≤ ${limits.notifierTransitions} notifier transitions, one-page history`,
      figure: `${f.notifierTransitions}`,
      pass: f.notifierTransitions <= limits.notifierTransitions,
    },
  ];
}
