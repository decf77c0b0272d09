/** Execution statuses: what the EventBridge rule can match and what routes name. */
export const EXECUTION_STATUSES = [
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'SUCCEEDED',
  'RUNNING',
  'PENDING_REDRIVE',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** The statuses notified when neither the environment nor the route lists its own. */
export const DEFAULT_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'];

/** The statuses that carry a route's mention (a success pings nobody). */
export const FAILING_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** Whether a status reports a failure (mentions, redrive buttons, thread replies shown in the channel). */
export function isFailingStatus(status: string): boolean {
  return (FAILING_STATUSES as readonly string[]).includes(status);
}

export function isExecutionStatus(value: unknown): value is ExecutionStatus {
  return typeof value === 'string' && (EXECUTION_STATUSES as readonly string[]).includes(value);
}
