/**
 * Injected faults waiting their turn, shared by the stand-ins that take them (the message store, an in-process
 * function): the first queued fault answers the next requests until it is spent (`count` of them, or only every
 * `every`-th) or, with `untilMs`, every request until that time on the stand-in's clock.
 */
export interface QueuedFault<K extends string = string> {
  readonly fail: K;
  readonly count: number;
  /** Only every `every`-th request fails (1 in 10: `every: 10`). @default 1 */
  readonly every?: number;
  /** Every request fails until this time (epoch ms, the clock's), whatever `count` says. */
  readonly untilMs?: number;
}

export class FaultQueue<F extends QueuedFault> {
  private readonly queue: Array<{ fault: F; left: number; seen: number }> = [];
  /** Requests a fault answered, by kind. */
  readonly served: Record<F['fail'], number>;

  constructor(
    private readonly clock: { now(): number },
    kinds: readonly F['fail'][]
  ) {
    this.served = Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<F['fail'], number>;
  }

  inject(fault: F): void {
    this.queue.push({ fault, left: fault.count, seen: 0 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault this request meets, if any. */
  take(): F | undefined {
    const current = this.queue[0];
    if (!current) return undefined;
    const until = current.fault.untilMs;
    if (until !== undefined) {
      if (this.clock.now() >= until) {
        this.queue.shift();
        return this.take();
      }
    } else {
      current.seen += 1;
      if (current.seen % (current.fault.every ?? 1) !== 0) return undefined;
      current.left -= 1;
      if (current.left <= 0) this.queue.shift();
    }
    this.served[current.fault.fail as F['fail']] += 1;
    return current.fault;
  }
}
