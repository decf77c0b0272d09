/** The targets, each checked against a figure of the run. */
import type { CostScenarios } from './cost-scenarios.js';

export interface TargetCheck {
  readonly id:
    | 'cold-start'
    | 'time-25k'
    | 'heap-25k'
    | 'bundle'
    | 'nothing-lost'
    | 'transitions'
    | 'vs-json-parse'
    | EndpointTargetId
    | CostTargetId;
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
   * One page, one route (docs/infra.md "State transitions and cost"): FetchHistory, Format, Decide, Enqueue; the
   * formatter routes and reads the rest in code.
   */
  notifierTransitions: 4,
  /** Slack's 3 s, with room for what the local run cannot measure (bench/endpoint.ts budget). */
  endpointColdMs: 1_000,
  endpointWarmP99Ms: 300,
  /** The handler's CPU time over JSON.parse of the same payload, at every size (issue 22). */
  vsJsonParseRatio: 8,
  /** Issue 20: a one-page, one-route notification, Standard notifier, everything priced, per 1,000. */
  onePageDollarsPerThousand: 0.11,
  /** Issue 20: a 25,000-event history (the formatter reads the pages after the first itself). */
  history25kTransitions: 8,
  /** Issue 20: the one-page notification with `notifierType: "express"`, per 1,000. */
  expressDollarsPerThousand: 0.01,
  /** Issue 20: a normal post (decide, post, record), delivery state transitions. */
  deliveryTransitions: 8,
} as const;

export const COST_TARGET_IDS = [
  'cost-one-page-dollars',
  'cost-25k-transitions',
  'cost-express-dollars',
  'cost-delivery-transitions',
] as const;
export type CostTargetId = (typeof COST_TARGET_IDS)[number];

/** Issue 20's cost targets, checked against the cost scenarios measured on the local pipeline. */
export function checkCostTargets(c: Pick<CostScenarios, 'scenarios' | 'expressNotifier'>): TargetCheck[] {
  const one = c.scenarios.onePage;
  const big = c.scenarios.history25k;
  const express = c.expressNotifier.onePage.dollarsPerThousand;
  const perPost = one.deliveryTransitions / Math.max(1, one.deliveryExecutions);
  return [
    checkTransitions(one.notifierTransitions),
    {
      id: 'cost-one-page-dollars',
      target: `onePage ≤ $${limits.onePageDollarsPerThousand} per 1,000 (Standard notifier)`,
      figure: `$${one.dollarsPerThousand.toFixed(4)}`,
      pass: one.dollarsPerThousand <= limits.onePageDollarsPerThousand,
    },
    {
      id: 'cost-25k-transitions',
      target: `history25k ≤ ${limits.history25kTransitions} notifier transitions`,
      figure: `${big.notifierTransitions}`,
      pass: big.notifierTransitions <= limits.history25kTransitions,
    },
    {
      id: 'cost-express-dollars',
      target: `Express notifier onePage ≤ $${limits.expressDollarsPerThousand} per 1,000`,
      figure: `$${express.toFixed(4)}`,
      pass: express <= limits.expressDollarsPerThousand,
    },
    {
      id: 'cost-delivery-transitions',
      target: `a normal post ≤ ${limits.deliveryTransitions} delivery transitions`,
      figure: `${perPost}`,
      pass: perPost <= limits.deliveryTransitions,
    },
  ];
}

/**
 * `targets` with the cost checks (and the one-page transitions, which the cost scenarios count too) replaced by
 * `cost` (a run of `npm run bench:cost` alone, or the full bench).
 */
export function withCostTargets(
  targets: readonly TargetCheck[],
  cost: readonly TargetCheck[]
): TargetCheck[] {
  const ids: readonly string[] = [...COST_TARGET_IDS, 'transitions'];
  return [...targets.filter((t) => !ids.includes(t.id)), ...cost];
}

