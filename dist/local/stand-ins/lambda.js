export function lambdaInvokeHandler(functions) {
    return async (task) => {
        const args = (task.arguments ?? {});
        const name = typeof args.FunctionName === 'string' ? args.FunctionName : '';
        const handler = functions[name];
        if (!handler) {
            const error = new Error(`Function not found: ${name}`);
            error.name = 'Lambda.ResourceNotFoundException';
            throw error;
        }
        const payload = JSON.parse(JSON.stringify(args.Payload ?? {}));
        const result = await handler(payload);
        return {
            Payload: result === undefined ? null : JSON.parse(JSON.stringify(result)),
            StatusCode: 200,
            ExecutedVersion: '$LATEST',
        };
    };
}
