/** Time source for the runner: virtual in tests (waits and retries cost nothing), real for live runs. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; a virtual clock advances its time instead of waiting. */
  sleep(ms: number): Promise<void>;
}

/** A clock that only moves when something sleeps on it. */
export class VirtualClock implements Clock {
  private current: number;

  /** @param startMs first reading, epoch ms. @default Date.UTC(2026, 0, 1) */
  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`VirtualClock.sleep: invalid duration ${ms}`);
    this.current += ms;
  }
}

/** Wall-clock time. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
