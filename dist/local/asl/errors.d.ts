/** Thrown by a resource handler (or by the runner) to fail a state with a named error. */
export declare class StatesError extends Error {
    readonly error: string;
    readonly cause?: string | undefined;
    constructor(error: string, cause?: string | undefined);
}
/**
 * The definition cannot run: invalid ASL, a JSONPath-only field, or a feature the local runner does not
 * implement. Thrown by `runStateMachine` before the execution starts.
 */
export declare class AslDefinitionError extends Error {
    constructor(message: string);
}
/** Error names with a meaning to the interpreter. */
export declare const ERR: {
    readonly ALL: "States.ALL";
    readonly TaskFailed: "States.TaskFailed";
    readonly Timeout: "States.Timeout";
    readonly Runtime: "States.Runtime";
    readonly DataLimitExceeded: "States.DataLimitExceeded";
    readonly QueryEvaluationError: "States.QueryEvaluationError";
    readonly NoChoiceMatched: "States.NoChoiceMatched";
    readonly BranchFailed: "States.BranchFailed";
};
/** Turns anything a handler threw into a StatesError; a plain Error fails like a Lambda function error. */
export declare function toStatesError(thrown: unknown): StatesError;
