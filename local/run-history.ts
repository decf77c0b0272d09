/**
 * A small GetExecutionHistory (API shape, epoch-second timestamps) for one run: Extract, then Load, succeeding or
 * failing in `failIn` with `error`. For scenarios of many runs (examples/scenarios/is-this-normal, made by
 * scripts/is-this-normal-scenario.ts) and the run context's tests.
 */
export interface RunHistoryOptions {
  readonly startMs: number;
  readonly stopMs: number;
  readonly failIn?: string;
  readonly error?: string;
  readonly cause?: string;
}

export function runHistory(options: RunHistoryOptions): { events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [];
  const t0 = options.startMs / 1000;
  const t1 = options.stopMs / 1000;
  let prev = 0;
  const add = (type: string, at: number, details?: [string, Record<string, unknown>]) => {
    const event: Record<string, unknown> = {
      id: events.length + 1,
      previousEventId: prev,
      type,
      timestamp: at,
      ...(details ? { [details[0]]: details[1] } : {}),
    };
    events.push(event);
    prev = event.id as number;
  };
  add('ExecutionStarted', t0, ['executionStartedEventDetails', {}]);
  const states = ['Extract', 'Load'];
  const span = (t1 - t0) / states.length;
  for (const [i, name] of states.entries()) {
    const start = t0 + i * span;
    add('TaskStateEntered', start, ['stateEnteredEventDetails', { name }]);
    add('TaskScheduled', start, [
      'taskScheduledEventDetails',
      { resource: 'invoke', resourceType: 'lambda' },
    ]);
    add('TaskStarted', start, ['taskStartedEventDetails', { resource: 'invoke', resourceType: 'lambda' }]);
    if (options.failIn === name) {
      const detail = { error: options.error ?? 'States.TaskFailed', cause: options.cause ?? 'failed' };
      add('TaskFailed', t1, [
        'taskFailedEventDetails',
        { resource: 'invoke', resourceType: 'lambda', ...detail },
      ]);
      add('ExecutionFailed', t1, ['executionFailedEventDetails', detail]);
      return { events };
    }
    add('TaskSucceeded', start + span, [
      'taskSucceededEventDetails',
      { resource: 'invoke', resourceType: 'lambda' },
    ]);
    add('TaskStateExited', start + span, ['stateExitedEventDetails', { name }]);
  }
  add('ExecutionSucceeded', t1, ['executionSucceededEventDetails', {}]);
  return { events };
}
