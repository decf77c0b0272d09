/**
 * Usage per notification of this project's design (measured from local runs of the real files) and of the
 * seed's design (two Lambda functions and a queue), priced the same way. Figures that cannot be measured
 * locally (Slack's and AWS APIs' latency, the seed's memory setting) are explicit assumptions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';
import {
  dollarsPerThousand,
  expressBilledGbSeconds,
  lambdaBilledGbSeconds,
  requestChunks,
  type Usage,
} from './cost.js';
import type { SingleResult } from './pipeline.js';

export interface Assumptions {
  /** Round trip of one HTTPS call to Slack from AWS (chat.postMessage or a webhook), ms. */
  readonly slackLatencyMs: number;
  /** One GetExecutionHistory call from Lambda, ms. */
  readonly historyPageLatencyMs: number;
  /** One SQS SendMessage from Lambda, ms. */
  readonly sqsSendLatencyMs: number;
  /** Memory of each seed Lambda function (the Lambda default), MB, on x86_64 (the default architecture). */
  readonly seedMemoryMb: number;
  /** Events per GetExecutionHistory page in the seed (the API's default page size). */
  readonly seedPageSize: number;
}

export const assumptions: Assumptions = {
  slackLatencyMs: 250,
  historyPageLatencyMs: 100,
  sqsSendLatencyMs: 20,
  seedMemoryMb: 128,
  seedPageSize: 100,
};

/** What the local runs measured for one notification of this design. */
export interface Measured {
  readonly notifierTransitions: number;
  readonly deliveryExecutions: number;
  /** Local wall time of one delivery (no Slack latency in it). */
  readonly deliveryMs: number;
  readonly formatterInvocations: number;
  readonly formatterMs: number;
  readonly formatterMemoryMb: number;
  readonly messageBytes: number;
  readonly historyEvents: number;
}

