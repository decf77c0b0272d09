/**
 * The Slack endpoint's answer time on AWS, from the local figures: Slack's limit, what the local run cannot
 * measure (each assumption with its source, or "not documented"), and the sum.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './bundle.js';

/** Slack's limit for answering an interactivity request. */
export const SLACK_ANSWER_LIMIT_MS = 3_000;

/**
 * The interactivity function's memory as infra/constructs/slack-actions.ts deploys it (read from its source, so
 * it is stated once): Lambda gives CPU in proportion to it.
 */
export function endpointMemoryMb(
  constructFile: string = path.join(repoRoot, 'infra', 'constructs', 'slack-actions.ts')
): number {
  const match = /const functionProps = \{[\s\S]*?memorySize:\s*(\d+)/.exec(
    readFileSync(constructFile, 'utf8')
  );
  if (!match)
    throw new Error(`no memorySize for the interactivity function in ${path.basename(constructFile)}`);
  return Number(match[1]);
}

export interface Assumption {
  readonly ms: number;
  /** What the figure is, and where it comes from (or "not documented"). */
  readonly source: string;
}

/**
 * What the local run cannot measure. Figures AWS does not document are assumptions, chosen on the generous
 * side, and say so.
 */
export const ENDPOINT_ASSUMPTIONS = {
  network: {
    ms: 200,
    source:
      "Slack's servers → the function URL → Lambda and back, TLS included: not documented (no figure from Slack or AWS); assumed",
  },
  runtimeInit: {
    ms: 500,
    source:
      'a new execution environment and the Node.js runtime, before the bundle is imported: AWS describes the phases (AWS Compute Blog, "Operating Lambda: Performance optimization – Part 1", https://aws.amazon.com/blogs/compute/operating-lambda-performance-optimization-part-1/) but documents no figure for them; assumed',
  },
  secretRead: {
    ms: 50,
    source:
      'Secrets Manager GetSecretValue, first request of a container only (cached 5 minutes): not documented; assumed',
  },
  putItem: {
    ms: 10,
    source:
      'DynamoDB PutItem (replay guard): "single-digit millisecond performance at any scale" (AWS\'s product description of DynamoDB, https://aws.amazon.com/dynamodb/; a description, not an SLA); assumed 10 ms',
  },
  startExecution: {
    ms: 100,
    source: 'Step Functions StartExecution (Standard): not documented; assumed',
  },
  cpuShare: {
    ms: 0,
    source:
      'Lambda allocates CPU in proportion to memory: "At 1,769 MB, a function has the equivalent of one vCPU" (AWS Lambda Developer Guide, "Configure Lambda function memory", https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); the local figures are multiplied by 1,769 ÷ the function\'s memory, as if the local run had had one whole core',
  },
} as const satisfies Record<string, Assumption>;

/** Local CPU time → time on Lambda at `memoryMb` (the local figure assumed to have had one whole core). */
export function lambdaCpuFactor(memoryMb: number): number {
  return Math.max(1, 1_769 / memoryMb);
}

export interface EndpointBudget {
  /** The function's memory the CPU factor is computed from, MB. */
  readonly memoryMb: number;
  readonly cpuFactor: number;
  /** Answer time on Lambda, warm: network + warm p99 × factor + PutItem + StartExecution. */
  readonly warmMs: number;
  /** Answer time on Lambda, cold: network + runtime start + local cold CPU × factor + secret + PutItem + StartExecution. */
  readonly coldMs: number;
  readonly limitMs: number;
}

/**
 * The figures against Slack's 3 s. Warm: the p99 wall time, which already includes the local endpoints' round
 * trips, so adding the assumed AWS latencies counts those calls twice (on the safe side). Cold: the CPU time of
 * import + first click (on a loaded machine the wall time is mostly waiting for a core, which scaled by the CPU
 * factor would count the wait several times over), plus the assumed latencies of its calls.
 */
export function endpointBudget(
  measured: { readonly coldCpuMs: number; readonly warmP99Ms: number },
  memoryMb: number,
  a: typeof ENDPOINT_ASSUMPTIONS = ENDPOINT_ASSUMPTIONS
): EndpointBudget {
  const cpuFactor = lambdaCpuFactor(memoryMb);
  const calls = a.putItem.ms + a.startExecution.ms;
  return {
    memoryMb,
    cpuFactor,
    warmMs: a.network.ms + measured.warmP99Ms * cpuFactor + calls,
    coldMs: a.network.ms + a.runtimeInit.ms + measured.coldCpuMs * cpuFactor + a.secretRead.ms + calls,
    limitMs: SLACK_ANSWER_LIMIT_MS,
  };
}

/** The p-th percentile (nearest rank) of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile() needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
