import { describe, expect, it } from 'vitest';
import {
  ENDPOINT_ASSUMPTIONS,
  ENDPOINT_MEMORY_MB,
  endpointBudget,
  lambdaCpuFactor,
  percentile,
  SLACK_ANSWER_LIMIT_MS,
} from '../../bench/endpoint.js';

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
    const small = endpointBudget({ coldCpuMs: 100, warmP99Ms: 10 });
    const whole = endpointBudget({ coldCpuMs: 100, warmP99Ms: 10 }, 1_769);
    const factor = lambdaCpuFactor(ENDPOINT_MEMORY_MB);
    expect(small.warmMs - whole.warmMs).toBeCloseTo(10 * (factor - 1), 6);
    expect(small.coldMs - whole.coldMs).toBeCloseTo(100 * (factor - 1), 6);
  });

  it('says where each assumed figure comes from, or that it is not documented', () => {
    for (const [name, assumption] of Object.entries(ENDPOINT_ASSUMPTIONS)) {
      expect(assumption.source, name).toMatch(/not documented|\(.*(page|Guide|Blog).*\)/);
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