/** Reads the formatter's `memorySize` from the construct, so the cost follows what is deployed. */
export function formatterMemoryMb(constructFile: string): number {
  const source = readFileSync(constructFile, 'utf8');
  // The formatter's settings, shared by its source-bundled and prebuilt forms.
  const match = /const formatterProps = \{[\s\S]*?memorySize:\s*(\d+)/.exec(source);
  if (!match) throw new Error(`no memorySize for the Formatter in ${path.basename(constructFile)}`);
  return Number(match[1]);
}

export interface DesignCost {
  readonly usage: Usage;
  /** Durations the GB-seconds were computed from, ms. */
  readonly durationsMs: Readonly<Record<string, number>>;
}

/**
 * This design: Standard notifier transitions; the Express delivery (billed per request and per 64 MB × 100 ms,
 * duration = the local delivery + one Slack round trip); the formatter Lambda (arm64, memory from the
 * construct); SQS FIFO send + receive + delete; one Pipe request per message.
 */
export function notifierDesign(m: Measured, a: Assumptions = assumptions): DesignCost {
  const chunks = requestChunks(m.messageBytes);
  const expressMs = m.deliveryMs + a.slackLatencyMs;
  return {
    usage: {
      standardTransitions: m.notifierTransitions,
      expressRequests: m.deliveryExecutions,
      expressGbSeconds: m.deliveryExecutions * expressBilledGbSeconds(expressMs),
      lambdaRequests: m.formatterInvocations,
      lambdaGbSeconds: m.formatterInvocations * lambdaBilledGbSeconds(m.formatterMs, m.formatterMemoryMb),
      lambdaX86GbSeconds: 0,
      // One send; one receive per delivery attempt; one delete once delivered.
      sqsFifoRequests: chunks + m.deliveryExecutions * chunks + 1,
      sqsStandardRequests: 0,
      pipesRequests: m.deliveryExecutions * chunks,
    },
    durationsMs: { express: expressMs, formatter: m.formatterMs },
  };
}

/**
 * The seed: Lambda 1 (EventBridge → GetExecutionHistory page by page → format → SQS standard SendMessage) and
 * Lambda 2 (SQS event source → POST to the Slack webhook), both at `seedMemoryMb` on x86_64; the same
 * formatting work as this design; SQS standard send + receive + delete.
 */
export function seedDesign(m: Measured, a: Assumptions = assumptions): DesignCost {
  const chunks = requestChunks(m.messageBytes);
  const pages = Math.max(1, Math.ceil(m.historyEvents / a.seedPageSize));
  const lambda1Ms = pages * a.historyPageLatencyMs + m.formatterMs + a.sqsSendLatencyMs;
  const lambda2Ms = a.slackLatencyMs;
  return {
    usage: {
      standardTransitions: 0,
      expressRequests: 0,
      expressGbSeconds: 0,
      lambdaRequests: 2,
      lambdaGbSeconds: 0,
      lambdaX86GbSeconds:
        lambdaBilledGbSeconds(lambda1Ms, a.seedMemoryMb) + lambdaBilledGbSeconds(lambda2Ms, a.seedMemoryMb),
      sqsFifoRequests: 0,
      sqsStandardRequests: chunks + chunks + 1,
      pipesRequests: 0,
    },
    durationsMs: { lambda1: lambda1Ms, lambda2: lambda2Ms },
  };
}

/**
 * This design under a burst: the delivery executions the burst ran per notification and their billed Express
 * GB-seconds (429 retries wait inside the execution, so they are billed as duration).
 */
export function notifierDesignUnderBurst(
  m: Measured,
  burst: {
    readonly notifications: number;
    readonly deliveryExecutions: number;
    readonly expressBilledGbSeconds: number;
  },
  a: Assumptions = assumptions
): DesignCost {
  const executions = burst.deliveryExecutions / burst.notifications;
  const base = notifierDesign({ ...m, deliveryExecutions: executions }, a);
  return {
    usage: { ...base.usage, expressGbSeconds: burst.expressBilledGbSeconds / burst.notifications },
    durationsMs: {
      ...base.durationsMs,
      express: ((burst.expressBilledGbSeconds / burst.deliveryExecutions) * 1000) / (64 / 1024),
    },
  };
}

/**
 * The floor, on paper (issue 20): the same features with no Standard transitions and nothing but the requests each
 * service needs, about $0.006 per 1,000 notifications. An estimate to compare against, not a measured figure.
 */
export const FLOOR_ON_PAPER_PER_THOUSAND = 0.006;

export type PricedDesign = DesignCost & { readonly dollarsPerThousand: number };

/**
 * The single notifications' figures as `Measured`, and this design (alone and under the burst) and the seed's,
 * priced: what `npm run bench` and `npm run bench:cost` record under `cost`.
 */
export function pricedDesigns(
  one: SingleResult,
  burst: Parameters<typeof notifierDesignUnderBurst>[1]
): { measured: Measured; designs: Record<'notifier' | 'notifierUnderBurst' | 'seed', PricedDesign> } {
  const measured: Measured = {
    notifierTransitions: one.notifierTransitions,
    deliveryExecutions: one.deliveryExecutions,
    deliveryMs: one.deliveryMs.median,
    formatterInvocations: one.formatterInvocations,
    formatterMs: one.formatterMs.median,
    formatterMemoryMb: formatterMemoryMb(path.join(repoRoot, 'infra', 'constructs', 'formatter-function.ts')),
    messageBytes: one.messageBytes,
    historyEvents: one.historyEvents,
  };
  const priced = (d: DesignCost): PricedDesign => ({ ...d, dollarsPerThousand: dollarsPerThousand(d.usage) });
  return {
    measured,
    designs: {
      notifier: priced(notifierDesign(measured)),
      notifierUnderBurst: priced(notifierDesignUnderBurst(measured, burst)),
      seed: priced(seedDesign(measured)),
    },
  };
}
