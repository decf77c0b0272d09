/**
 * Finds a notifier's resources so no operator ever types a queue URL or state machine ARN by hand:
 *
 * - `--env <name>`: the outputs of the stack `SfnSlackNotifier-<name>` (this repository's stacks);
 * - `--notifier-name <name>`: the descriptor parameter of the SlackNotifier with that environmentName, in any stack
 *   (contract/operator-descriptor.ts; infra/constructs/operator-descriptor.ts writes it);
 * - `--stack <name>`: that stack's outputs when it has this project's, else the descriptor of the one
 *   SlackNotifier it holds.
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  descriptorParameterName,
  notifierOfParameter,
  type OperatorDescriptor,
  parseDescriptor,
} from '../../contract/operator-descriptor.js';
import {
  notifierStackName,
  OPTIONAL_OUTPUTS,
  OUTPUT_NAMES,
  type OutputName,
} from '../../contract/outputs.js';
import { CliError, ExitCode } from '../errors.js';
import { toCliError } from './errors.js';
import type { NotifierTarget } from './options.js';

export { OPTIONAL_OUTPUTS, OUTPUT_NAMES, type OutputName } from '../../contract/outputs.js';

/** The outputs every deployed stack has, whatever its Slack mode. */
export const REQUIRED_OUTPUTS: readonly OutputName[] = OUTPUT_NAMES.filter(
  (name) => !OPTIONAL_OUTPUTS.has(name)
);

export interface StackInfo {
  /** The environment (the notifier's environmentName). */
  readonly env: string;
  readonly stackName: string;
  readonly status?: string;
  readonly outputs: Partial<Record<OutputName, string>> & Readonly<Record<string, string>>;
  /** How to redeploy it, for messages: `npx cdk deploy -c env=<env>` or the user's own stack. */
  readonly redeploy: string;
  /** The option that names it again in "run this next" hints: `--env prod`, `--stack app`, `--notifier-name prod`. */
  readonly flag: string;
  /** The descriptor it was found by (`--notifier-name`, or `--stack` without this project's outputs). */
  readonly descriptor?: OperatorDescriptor;
}

export function stackName(env: string): string {
  return notifierStackName(env);
}

/** The clients readStack uses. */
export interface StackClients {
  readonly cloudFormation: CloudFormationClient;
  readonly ssm: SSMClient;
}

/** What a target is called in messages before it is found. */
export function targetLabel(target: NotifierTarget | string): string {
  const t = typeof target === 'string' ? ({ kind: 'env', env: target } as const) : target;
  return t.kind === 'env'
    ? `environment ${t.env} (stack ${stackName(t.env)})`
    : t.kind === 'stack'
      ? `stack ${t.stack}`
      : `notifier ${t.notifier} (${descriptorParameterName(t.notifier)})`;
}

/**
 * Reads the notifier's resources; a missing stack or descriptor is a CliError that says how to deploy it or how
 * to point at it. A string is `--env`.
 */
export async function readStack(
  clients: StackClients | CloudFormationClient,
  target: NotifierTarget | string
): Promise<StackInfo> {
  const t: NotifierTarget = typeof target === 'string' ? { kind: 'env', env: target } : target;
  const cloudFormation = 'cloudFormation' in clients ? clients.cloudFormation : clients;
  const ssm = 'ssm' in clients ? clients.ssm : undefined;
  if (t.kind === 'env') {
    const stack = await describeStack(cloudFormation, stackName(t.env), () => notDeployed(t.env));
    return {
      env: t.env,
      stackName: stackName(t.env),
      ...(stack.StackStatus ? { status: stack.StackStatus } : {}),
      outputs: outputsOf(stack),
      redeploy: `redeploy it with \`npx cdk deploy -c env=${t.env}\``,
      flag: `--env ${t.env}`,
    };
  }
  if (!ssm) throw new Error('readStack: --stack and --notifier-name need an SSM client');
  if (t.kind === 'notifier') {
    const descriptor = await readDescriptor(ssm, descriptorParameterName(t.notifier));
    const stack = await describeStack(
      cloudFormation,
      descriptor.stackName,
      () =>
        new CliError(
          `stack ${descriptor.stackName} of notifier ${t.notifier} is gone (its descriptor ${descriptorParameterName(t.notifier)} remains): redeploy it`,
          ExitCode.aws
        )
    );
    return fromDescriptor(descriptor, stack, `--notifier-name ${t.notifier}`);
  }
  const stack = await describeStack(
    cloudFormation,
    t.stack,
    () =>
      new CliError(
        `stack ${t.stack} not found in this account and region: check the name (aws cloudformation list-stacks) or pass the right --region/--profile`,
        ExitCode.aws
      )
  );
  const outputs = outputsOf(stack);
  if (outputs.NotifierStateMachineArn !== undefined) {
    const env = /^SfnSlackNotifier-(.+)$/.exec(t.stack)?.[1] ?? t.stack;
    return {
      env,
      stackName: t.stack,
      ...(stack.StackStatus ? { status: stack.StackStatus } : {}),
      outputs,
      redeploy:
        env === t.stack
          ? `redeploy the stack ${t.stack}`
          : `redeploy it with \`npx cdk deploy -c env=${env}\``,
      flag: `--stack ${t.stack}`,
    };
  }
  const notifiers = await descriptorsIn(cloudFormation, t.stack);
  if (notifiers.length !== 1) {
    throw new CliError(
      notifiers.length === 0
        ? `stack ${t.stack} holds no sfn-slack notifier (no ${descriptorParameterName('<name>')} parameter): deploy a SlackNotifier in it, or name another stack`
        : `stack ${t.stack} holds ${notifiers.length} notifiers (${notifiers.join(', ')}): pass --notifier-name <name> instead of --stack`,
      ExitCode.badInput
    );
  }
  return fromDescriptor(
    await readDescriptor(ssm, descriptorParameterName(notifiers[0] as string)),
    stack,
    `--stack ${t.stack}`
  );
}

