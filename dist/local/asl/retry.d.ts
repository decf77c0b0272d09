import type { Catcher, Retrier } from './definition.js';
/**
 * Whether an ErrorEquals list matches an error, as AWS documents it: names match exactly;
 * `States.ALL` matches everything but `States.DataLimitExceeded` and `States.Runtime`;
 * `States.TaskFailed` matches everything but `States.Timeout` (and those two terminal errors).
 * `States.DataLimitExceeded` is still caught when named explicitly (a real AWS execution does that).
 * `States.Runtime` is never retried nor caught ("will always cause the execution to fail").
 */
export declare function errorMatches(errorEquals: readonly string[], error: string): boolean;
export declare function findRetrier(retriers: readonly Retrier[], error: string): number;
export declare function findCatcher(catchers: readonly Catcher[], error: string): Catcher | undefined;
/**
 * Delay before retry number `attempt` (0-based, counted per retrier) in milliseconds:
 * IntervalSeconds × BackoffRate^attempt, capped at MaxDelaySeconds, then with FULL jitter a uniform
 * random fraction of that.
 */
export declare function retryDelayMs(retrier: Retrier, attempt: number, random: () => number): number;