/** The formatter's end-to-end CPU time over JSON.parse of its payload: at most `limits.vsJsonParseRatio`. */
export function checkVsJsonParse(
  sizes: readonly { readonly events: number; readonly ratio: number }[]
): TargetCheck {
  const worst = Math.max(...sizes.map((s) => s.ratio));
  return {
    id: 'vs-json-parse',
    target: `formatter ≤ ${limits.vsJsonParseRatio}× JSON.parse of its payload`,
    figure: sizes.map((s) => `${s.events.toLocaleString('en-US')} events ×${s.ratio.toFixed(1)}`).join(', '),
    pass: sizes.length > 0 && worst <= limits.vsJsonParseRatio,
  };
}

export function checkTargets(f: TargetFigures): TargetCheck[] {
  return [
    checkColdStart(f.coldStartMs),
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
    checkBundle(f.bundleMinifiedBytes),
    {
      id: 'nothing-lost',
      target: 'nothing lost (or duplicated)',
      figure: `${f.lost} lost, ${f.duplicated} duplicated`,
      pass: f.lost === 0 && f.duplicated === 0,
    },
    checkTransitions(f.notifierTransitions),
  ];
}

/** One page, one route: the notifier's Standard state transitions. */
export function checkTransitions(notifierTransitions: number): TargetCheck {
  return {
    id: 'transitions',
    target: `≤ ${limits.notifierTransitions} notifier transitions, one-page history`,
    figure: `${notifierTransitions}`,
    pass: notifierTransitions <= limits.notifierTransitions,
  };
}

export const ENDPOINT_TARGET_IDS = ['endpoint-cold', 'endpoint-warm', 'endpoint-refusal'] as const;
export type EndpointTargetId = (typeof ENDPOINT_TARGET_IDS)[number];

export interface EndpointTargetFigures {
  /** Interactivity Lambda cold start median (import + first signed click), ms. */
  readonly coldMs: number;
  /** Warm signed Redrive click, p99, ms. */
  readonly warmP99Ms: number;
  /** AWS calls made while answering bad signatures. */
  readonly refusalAwsCalls: number;
}

/** The interactivity endpoint's targets (issue "Act from Slack": answer within Slack's 3 s). */
export function checkEndpointTargets(f: EndpointTargetFigures): TargetCheck[] {
  return [
    {
      id: 'endpoint-cold',
      target: `Slack endpoint cold start ≤ ${limits.endpointColdMs.toLocaleString('en-US')} ms (local init + first click)`,
      figure: `${f.coldMs.toFixed(1)} ms`,
      pass: f.coldMs <= limits.endpointColdMs,
    },
    {
      id: 'endpoint-warm',
      target: `Slack endpoint Redrive click p99 ≤ ${limits.endpointWarmP99Ms} ms warm`,
      figure: `${f.warmP99Ms.toFixed(1)} ms`,
      pass: f.warmP99Ms <= limits.endpointWarmP99Ms,
    },
    {
      id: 'endpoint-refusal',
      target: 'Slack endpoint bad signature: no AWS call',
      figure: `${f.refusalAwsCalls} AWS calls`,
      pass: f.refusalAwsCalls === 0,
    },
  ];
}

/** `targets` with the endpoint's checks replaced by `endpoint` (a run of `npm run bench:endpoint` alone). */
export function withEndpointTargets(
  targets: readonly TargetCheck[],
  endpoint: readonly TargetCheck[]
): TargetCheck[] {
  const ids: readonly string[] = ENDPOINT_TARGET_IDS;
  return [...targets.filter((t) => !ids.includes(t.id)), ...endpoint];
}

/** The formatter's cold start (import + first invocation, median). */
export function checkColdStart(coldStartMs: number): TargetCheck {
  return {
    id: 'cold-start',
    target: `cold start ≤ ${limits.coldStartMs} ms`,
    figure: `${coldStartMs.toFixed(1)} ms`,
    pass: coldStartMs <= limits.coldStartMs,
  };
}

/** The formatter's minified bundle. */
export function checkBundle(bundleMinifiedBytes: number): TargetCheck {
  return {
    id: 'bundle',
    target: 'bundle ≤ 200 KB minified',
    figure: `${(bundleMinifiedBytes / 1000).toFixed(1)} KB`,
    pass: bundleMinifiedBytes <= limits.bundleBytes,
  };
}
