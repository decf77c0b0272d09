/**
 * Finds an environment's resources from its stack's outputs (`SfnSlackNotifier-<env>`), so no operator ever
 * types a queue URL or state machine ARN by hand.
 */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { ACTIONS_OUTPUTS } from '../../infra/actions-schema.js';
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
  'AlarmTopicArn',
  'ReplayRoleArn',
  ACTIONS_OUTPUTS.interactivityUrl,
  ACTIONS_OUTPUTS.signingSecretArn,
  ACTIONS_OUTPUTS.stateMachineArn,
  'CentralEventBusArn',
  'SourceStackSetTargets',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

/**
 * Outputs a healthy stack may lack: one of BotTokenSecretArn (channel mode, with SlackChannel) and
 * WebhookParameterName (webhook mode, with WebhookParameterKeyArn only for a customer managed key); the three
 * Slack-actions outputs (only with `actions`); FormatterFunctionName, which no command uses; AlarmTopicArn and
 * ReplayRoleArn, which stacks deployed before them lack (replay runs as whatever the profile gives it);
 * CentralEventBusArn and SourceStackSetTargets, which only a central environment (cdk.json `sources`) has. Every
 * other output must be there.
 */
export const OPTIONAL_OUTPUTS: ReadonlySet<OutputName> = new Set<OutputName>([
  'BotTokenSecretArn',
  'SlackChannel',
  'WebhookParameterName',
  'WebhookParameterKeyArn',
  'FormatterFunctionName',
  'AlarmTopicArn',
  'ReplayRoleArn',
  // Only with Slack actions (cdk.json `actions`).
  ACTIONS_OUTPUTS.interactivityUrl,
  ACTIONS_OUTPUTS.signingSecretArn,
  ACTIONS_OUTPUTS.stateMachineArn,
  'CentralEventBusArn',
  'SourceStackSetTargets',
]);

/** The outputs every deployed stack has, whatever its Slack mode. */
export const REQUIRED_OUTPUTS: readonly OutputName[] = OUTPUT_NAMES.filter(
  (name) => !OPTIONAL_OUTPUTS.has(name)
);

export interface StackInfo {
  readonly env: string;
  readonly stackName: string;
  readonly status?: string;
  readonly outputs: Partial<Record<OutputName, string>> & Readonly<Record<string, string>>;
}

export function stackName(env: string): string {
  return `SfnSlackNotifier-${env}`;
}

/** Reads the stack's outputs; a missing stack is a CliError that says how to deploy it. */
export async function readStack(cloudFormation: CloudFormationClient, env: string): Promise<StackInfo> {
  const name = stackName(env);
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name })));
  } catch (error) {
    const err = error as { name?: string; message?: string };
    if (/does not exist/i.test(err.message ?? '')) {
      throw notDeployed(env, error);
    }
    throw toCliError(error, `read the stack ${name}`);
  }
  const stack = stacks?.[0];
  if (!stack) throw notDeployed(env);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return { env, stackName: name, ...(stack.StackStatus ? { status: stack.StackStatus } : {}), outputs };
}

/** An output the command cannot work without. */
export function requireOutput(stack: StackInfo, name: OutputName, why?: string): string {
  const value = stack.outputs[name];
  if (value === undefined || value === '') {
    throw new CliError(
      `stack ${stack.stackName} has no output ${name}${why ? ` (${why})` : ''}: redeploy it with \`npx cdk deploy -c env=${stack.env}\``,
      ExitCode.aws
    );
  }
  return value;
}

function notDeployed(env: string, cause?: unknown): CliError {
  return new CliError(
    `stack ${stackName(env)} not found in this account and region: deploy it with \`npx cdk deploy -c env=${env}\` (or pass the right --region/--profile)`,
    ExitCode.aws,
    cause === undefined ? undefined : { cause }
  );
}
