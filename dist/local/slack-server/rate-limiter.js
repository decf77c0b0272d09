/** A token bucket per key (channel or webhook), on the given clock so virtual time refills it too. */
export class RateLimiter {
    clock;
    buckets = new Map();
    burst;
    perMs;
    constructor(clock, limit = {}) {
        this.clock = clock;
        this.burst = limit.burst ?? 3;
        this.perMs = (limit.perSecond ?? 1) / 1000;
    }
    /**
     * Takes one token for `key`.
     * @returns 0 when allowed, else the whole seconds to wait (the `Retry-After` value, at least 1).
     */
    take(key) {
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
