import { describe, expect, it } from 'vitest';
import {
  checkEndpointTargets,
  checkTargets,
  type EndpointTargetFigures,
  type TargetFigures,
  withEndpointTargets,
} from '../../bench/targets.js';

const atLimits: TargetFigures = {
  coldStartMs: 50,
  time25kMs: 150,
  heap25kMiB: 64 / 1.048576,
  bundleMinifiedBytes: 200_000,
  lost: 0,
  duplicated: 0,
  notifierTransitions: 4,
};

describe('targets', () => {
  it('passes every target exactly at its limit', () => {
    expect(checkTargets(atLimits).every((t) => t.pass)).toBe(true);
  });

  it('misses each target just over its limit', () => {
    const over: Record<string, Partial<TargetFigures>> = {
      'cold-start': { coldStartMs: 50.1 },
      'time-25k': { time25kMs: 150.1 },
      'heap-25k': { heap25kMiB: 61.1 },
      bundle: { bundleMinifiedBytes: 200_001 },
      'nothing-lost': { duplicated: 1 },
      transitions: { notifierTransitions: 5 },
    };
    for (const [id, figures] of Object.entries(over)) {
      const missed = checkTargets({ ...atLimits, ...figures }).filter((t) => !t.pass);
      expect(missed.map((t) => t.id)).toEqual([id]);
    }
  });

  it('counts a lost notification as a miss', () => {
    const check = checkTargets({ ...atLimits, lost: 1 }).find((t) => t.id === 'nothing-lost');
    expect(check).toMatchObject({ pass: false, figure: '1 lost, 0 duplicated' });
  });
});

const endpointAtLimits: EndpointTargetFigures = { coldMs: 1_000, warmP99Ms: 300, refusalAwsCalls: 0 };

describe('the Slack endpoint targets', () => {
  it('passes every target exactly at its limit', () => {
    expect(checkEndpointTargets(endpointAtLimits).every((t) => t.pass)).toBe(true);
  });

  it('misses each target just over its limit', () => {
    const over: Record<string, Partial<EndpointTargetFigures>> = {
      'endpoint-cold': { coldMs: 1_000.1 },
      'endpoint-warm': { warmP99Ms: 300.1 },
      'endpoint-refusal': { refusalAwsCalls: 1 },
    };
    for (const [id, figures] of Object.entries(over)) {
      const missed = checkEndpointTargets({ ...endpointAtLimits, ...figures }).filter((t) => !t.pass);
      expect(missed.map((t) => t.id)).toEqual([id]);
    }
  });

  it('replaces the endpoint checks of an earlier run and keeps the others', () => {
    const earlier = [
      ...checkTargets(atLimits),
      ...checkEndpointTargets({ ...endpointAtLimits, coldMs: 2_000 }),
    ];
    const merged = withEndpointTargets(earlier, checkEndpointTargets(endpointAtLimits));
    expect(merged.map((t) => t.id)).toEqual([
      ...checkTargets(atLimits).map((t) => t.id),
      'endpoint-cold',
      'endpoint-warm',
      'endpoint-refusal',
    ]);
    expect(merged.every((t) => t.pass)).toBe(true);
  });
});
