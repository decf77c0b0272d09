/** bench/organization.ts: the central-environment burst, its capacity on paper and its cost, and the doc section. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prices } from '../../bench/cost.js';
import {
  capacity,
  organizationBurst,
  organizationCost,
  organizationDoc,
  quotas,
} from '../../bench/organization.js';
import { loadFormatter } from '../../bench/pipeline.js';
import type { Results } from '../../bench/results.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the organization burst', () => {
  it('delivers every notification once, each read with its own account and region role', async () => {
    const burst = await organizationBurst(
      await loadFormatter(),
      { accounts: 2, regions: ['eu-west-1', 'us-east-1'], perSource: 1, channels: 2, seed: 1 },
      () => {}
    );
    expect(burst).toMatchObject({
      notifications: 4,
      delivered: 4,
      lost: 0,
      duplicated: 0,
      deadLettered: 0,
      notifierFailed: 0,
      wrongRoleReads: 0,
      // us-east-1 (the notifier's region): FetchHistory + the formatter's definition read; eu-west-1: the
      // formatter's history and definition reads; everywhere the run context's ListExecutions of the machine, with
      // the same role (each execution here is its own account and region's only one: one list each).
      readsPerNotification: 3,
      readBySdkStates: 2,
      readByFormatter: 4,
      maxReadsPerAccount: 6,
    });
    expect(burst.notifierTransitions.median).toBeGreaterThan(0);
  });
});

describe('capacity and cost on paper', () => {
  it('the central StartExecution refill bounds ingest; each source account pays its own history reads', () => {
    const c = capacity(1);
    expect(c.centralPerSecond).toEqual(quotas.startExecutionPerSecond);
    expect(c.perSourceAccountPerSecond).toBe(quotas.getExecutionHistoryPerSecond);
    // Two history pages a notification halve what one source account sustains.
    expect(capacity(2).perSourceAccountPerSecond).toBe(quotas.getExecutionHistoryPerSecond / 2);
  });

  it('one central stack costs the forward per notification; per-account stacks multiply the fixed cost', () => {
    const cost = organizationCost(0.1, 120, 0.5);
    expect(cost.regionCheckPerThousand).toBeCloseTo(0.5 * prices.standardTransition * 1000, 10);
    expect(cost.forwardPerThousand).toBeCloseTo(prices.eventToAnotherBus * 1000, 10);
    const small = cost.byVolume[0];
    expect(small?.perAccount).toBeGreaterThan(small?.central ?? Number.POSITIVE_INFINITY);
    for (const v of cost.byVolume) {
      expect(v.central).toBeCloseTo(
        0.1 +
          cost.forwardPerThousand +
          cost.regionCheckPerThousand +
          ((cost.fixedPerStackMonth + cost.fixedPerSourceStackMonth * 120) * 1000) / v.notificationsPerMonth,
        10
      );
      expect(v.perAccount).toBeCloseTo(
        0.1 + (cost.fixedPerStackMonth * 120 * 1000) / v.notificationsPerMonth,
        10
      );
    }
  });
});

describe('the recorded run', () => {
  const results = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results.json'), 'utf8')) as Results;

  it('bench/results.json holds the organization burst, nothing lost, no read with another role', () => {
    expect(results.organization?.burst).toMatchObject({ lost: 0, duplicated: 0, wrongRoleReads: 0 });
  });

  it('docs/performance.md holds the section written from it', () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'performance.md'), 'utf8');
    expect(organizationDoc(results).length).toBeGreaterThan(0);
    expect(doc).toContain(organizationDoc(results));
  });
});
