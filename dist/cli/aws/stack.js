/**
 * Finds an environment's resources from its stack's outputs (`SfnSlackNotifier-<env>`), so no operator ever
 * types a queue URL or state machine ARN by hand.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError, ExitCode } from '../errors.js';
import { toCliError } from './errors.js';
/** The CfnOutputs the stack defines (infra/stacks/notifier-stack.ts). */
export const OUTPUT_NAMES = [
    'NotifierStateMachineArn',
    'DeliveryStateMachineArn',
    'QueueUrl',
    'QueueArn',
    'DeadLetterQueueUrl',
    'DeadLetterQueueArn',
    'ConnectionArn',
    'ConnectionName',
    'BotTokenSecretArn',
    'SlackChannel',
    'WebhookParameterName',
    'WebhookParameterKeyArn',
    'FormatterFunctionName',
];
/**
 * Outputs a healthy stack may lack: one of BotTokenSecretArn (channel mode, with SlackChannel) and
 * WebhookParameterName (webhook mode, with WebhookParameterKeyArn only for a customer managed key); and
 * FormatterFunctionName, which no command uses. Every other output must be there.
 */
export const OPTIONAL_OUTPUTS = new Set([
    'BotTokenSecretArn',
    'SlackChannel',
    'WebhookParameterName',
    'WebhookParameterKeyArn',
    'FormatterFunctionName',
]);
/** The outputs every deployed stack has, whatever its Slack mode. */
export const REQUIRED_OUTPUTS = OUTPUT_NAMES.filter((name) => !OPTIONAL_OUTPUTS.has(name));
export function stackName(env) {
    return `SfnSlackNotifier-${env}`;
}
/** Reads the stack's outputs; a missing stack is a CliError that says how to deploy it. */
export async function readStack(cloudFormation, env) {
    const name = stackName(env);
    let stacks;
    try {
        ({ Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name })));
    }
    catch (error) {
        const err = error;
        if (/does not exist/i.test(err.message ?? '')) {
            throw notDeployed(env, error);
        }
        throw toCliError(error, `read the stack ${name}`);
    }
    const stack = stacks?.[0];
    if (!stack)
        throw notDeployed(env);
    const outputs = {};
    for (const output of stack.Outputs ?? []) {
        if (output.OutputKey && output.OutputValue !== undefined)
            outputs[output.OutputKey] = output.OutputValue;
    }
    return { env, stackName: name, ...(stack.StackStatus ? { status: stack.StackStatus } : {}), outputs };
}
/** An output the command cannot work without. */
export function requireOutput(stack, name, why) {
    const value = stack.outputs[name];
    if (value === undefined || value === '') {
        throw new CliError(`stack ${stack.stackName} has no output ${name}${why ? ` (${why})` : ''}: redeploy it with \`npx cdk deploy -c env=${stack.env}\``, ExitCode.aws);
    }
    return value;
}
function notDeployed(env, cause) {
    return new CliError(`stack ${stackName(env)} not found in this account and region: deploy it with \`npx cdk deploy -c env=${env}\` (or pass the right --region/--profile)`, ExitCode.aws, cause === undefined ? undefined : { cause });
}
