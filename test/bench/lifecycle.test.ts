import { describe, expect, it } from 'vitest';
import { benchLifecycle } from '../../bench/lifecycle.js';
import { loadFormatter } from '../../bench/pipeline.js';

describe('bench/lifecycle.ts', () => {
  it('measures shuffled, duplicated lifecycles with lost answers: one message each, final status, nothing twice', async () => {
    const figures = await benchLifecycle(
      await loadFormatter(),
      { executions: 6, seed: 3, longRuns: 4 },
      () => {}
    );
    expect(figures.events).toBe(6 * 4 + figures.duplicatesSent);
    expect(figures.duplicatesSent).toBeGreaterThan(0);
    expect(figures.answersLost).toBeGreaterThan(0);
    expect(figures).toMatchObject({
      maxParentsPerExecution: 1,
      wrongFinalStatus: 0,
      duplicated: 0,
      lost: 0,
      deadLettered: 0,
      lateStillRunning: 0,
      stillRunningOnce: 2,
      longRuns: 4,
    });
    expect(figures.store.readsPerDelivery).toBe(1);
    expect(figures.store.dollarsPerThousandNotifications).toBeGreaterThan(0);
    // About 20 s alone on a quiet machine; the formatter now also loads the SFN SDK for the run context (issue 24),
    // which under a loaded machine's full suite pushed it past the default 30 s.
  }, 60_000);
});
