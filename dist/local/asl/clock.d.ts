/** Time source for the runner: virtual in tests (waits and retries cost nothing), real for live runs. */
export interface Clock {
    /** Epoch milliseconds. */
    now(): number;
    /** Resolves after `ms`; a virtual clock advances its time instead of waiting. */
    sleep(ms: number): Promise<void>;
}
/** A clock that only moves when something sleeps on it. */
export declare class VirtualClock implements Clock {
    private current;
    /** @param startMs first reading, epoch ms. @default Date.UTC(2026, 0, 1) */
    constructor(startMs?: number);
    now(): number;
    sleep(ms: number): Promise<void>;
}
/** Wall-clock time. */
export declare class RealClock implements Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}
