import { StatesError } from '../asl/index.js';
/**
 * The `aws-sdk:ssm:getParameter` stand-in for webhook mode: answers from the given parameters (name → value)
 * in the integration's shape, `{ Parameter: { Name, Type, Value, Version, … } }`. Values are secrets: nothing
 * here logs them.
 */
export function ssmGetParameterHandler(parameters, region = 'us-east-1') {
    return async (task) => {
        const args = (task.arguments ?? {});
        const name = typeof args.Name === 'string' ? args.Name : '';
        const value = parameters[name];
        if (value === undefined)
            throw new StatesError('Ssm.ParameterNotFoundException', 'ParameterNotFound');
        return {
            Parameter: {
                Name: name,
                Type: 'SecureString',
                Value: args.WithDecryption === true ? value : 'AQICAHlocal-encrypted-value',
                Version: 1,
                DataType: 'text',
                ARN: `arn:aws:ssm:${region}:000000000000:parameter${name.startsWith('/') ? '' : '/'}${name}`,
            },
        };
    };
}
