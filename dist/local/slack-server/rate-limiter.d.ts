/** Anything that tells the time in epoch milliseconds (the local runner's virtual clock fits). */
export interface TimeSource {
    now(): number;
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
export declare class RateLimiter {
    private readonly clock;
    private readonly buckets;
    private readonly burst;
    private readonly perMs;
    constructor(clock: TimeSource, limit?: RateLimit);
    /**
     * Takes one token for `key`.
     * @returns 0 when allowed, else the whole seconds to wait (the `Retry-After` value, at least 1).
     */
    take(key: string): number;
}
