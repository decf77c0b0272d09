/**
 * Faults of an in-process Lambda function (the formatter's, for scenario `formatter` steps and the fault matrix): the
 * next invocations throw, as an unhandled exception fails the Lambda task with the error's name, or take longer
 * (on the pipeline's clock) before they answer, so a task whose `TimeoutSeconds` passes fails with `States.Timeout`
 * as on AWS.
 */
import { FaultQueue, type QueuedFault } from './fault-queue.js';
import type { InProcessHandler } from './lambda.js';

export const FUNCTION_FAILURES = ['throws', 'slow'] as const;
export type FunctionFailure = (typeof FUNCTION_FAILURES)[number];

export interface FunctionFault extends QueuedFault<FunctionFailure> {
  /** `slow`: how long each invocation takes before it answers, seconds. */
  readonly seconds?: number;
}

export class FunctionFaults {
  private readonly faults: FaultQueue<FunctionFault>;

  constructor(private readonly clock: { now(): number; sleep(ms: number): Promise<void> }) {
    this.faults = new FaultQueue<FunctionFault>(clock, FUNCTION_FAILURES);
  }

  /** Invocations a fault answered, by kind. */
  get served(): Readonly<Record<FunctionFailure, number>> {
    return this.faults.served;
  }

  inject(fault: FunctionFault): void {
    this.faults.inject(fault);
  }

  clear(): void {
    this.faults.clear();
  }

  /** The handler with the injected faults in front of it. */
  wrap(handler: InProcessHandler): InProcessHandler {
    return async (payload: never) => {
      const fault = this.faults.take();
      if (fault?.fail === 'throws') {
        throw new TypeError("Cannot read properties of undefined (reading 'events') (injected fault)");
      }
      if (fault?.fail === 'slow') await this.clock.sleep((fault.seconds ?? 0) * 1000);
      return handler(payload);
    };
  }
}
