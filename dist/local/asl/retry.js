import { ERR } from './errors.js';
/**
 * Whether an ErrorEquals list matches an error, as AWS documents it: names match exactly;
 * `States.ALL` matches everything but `States.DataLimitExceeded` and `States.Runtime`;
 * `States.TaskFailed` matches everything but `States.Timeout` (and those two terminal errors).
 * `States.DataLimitExceeded` is still caught when named explicitly (a real AWS execution does that).
 * `States.Runtime` is never retried nor caught ("will always cause the execution to fail").
 */
export function errorMatches(errorEquals, error) {
    if (error === ERR.Runtime)
        return false;
    if (errorEquals.includes(error))
        return true;
    if (error === ERR.DataLimitExceeded)
        return false;
    if (errorEquals.includes(ERR.ALL))
        return true;
    return errorEquals.includes(ERR.TaskFailed) && error !== ERR.Timeout;
}
export function findRetrier(retriers, error) {
    return retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
}
export function findCatcher(catchers, error) {
    return catchers.find((c) => errorMatches(c.ErrorEquals, error));
}
/**
 * Delay before retry number `attempt` (0-based, counted per retrier) in milliseconds:
 * IntervalSeconds × BackoffRate^attempt, capped at MaxDelaySeconds, then with FULL jitter a uniform
 * random fraction of that.
 */
export function retryDelayMs(retrier, attempt, random) {
    let seconds = retrier.IntervalSeconds * retrier.BackoffRate ** attempt;
    if (retrier.MaxDelaySeconds !== undefined)
        seconds = Math.min(seconds, retrier.MaxDelaySeconds);
    if (retrier.JitterStrategy === 'FULL')
        seconds *= random();
    return seconds * 1000;
}
