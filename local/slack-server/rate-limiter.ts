/** Anything that tells the time in epoch milliseconds (the local runner's virtual clock fits). */
export interface TimeSource {
  now(): number;
  /** Waits on this clock (a virtual clock moves on at once); without it a held request waits real time. */
  sleep?(ms: number): Promise<void>;
}

export interface RateLimit {
  /**
   * Messages a channel may receive at once before the limit applies.
   * @default 3
   */
  readonly burst?: number;
  /**
   * Sustained rate once the burst is spent, per channel.
   * @default 1 (Slack's "about one message per second per channel")
   */
  readonly perSecond?: number;
}

/** A token bucket per key (channel or webhook), on the given clock so virtual time refills it too. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;
  private readonly perMs: number;

  constructor(
    private readonly clock: TimeSource,
    limit: RateLimit = {}
  ) {
    this.burst = limit.burst ?? 3;
    this.perMs = (limit.perSecond ?? 1) / 1000;
  }

  /**
   * Takes one token for `key`.
   * @returns 0 when allowed, else the whole seconds to wait (the `Retry-After` value, at least 1).
   */
  take(key: string): number {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}
