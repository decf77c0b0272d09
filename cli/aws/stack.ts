/**
 * Finds an environment's resources from its stack's outputs (`SfnSlackNotifier-<env>`), so no operator ever
 * types a queue URL or state machine ARN by hand.
 */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import {
  notifierStackName,
  OPTIONAL_OUTPUTS,
  OUTPUT_NAMES,
  type OutputName,
} from '../../contract/outputs.js';
import { CliError, ExitCode } from '../errors.js';
import { toCliError } from './errors.js';

export { OPTIONAL_OUTPUTS, OUTPUT_NAMES, type OutputName } from '../../contract/outputs.js';

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
  return notifierStackName(env);
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
