import { describe, expect, it } from 'vitest';
import {
  dollarsPerThousand,
  expressBilledGbSeconds,
  lambdaBilledGbSeconds,
  prices,
  requestChunks,
} from '../../bench/cost.js';
import { spread } from '../../bench/stats.js';

const none = {
  standardTransitions: 0,
  expressRequests: 0,
  expressGbSeconds: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  lambdaX86GbSeconds: 0,
  sqsFifoRequests: 0,
  sqsStandardRequests: 0,
  pipesRequests: 0,
};

describe('cost model', () => {
  it('prices 4 Standard transitions at $0.10 per 1,000 notifications', () => {
    expect(dollarsPerThousand({ ...none, standardTransitions: 4 })).toBeCloseTo(0.1, 10);
  });

  it('bills Express in 64 MB steps and 100 ms rounded up', () => {
    expect(expressBilledGbSeconds(1)).toBeCloseTo((64 / 1024) * 0.1, 12);
    expect(expressBilledGbSeconds(101, 65)).toBeCloseTo((128 / 1024) * 0.2, 12);
  });

  it('bills Lambda per millisecond of configured memory', () => {
    expect(lambdaBilledGbSeconds(10.2, 1024)).toBeCloseTo(0.011, 12);
  });

  it('adds every priced component', () => {
    const usage = { ...none, lambdaRequests: 1, sqsFifoRequests: 3, pipesRequests: 1 };
    const expected = (prices.lambdaRequest + 3 * prices.sqsFifoRequest + prices.pipesRequest) * 1000;
    expect(dollarsPerThousand(usage)).toBeCloseTo(expected, 12);
  });
});

describe('request chunks', () => {
  it('bills a request per started 64 KiB, at least one', () => {
    expect(requestChunks(0)).toBe(1);
    expect(requestChunks(65_536)).toBe(1);
    expect(requestChunks(65_537)).toBe(2);
  });

  it('prices x86_64 Lambda GB-seconds at the x86 rate', () => {
    expect(dollarsPerThousand({ ...none, lambdaX86GbSeconds: 1 })).toBeCloseTo(
      prices.lambdaX86GbSecond * 1000,
      12
    );
  });
});

describe('spread', () => {
  it('reports the median and the half interquartile range', () => {
    const result = spread([5, 1, 3, 2, 4]);
    expect(result).toMatchObject({ median: 3, min: 1, max: 5, runs: 5, iqrHalf: 1 });
  });

  it('refuses an empty sample', () => {
    expect(() => spread([])).toThrow(/at least one sample/);
  });
});
