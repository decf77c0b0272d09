/**
 * The `aws-sdk:ssm:getParameter` stand-in for webhook mode: answers from the given parameters (name → value)
 * in the integration's shape, `{ Parameter: { Name, Type, Value, Version, … } }`. Values are secrets: nothing
 * here logs them.
 */
export declare function ssmGetParameterHandler(parameters: Readonly<Record<string, string>>, region?: string): (task: {
    arguments: unknown;
}) => Promise<unknown>;
