import { describe, expect, it } from 'vitest';
import { parseGcLines, peakBetweenExplicitGcs } from '../../bench/gc-trace.js';

// Lines in the format `node --trace-gc` prints (Node 20).
const trace = [
  '[1:0x1]       20 ms: Scavenge 3.9 (4.2) -> 3.6 (5.2) MB, 0.51 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
  '[1:0x1]       40 ms: Mark-Compact 9.1 (12.0) -> 8.2 (12.5) MB, 3.10 / 0.00 ms  (average mu = 0.9, current mu = 0.9) testing; GC in old space requested',
  'BENCH_RESULT {"not":"a gc line"}',
  '[1:0x1]       60 ms: Scavenge 20.5 (24.0) -> 12.0 (26.0) MB, 1.20 / 0.00 ms  (average mu = 0.9, current mu = 0.9) allocation failure; ',
  '[1:0x1]       80 ms: Mark-Compact 31.4 (40.0) -> 15.0 (30.0) MB, 9.00 / 0.00 ms  (+ 3.7 ms in 42 steps since start of marking, biggest step 0.2 ms, walltime since start of marking 22 ms) (average mu = 0.8, current mu = 0.8) finalize incremental marking via stack guard; GC in old space requested',
  '[1:0x1]       90 ms: Mark-Compact 18.0 (30.0) -> 14.1 (30.0) MB, 2.00 / 0.00 ms  (average mu = 0.8, current mu = 0.8) testing; GC in old space requested',
  '[1:0x1]      120 ms: Scavenge 99.0 (99.0) -> 50.0 (99.0) MB, 1.00 / 0.00 ms  (average mu = 0.8, current mu = 0.8) allocation failure; ',
];

describe('--trace-gc peak', () => {
  it('parses the collections and marks the explicit ones', () => {
    const lines = parseGcLines(trace);
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.explicit)).toEqual([false, true, false, false, true, false]);
    expect(lines[3]).toEqual({ beforeMb: 31.4, afterMb: 15, explicit: false });
  });

  it('takes the baseline after the first gc() and the peak before any collection up to the second', () => {
    expect(peakBetweenExplicitGcs(parseGcLines(trace))).toEqual({ baselineMb: 8.2, peakMb: 31.4 });
  });

  it('refuses output without two explicit collections', () => {
    expect(() => peakBetweenExplicitGcs(parseGcLines(trace.slice(0, 3)))).toThrow(/two explicit gc/);
  });
});
