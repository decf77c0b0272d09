/**
 * A discrete-event clock for running several workers (one Pipe per channel) "at the same time" on virtual
 * time. A plain VirtualClock adds every sleep to one shared time, so concurrent sleeps would add up; here time
 * moves to the earliest wake-up only once every registered worker is asleep, as it would if they ran in
 * parallel. Work between sleeps (HTTP to the local server, JSONata) takes no simulated time.
 */
import type { Clock } from '../local/asl/index.js';

interface Sleeper {
  readonly at: number;
  readonly order: number;
  readonly wake: () => void;
}

export class SimulationClock implements Clock {
  private current: number;
  private workers = 0;
  private order = 0;
  private readonly sleepers: Sleeper[] = [];

  /** @param startMs first reading, epoch ms */
  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`SimulationClock.sleep: invalid duration ${ms}`);
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.current + ms, order: this.order++, wake: resolve });
      this.advanceIfAllAsleep();
    });
  }

  /**
   * Runs the works as concurrent workers: time waits for any of them that is busy (not sleeping). All are
   * counted before any starts, so the first one's sleep cannot move time while the others are still starting.
   */
  all<T>(works: readonly (() => Promise<T>)[]): Promise<T[]> {
    this.workers += works.length;
    return Promise.all(
      works.map(async (work) => {
        try {
          return await work();
        } finally {
          this.workers -= 1;
          this.advanceIfAllAsleep();
        }
      })
    );
  }

  /** Outside `run` (no workers) a sleep returns at once, like VirtualClock. */
  private advanceIfAllAsleep(): void {
    if (this.sleepers.length === 0 || this.sleepers.length < this.workers) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
    const next = this.sleepers.shift() as Sleeper;
    this.current = Math.max(this.current, next.at);
    next.wake();
  }
}

/** A small seeded PRNG (mulberry32) so retry jitter is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
