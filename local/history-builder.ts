/**
 * Builds GetExecutionHistory pages (API shape, epoch-second timestamps) for generated cases: very long
 * histories, many steps, huge causes. Event linking follows the API: each event's previousEventId is the
 * event before it in the same state, the first state's is 0.
 */
export interface RawEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: number;
  [details: string]: unknown;
}

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export function executionArn(name: string, stateMachine = 'generated'): string {
  return `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachine}:${name}`;
}

export class HistoryBuilder {
  readonly events: RawEvent[] = [];
  private t: number;

  constructor(startEpochSeconds = 1_764_040_800) {
    this.t = startEpochSeconds;
  }

  add(
    type: string,
    previousEventId: number,
    detailsKey?: string,
    details?: Record<string, unknown>,
    dt = 0.5
  ) {
    this.t += dt;
    const event: RawEvent = {
      id: this.events.length + 1,
      previousEventId,
      type,
      timestamp: Math.round(this.t * 1000) / 1000,
    };
    if (detailsKey) event[detailsKey] = details ?? {};
    this.events.push(event);
    return event.id;
  }

  started(): number {
    return this.add('ExecutionStarted', 0, 'executionStartedEventDetails', { input: '{}' }, 0);
  }

  /**
   * A task that succeeds (or fails with `error`/`cause` on every attempt when `fail`): a Lambda invoke, or the
   * service integration `service` names (`{ resourceType: 'ecs', resource: 'runTask.sync' }`).
   */
  task(
    name: string,
    prev: number,
    options: {
      fail?: { error: string; cause: string };
      exit?: boolean;
      failedAttemptsFirst?: number;
      service?: { resourceType: string; resource: string };
    } = {}
  ) {
    let entered = this.add('TaskStateEntered', prev, 'stateEnteredEventDetails', { name });
    const detail = options.service ?? { resourceType: 'lambda', resource: 'invoke' };
    // Retried attempts: each one scheduled, started and failed before the next.
    for (let i = 0; i < (options.failedAttemptsFirst ?? 0); i++) {
      const s = this.add('TaskScheduled', entered, 'taskScheduledEventDetails', detail);
      const st = this.add('TaskStarted', s, 'taskStartedEventDetails', detail);
      entered = this.add('TaskFailed', st, 'taskFailedEventDetails', {
        ...detail,
        error: 'Retryable',
        cause: `attempt ${i + 1} failed`,
      });
    }
    const scheduled = this.add(
      'TaskScheduled',
      entered,
      'taskScheduledEventDetails',
      options.service
        ? detail
        : {
            ...detail,
            parameters: JSON.stringify({
              FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-${name}`,
            }),
          }
    );
    const started = this.add('TaskStarted', scheduled, 'taskStartedEventDetails', detail);
    if (options.fail) {
      return this.add('TaskFailed', started, 'taskFailedEventDetails', { ...detail, ...options.fail }, 2);
    }
    const succeeded = this.add('TaskSucceeded', started, 'taskSucceededEventDetails', detail, 2);
    if (options.exit === false) return succeeded;
    return this.add('TaskStateExited', succeeded, 'stateExitedEventDetails', { name });
  }

  succeed(prev: number): number {
    return this.add('ExecutionSucceeded', prev, 'executionSucceededEventDetails', {});
  }

  fail(prev: number, error: string, cause: string): number {
    return this.add('ExecutionFailed', prev, 'executionFailedEventDetails', { error, cause });
  }

  /** Pages of at most `size` events, newest first when `reverse` (like `reverseOrder: true`). */
  pages(size = 1_000, reverse = false): { events: RawEvent[]; nextToken?: string }[] {
    const events = reverse ? [...this.events].reverse() : this.events;
    const pages: { events: RawEvent[]; nextToken?: string }[] = [];
    for (let i = 0; i < events.length; i += size) pages.push({ events: events.slice(i, i + size) });
    return pages;
  }
}

/**
 * A ~25,000-event history: a Map over `iterations` items, each iteration running one Lambda task that fails
 * every `failEvery`-th time with a 32 KiB cause (the failure caught inside the iteration by a Pass), then the
 * execution fails in a final task with a 32 KiB cause.
 */
export function bigHistory(iterations = 3_549, failEvery = 50): HistoryBuilder {
  const b = new HistoryBuilder();
  b.started();
  const bigCause = JSON.stringify({ errorType: 'HugeError', errorMessage: 'x'.repeat(32 * 1024 - 60) });
  const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'ProcessAll' });
  let prev = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: iterations });
  for (let i = 0; i < iterations; i++) {
    const it = b.add('MapIterationStarted', prev, 'mapIterationStartedEventDetails', {
      name: 'ProcessAll',
      index: i,
    });
    if (i % failEvery === 0) {
      const failed = b.task('ProcessItem', it, { fail: { error: 'HugeError', cause: bigCause } });
      const exited = b.add('TaskStateExited', failed, 'stateExitedEventDetails', { name: 'ProcessItem' });
      const pass = b.add('PassStateEntered', exited, 'stateEnteredEventDetails', { name: 'Recover' });
      prev = b.add('PassStateExited', pass, 'stateExitedEventDetails', { name: 'Recover' });
    } else {
      prev = b.task('ProcessItem', it);
    }
    b.add('MapIterationSucceeded', prev, 'mapIterationSucceededEventDetails', {
      name: 'ProcessAll',
      index: i,
    });
  }
  const ok = b.add('MapStateSucceeded', prev);
  const exited = b.add('MapStateExited', ok, 'stateExitedEventDetails', { name: 'ProcessAll' });
  const last = b.task('Publish', exited, { fail: { error: 'HugeError', cause: bigCause } });
  b.fail(last, 'HugeError', bigCause);
  return b;
}
