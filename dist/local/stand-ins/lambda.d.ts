/**
 * The `lambda:invoke` stand-in: calls a handler in process with the task's `Payload`, and answers like the
 * optimized Lambda integration, `{ Payload, StatusCode: 200, ExecutedVersion: '$LATEST' }`. The payload goes
 * through JSON both ways, as it would over the wire. A thrown error fails the task with its name and a
 * `{"errorType","errorMessage"}` cause (the runner does that for any plain Error).
 */
export type InProcessHandler = (payload: never) => Promise<unknown>;
export declare function lambdaInvokeHandler(functions: Readonly<Record<string, InProcessHandler>>): (task: {
    arguments: unknown;
}) => Promise<unknown>;
