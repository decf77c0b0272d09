/**
 * The `lambda:invoke` stand-in: calls a handler in process with the task's `Payload`, and answers like the
 * optimized Lambda integration, `{ Payload, StatusCode: 200, ExecutedVersion: '$LATEST' }`. The payload goes
 * through JSON both ways, as it would over the wire. A thrown error fails the task with its name and a
 * `{"errorType","errorMessage"}` cause (the runner does that for any plain Error).
 */
export type InProcessHandler = (payload: never) => Promise<unknown>;

export function lambdaInvokeHandler(functions: Readonly<Record<string, InProcessHandler>>) {
  return async (task: { arguments: unknown }): Promise<unknown> => {
    const args = (task.arguments ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const name = typeof args.FunctionName === 'string' ? args.FunctionName : '';
    const handler = functions[name];
    if (!handler) {
      const error = new Error(`Function not found: ${name}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const payload = JSON.parse(JSON.stringify(args.Payload ?? {})) as never;
    const result = await handler(payload);
    return {
      Payload: result === undefined ? null : JSON.parse(JSON.stringify(result)),
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    };
  };
}
