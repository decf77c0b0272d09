import { describe, expect, it } from 'vitest';
import { generatedHistory } from '../../bench/histories.js';

describe('generatedHistory', () => {
  it.each([10, 100, 1_000, 25_000])('builds about %i events in pages of at most 1,000', (size) => {
    const history = generatedHistory(size);
    const events = history.pages.flatMap((p) => p.events);
    expect(events).toHaveLength(history.eventCount);
    expect(Math.abs(history.eventCount - size)).toBeLessThanOrEqual(Math.max(3, size * 0.01));
    expect(history.pages.every((p) => p.events.length <= 1_000)).toBe(true);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('describes the same failed execution in the event as in the history', () => {
    const history = generatedHistory(100, 'run-1');
    const events = history.pages.flatMap((p) => p.events);
    const { detail } = history.event;
    expect(detail.executionArn).toMatch(/:execution:generated:run-1$/);
    expect(detail.status).toBe('FAILED');
    expect(events.at(-1)?.type).toBe('ExecutionFailed');
    expect(detail.startDate).toBe(Math.round((events[0]?.timestamp ?? 0) * 1000));
    expect(detail.stopDate).toBe(Math.round((events.at(-1)?.timestamp ?? 0) * 1000));
  });
});
