/** Thrown by a resource handler (or by the runner) to fail a state with a named error. */
export class StatesError extends Error {
    error;
    cause;
    constructor(error, cause) {
        super(cause === undefined ? error : `${error}: ${cause}`);
        this.error = error;
        this.cause = cause;
        this.name = 'StatesError';
    }
}
/**
 * The definition cannot run: invalid ASL, a JSONPath-only field, or a feature the local runner does not
 * implement. Thrown by `runStateMachine` before the execution starts.
 */
export class AslDefinitionError extends Error {
    constructor(message) {
        super(message);
        this.name = 'AslDefinitionError';
    }
}
/** Error names with a meaning to the interpreter. */
export const ERR = {
    ALL: 'States.ALL',
    TaskFailed: 'States.TaskFailed',
    Timeout: 'States.Timeout',
    Runtime: 'States.Runtime',
    DataLimitExceeded: 'States.DataLimitExceeded',
    QueryEvaluationError: 'States.QueryEvaluationError',
    NoChoiceMatched: 'States.NoChoiceMatched',
    BranchFailed: 'States.BranchFailed',
};
/** Turns anything a handler threw into a StatesError; a plain Error fails like a Lambda function error. */
export function toStatesError(thrown) {
    if (thrown instanceof StatesError)
        return thrown;
    if (thrown instanceof Error) {
        const errorType = thrown.name || 'Error';
        return new StatesError(errorType, JSON.stringify({ errorType, errorMessage: thrown.message }));
    }
    return new StatesError('Error', JSON.stringify({ errorType: 'Error', errorMessage: String(thrown) }));
}