/** An output the command cannot work without. */
export function requireOutput(stack: StackInfo, name: OutputName, why?: string): string {
  const value = stack.outputs[name];
  if (value === undefined || value === '') {
    throw new CliError(
      `${stack.descriptor ? `the descriptor of notifier ${stack.env}` : `stack ${stack.stackName}`} has no output ${name}${why ? ` (${why})` : ''}: ${stack.redeploy}`,
      ExitCode.aws
    );
  }
  return value;
}

/** The descriptor of a notifier; a missing one says how to get one. */
export async function readDescriptor(ssm: SSMClient, parameterName: string): Promise<OperatorDescriptor> {
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') {
      throw new CliError(
        `no notifier descriptor ${parameterName} in this account and region: check the name (the SlackNotifier's environmentName), deploy the stack with this version of sfn-slack-notifier, or pass the right --region/--profile`,
        ExitCode.aws,
        { cause: error }
      );
    }
    throw toCliError(error, `read ${parameterName}`);
  }
  try {
    return parseDescriptor(value ?? '', parameterName);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.aws, { cause: error });
  }
}

function fromDescriptor(descriptor: OperatorDescriptor, stack: Stack, flag: string): StackInfo {
  return {
    env: descriptor.environment,
    stackName: descriptor.stackName,
    ...(stack.StackStatus ? { status: stack.StackStatus } : {}),
    outputs: descriptor.outputs,
    redeploy: `redeploy the stack ${descriptor.stackName} from your CDK app (\`npx cdk deploy ${descriptor.stackName}\`)`,
    flag,
    descriptor,
  };
}

async function describeStack(
  cloudFormation: CloudFormationClient,
  name: string,
  missing: () => CliError
): Promise<Stack> {
  let stacks: Stack[] | undefined;
  try {
    ({ Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name })));
  } catch (error) {
    const err = error as { message?: string };
    if (/does not exist/i.test(err.message ?? '')) {
      const cliError = missing();
      throw new CliError(cliError.message, cliError.exitCode, { cause: error });
    }
    throw toCliError(error, `read the stack ${name}`);
  }
  const stack = stacks?.[0];
  if (!stack) throw missing();
  return stack;
}

function outputsOf(stack: Stack): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}

/** The notifiers whose descriptor parameter a stack holds (by the parameters' physical names). */
async function descriptorsIn(cloudFormation: CloudFormationClient, name: string): Promise<string[]> {
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudFormation
      .send(
        new ListStackResourcesCommand({ StackName: name, ...(nextToken ? { NextToken: nextToken } : {}) })
      )
      .catch((error: unknown) => {
        throw toCliError(error, `list the resources of ${name}`);
      });
    for (const resource of page.StackResourceSummaries ?? []) {
      const notifier =
        resource.ResourceType === 'AWS::SSM::Parameter'
          ? notifierOfParameter(resource.PhysicalResourceId ?? '')
          : undefined;
      if (notifier !== undefined) found.push(notifier);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

function notDeployed(env: string): CliError {
  return new CliError(
    `stack ${stackName(env)} not found in this account and region: deploy it with \`npx cdk deploy -c env=${env}\` (or pass the right --region/--profile; a SlackNotifier in a stack of your own: pass --notifier-name <environmentName> or --stack <name>)`,
    ExitCode.aws
  );
}
