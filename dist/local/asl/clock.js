/** A clock that only moves when something sleeps on it. */
export class VirtualClock {
    current;
    /** @param startMs first reading, epoch ms. @default Date.UTC(2026, 0, 1) */
    constructor(startMs = Date.UTC(2026, 0, 1)) {
        this.current = startMs;
    }
    now() {
        return this.current;
    }
    async sleep(ms) {
        if (!Number.isFinite(ms) || ms < 0)
            throw new RangeError(`VirtualClock.sleep: invalid duration ${ms}`);
        this.current += ms;
    }
}
/** Wall-clock time. */
export class RealClock {
    now() {
        return Date.now();
    }
    sleep(ms) {
        return new Promise((resolve) => setTimeout(resolve, ms));
    }
}
