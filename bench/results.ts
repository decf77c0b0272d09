/** The shape of bench/results.json: the latest run, committed with the code it measured. */
import type { Usage } from './cost.js';
import type { CostScenarios } from './cost-scenarios.js';
import type { Assumptions, Measured } from './designs.js';
import type { EndpointResults } from './endpoint.js';
import type { FaultEntry, FaultName, FaultResults, FaultTargetCheck } from './faults.js';
import type { FormatterResults } from './formatter.js';
import type { LifecycleResult } from './lifecycle.js';
import type { NormalResults } from './normal.js';
import type { OrganizationResults } from './organization.js';
import type { BurstResult, SingleResult } from './pipeline.js';
import type { Spread } from './stats.js';
import type { TargetCheck } from './targets.js';

export interface CostResult {
  readonly prices: { readonly date: string; readonly region: string };
  readonly assumptions: Assumptions;
  readonly measured: Measured;
  readonly designs: Readonly<
    Record<
      'notifier' | 'notifierUnderBurst' | 'seed',
      {
        readonly usage: Usage;
        readonly durationsMs: Readonly<Record<string, number>>;
        readonly dollarsPerThousand: number;
      }
    >
  >;
  /** Issue 20: onePage, runningThenUpdate, history25k, storm500, counted from local runs (bench/cost-scenarios.ts). */
  readonly scenarios?: CostScenarios['scenarios'];
  readonly expressNotifier?: CostScenarios['expressNotifier'];
  /** The prices, assumptions and duration basis the scenarios were priced with. */
  readonly scenarioRun?: Pick<CostScenarios, 'prices' | 'assumptions' | 'durationBasis'>;
}

export interface BurstSummary {
  readonly repeats: number;
  readonly notifications: number;
  readonly channels: number;
  readonly clock: string;
  /** Worst over the repeats. */
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly notifierFailed: number;
  /** Lowest over the repeats. */
  readonly delivered: number;
  readonly simulatedDrainSeconds: Spread;
  readonly wallDrainSeconds: Spread;
  readonly wallNotifySeconds: Spread;
  readonly http429: Spread;
  readonly deliveryExecutions: Spread;
  /** Worst over the repeats. */
  readonly maxSustainedPerSecond: number;
  readonly maxPerSecondWindow: number;
  readonly maxPer10sWindow: number;
  readonly overLimit: number;
  /** The first repeat in full. */
  readonly first: BurstResult;
}

export interface Results {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: { readonly model: string; readonly cores: number };
  readonly totalSeconds: number;
  /** 1-minute load average at the start and the end of the run (other work on the machine skews timings). */
  readonly loadAverage: readonly [number, number];
  readonly formatter: FormatterResults;
  readonly pipeline: { readonly burst: BurstSummary; readonly single: SingleResult };
  /** One message per execution: shuffled, duplicated events and lost answers (bench/lifecycle.ts). */
  readonly lifecycle?: LifecycleResult;
  readonly cost: CostResult;
  readonly targets: readonly TargetCheck[];
  /** The fault matrix (issue 10): one entry per fault, figures measured on the local pipeline. */
  readonly faults: Readonly<Record<FaultName, FaultEntry>>;
  /** How the matrix ran, and what its targets need beyond the entries. */
  readonly faultRun: Omit<FaultResults, 'entries'>;
  readonly faultTargets: readonly FaultTargetCheck[];
  /** A central environment under a burst from many accounts (bench/organization.ts); absent in older runs. */
  readonly organization?: OrganizationResults;
  /** The Slack interactivity endpoint's answer time (bench/endpoint.ts); absent in older runs. */
  readonly endpoint?: EndpointResults;
  /** The run context's API calls per notification and the daily digest's cost (bench/normal.ts); absent in older runs. */
  readonly normal?: NormalResults;
}
