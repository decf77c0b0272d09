import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../bench/bundle.js';
import { endpointDoc, endpointTargetFigures } from '../../bench/endpoint.js';
import {
  ENDPOINT_ASSUMPTIONS,
  endpointBudget,
  endpointMemoryMb,
  lambdaCpuFactor,
  percentile,
  SLACK_ANSWER_LIMIT_MS,
} from '../../bench/endpoint-budget.js';
import type { Results } from '../../bench/results.js';
import { checkEndpointTargets } from '../../bench/targets.js';

describe('the Slack endpoint budget', () => {
  it('scales local CPU by the memory share of one vCPU at 1,769 MB, never below 1', () => {
    expect(lambdaCpuFactor(256)).toBeCloseTo(6.91, 2);
    expect(lambdaCpuFactor(1_769)).toBe(1);
    expect(lambdaCpuFactor(4_096)).toBe(1);
  });

  it('adds the assumed AWS latencies: network and the two calls warm, runtime start and the secret read cold too', () => {
    const a = ENDPOINT_ASSUMPTIONS;
    const budget = endpointBudget({ coldCpuMs: 100, warmP99Ms: 10 }, 1_769);
    expect(budget.warmMs).toBe(a.network.ms + 10 + a.putItem.ms + a.startExecution.ms);
    expect(budget.coldMs).toBe(
      a.network.ms + a.runtimeInit.ms + 100 + a.secretRead.ms + a.putItem.ms + a.startExecution.ms
    );
    expect(budget.limitMs).toBe(SLACK_ANSWER_LIMIT_MS);
  });

  it("multiplies the local figures by the deployed memory's factor", () => {
    const small = endpointBudget({ coldCpuMs: 100, warmP99Ms: 10 }, 256);
    const whole = endpointBudget({ coldCpuMs: 100, warmP99Ms: 10 }, 1_769);
    const factor = lambdaCpuFactor(256);
    expect(small.warmMs - whole.warmMs).toBeCloseTo(10 * (factor - 1), 6);
    expect(small.coldMs - whole.coldMs).toBeCloseTo(100 * (factor - 1), 6);
  });

  it("reads the function's memory from the construct, and says so when it cannot", () => {
    expect(endpointMemoryMb()).toBeGreaterThanOrEqual(128);
    expect(() => endpointMemoryMb(path.join(repoRoot, 'package.json'))).toThrow(
      /no memorySize for the interactivity function/
    );
  });

  it('says where each assumed figure comes from, or that it is not documented', () => {
    for (const [name, assumption] of Object.entries(ENDPOINT_ASSUMPTIONS)) {
      expect(assumption.source, name).toMatch(/not documented|https:\/\/(docs\.)?aws\.amazon\.com\//);
    }
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no samples', () => {
    expect(() => percentile([], 99)).toThrow(/at least one sample/);
  });
});

describe('the recorded run', () => {
  const results = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results.json'), 'utf8')) as Results;
  const endpoint = results.endpoint;

  it('bench/results.json holds the endpoint section: every refusal without an AWS call, one start per signed click', () => {
    expect(endpoint?.refusalAwsCalls).toBe(0);
    const plan = endpoint?.plan;
    expect(endpoint?.awsCalls.startExecution).toBe(
      (plan?.coldStartRuns ?? 0) + (plan?.warmUp ?? 0) + (plan?.clicks ?? 0)
    );
    expect(endpoint?.awsCalls.putItem).toBe(endpoint?.awsCalls.startExecution);
  });

  it('its targets are the ones checked from its figures, and its budget the one computed from them', () => {
    if (!endpoint) throw new Error('bench/results.json has no endpoint section: run npm run bench:endpoint');
    const checked = checkEndpointTargets(endpointTargetFigures(endpoint));
    for (const check of checked) expect(results.targets).toContainEqual(check);
    expect(endpoint.budget).toEqual(
      endpointBudget(
        { coldCpuMs: endpoint.coldStart.cpuMs.median, warmP99Ms: endpoint.redrive.p99Ms },
        endpoint.budget.memoryMb
      )
    );
  });

  it('docs/performance.md holds the section written from it', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'performance.md'), 'utf8');
    expect(endpointDoc(results).length).toBeGreaterThan(0);
    expect(doc).toContain(endpointDoc(results));
  });
});
