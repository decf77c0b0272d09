/**
 * Faults of an in-process Lambda function (the formatter's, for scenario `formatter` steps and the fault matrix): the
 * next invocations throw, as an unhandled exception fails the Lambda task with the error's name, or take longer
 * (on the pipeline's clock) before they answer, so a task whose `TimeoutSeconds` passes fails with `States.Timeout`
 * as on AWS.
 */
import type { InProcessHandler } from './lambda.js';

export const FUNCTION_FAILURES = ['throws', 'slow'] as const;
export type FunctionFailure = (typeof FUNCTION_FAILURES)[number];

export interface FunctionFault {
  readonly fail: FunctionFailure;
  readonly count: number;
  /** `slow`: how long each invocation takes before it answers, seconds. */
  readonly seconds?: number;
  /** Only every `every`-th invocation fails (1 in 10: `every: 10`). @default 1 */
  readonly every?: number;
  /** Every invocation fails until this time (epoch ms, the clock's), whatever `count` says. */
  readonly untilMs?: number;
}

export class FunctionFaults {
  private readonly queue: Array<{ fault: FunctionFault; left: number; seen: number }> = [];
  /** Invocations a fault answered, by kind. */
  readonly served: Record<FunctionFailure, number> = { throws: 0, slow: 0 };

  constructor(private readonly clock: { now(): number; sleep(ms: number): Promise<void> }) {}

  inject(fault: FunctionFault): void {
    this.queue.push({ fault, left: fault.count, seen: 0 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  private take(): FunctionFault | undefined {
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
    this.served[current.fault.fail] += 1;
    return current.fault;
  }

  /** The handler with the injected faults in front of it. */
  wrap(handler: InProcessHandler): InProcessHandler {
    return async (payload: never) => {
      const fault = this.take();
      if (fault?.fail === 'throws') {
        throw new TypeError("Cannot read properties of undefined (reading 'events') (injected fault)");
      }
      if (fault?.fail === 'slow') await this.clock.sleep((fault.seconds ?? 0) * 1000);
      return handler(payload);
    };
  }
}
