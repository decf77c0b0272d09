import { describe, expect, it } from 'vitest';
import { SimulationClock, seededRandom } from '../../bench/sim-clock.js';

describe('SimulationClock', () => {
  it('lets concurrent workers wait at the same time: time is the longest wait, not the sum', async () => {
    const clock = new SimulationClock(0);
    const woke: [string, number][] = [];
    const worker = (name: string, waits: number[]) => async () => {
      for (const ms of waits) {
        await clock.sleep(ms);
        woke.push([name, clock.now()]);
      }
    };
    await clock.all([worker('a', [1000, 1000]), worker('b', [1500]), worker('c', [3000])]);
    expect(clock.now()).toBe(3000);
    expect(woke).toEqual([
      ['a', 1000],
      ['b', 1500],
      ['a', 2000],
      ['c', 3000],
    ]);
  });

  it('waits for a busy worker before moving time', async () => {
    const clock = new SimulationClock(0);
    let release: () => void = () => {};
    const busy = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sleeperDone = false;
    const both = clock.all([
      async () => {
        await clock.sleep(500);
        sleeperDone = true;
      },
      () => busy,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sleeperDone).toBe(false);
    release();
    await both;
    expect(sleeperDone).toBe(true);
    expect(clock.now()).toBe(500);
  });

  it('returns at once outside a worker, like a virtual clock', async () => {
    const clock = new SimulationClock(100);
    await clock.sleep(250);
    expect(clock.now()).toBe(350);
    expect(() => clock.sleep(-1)).toThrow(RangeError);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = Array.from({ length: 5 }, seededRandom(3));
    const b = Array.from({ length: 5 }, seededRandom(3));
    expect(a).toEqual(b);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 5 }, seededRandom(4))).not.toEqual(a);
  });
});
