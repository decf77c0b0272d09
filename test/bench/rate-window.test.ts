import { describe, expect, it } from 'vitest';
import { channelRates, deliveryCounts, maxInWindow, tokenBucketExcess } from '../../bench/rate-window.js';

describe('maxInWindow', () => {
  it('counts a half-open window: messages exactly 1 s apart are one per window', () => {
    expect(maxInWindow([0, 1000, 2000, 3000])).toBe(1);
  });

  it('finds the busiest window wherever it starts, in any input order', () => {
    // [2500, 3500) holds 2500, 2600, 2999 and 3400; 3500 is the next window's.
    expect(maxInWindow([5000, 0, 3500, 2500, 2600, 2999, 3400])).toBe(4);
  });

  it('is 0 for no messages', () => {
    expect(maxInWindow([])).toBe(0);
  });
});

describe('tokenBucketExcess', () => {
  it('accepts a burst of 3 then one a second', () => {
    expect(tokenBucketExcess([0, 0, 0, 1000, 2000, 3000], 3, 1)).toBe(0);
  });

  it('counts a fourth message inside the first second as one over', () => {
    expect(tokenBucketExcess([0, 0, 0, 500], 3, 1)).toBe(1);
  });

  it('allows the burst again after an idle period only as far as the bucket refilled', () => {
    // 3 at t=0, idle 2 s: 2 tokens back, so 3 more at t=2 s is one too many.
    expect(tokenBucketExcess([0, 0, 0, 2000, 2000, 2000], 3, 1)).toBe(1);
    expect(tokenBucketExcess([0, 0, 0, 3000, 3000, 3000], 3, 1)).toBe(0);
  });
});

describe('channelRates', () => {
  it('measures each channel apart and the sustained rate after its burst', () => {
    const a = [0, 0, 0, 1000, 2000, 3000, 4000].map((receivedAt) => ({ channel: 'A', receivedAt }));
    const b = [0, 2000, 4000, 6000, 8000].map((receivedAt) => ({ channel: 'B', receivedAt }));
    const rates = channelRates([...b, ...a], { burst: 3, perSecond: 1 });
    expect(rates.map((r) => r.channel)).toEqual(['A', 'B']);
    const [ra, rb] = rates;
    // A: 4 messages after the burst, from t=0 (end of burst) to t=4 s.
    expect(ra).toMatchObject({ messages: 7, maxPerSecond: 3, sustainedPerSecond: 1, excess: 0 });
    expect(ra?.maxPer10s).toBeCloseTo(0.7, 10);
    // B: 2 messages after its first 3 (t=4 s), over 4 s.
    expect(rb).toMatchObject({ messages: 5, maxPerSecond: 1, sustainedPerSecond: 0.5, excess: 0 });
  });

  it('reports a channel going over the limit', () => {
    const over = [0, 100, 200, 300, 400].map((receivedAt) => ({ channel: 'C', receivedAt }));
    expect(channelRates(over, { burst: 3, perSecond: 1 })[0]?.excess).toBe(2);
  });
});

describe('deliveryCounts', () => {
  it('counts lost, duplicated and unexpected deliveries', () => {
    expect(deliveryCounts(['a', 'b', 'c', 'd'], ['a', 'b', 'b', 'b', 'c', 'x'])).toEqual({
      delivered: 3,
      lost: 1,
      duplicated: 2,
      unexpected: 1,
    });
  });
});
