/** Test helpers for the operator commands: a captured Io and a runner that maps errors as cli/main.ts does. */
import { PassThrough } from 'node:stream';
import { DescribeStacksCommand, type Output, type Stack } from '@aws-sdk/client-cloudformation';
import { Command, CommanderError } from 'commander';
import type { Io } from '../../cli/aws/io.js';
import { CliError } from '../../cli/errors.js';

export interface CapturedIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
  readonly sleeps: number[];
}

/**
 * The environment commands see in tests: a region, and no shared AWS files (HOME points nowhere), so nothing
 * depends on the machine's AWS settings.
 */
export const TEST_ENV = {
  AWS_REGION: 'eu-west-1',
  HOME: '/nonexistent-sfn-slack-home',
  NO_COLOR: '1',
} as const;

/** An Io whose standard input holds `stdin` (empty when not given) and whose output is captured. */
export function captureIo(
  stdin = '',
  now = new Date('2026-11-25T04:00:00Z'),
  env: Readonly<Record<string, string | undefined>> = TEST_ENV
): CapturedIo {
  let out = '';
  let err = '';
  const input = new PassThrough();
  input.end(stdin);
  const sleeps: number[] = [];
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: input,
    env,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => now,
    out: () => out,
    err: () => err,
    sleeps,
  };
}

/** Runs the whole `sfn-slack` program in process (cli/main.ts), as the binary would, with captured streams. */
export async function runCli(
  args: readonly string[],
  options: { stdin?: string; env?: Readonly<Record<string, string | undefined>> } = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../cli/main.js');
  const io = captureIo(options.stdin ?? '', undefined, { ...TEST_ENV, ...options.env });
  const code = await main(['node', 'sfn-slack', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

export interface RunResult {
  readonly exitCode: number;
  /** The one line cli/main.ts prints for a CliError, without the `sfn-slack: ` prefix. */
  readonly error?: string;
}

/** Runs `sfn-slack <args>` with one command registered, mapping errors to exit codes like cli/main.ts. */
export async function runCommand(
  register: (program: Command, io: Io) => void,
  args: readonly string[],
  io: Io
): Promise<RunResult> {
  const program = new Command('sfn-slack').exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  register(program, io);
  try {
    await program.parseAsync(['node', 'sfn-slack', ...args]);
    return { exitCode: 0 };
  } catch (error) {
    if (error instanceof CommanderError)
      return { exitCode: error.exitCode === 0 ? 0 : 2, error: error.message };
    if (error instanceof CliError) return { exitCode: error.exitCode, error: error.message };
    throw error;
  }
}

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** The outputs of a deployed channel-mode stack for environment `env`. */
export function stackOutputs(env = 'dev') {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  return {
    NotifierStateMachineArn: arn('states', `stateMachine:sfn-slack-notifier-${env}`),
    DeliveryStateMachineArn: arn('states', `stateMachine:sfn-slack-delivery-${env}`),
    QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/sfn-slack-${env}.fifo`,
    QueueArn: arn('sqs', `sfn-slack-${env}.fifo`),
    DeadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/sfn-slack-${env}-dlq.fifo`,
    DeadLetterQueueArn: arn('sqs', `sfn-slack-${env}-dlq.fifo`),
    ConnectionArn: arn('events', `connection/sfn-slack-${env}/0f1e2d3c`),
    ConnectionName: `sfn-slack-${env}`,
    BotTokenSecretArn: arn('secretsmanager', `secret:sfn-slack/${env}/bot-token-AbCdEf`),
    FormatterFunctionName: `sfn-slack-${env}-formatter`,
  };
}

/** DescribeStacks answer for a stack with these outputs. */
export function describeStacks(
  env: string,
  outputs: Record<string, string>,
  status: Stack['StackStatus'] = 'UPDATE_COMPLETE'
): { Stacks: Stack[] } {
  const Outputs: Output[] = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
    OutputKey,
    OutputValue,
  }));
  return {
    Stacks: [
      { StackName: `SfnSlackNotifier-${env}`, StackStatus: status, CreationTime: new Date(0), Outputs },
    ],
  };
}

/** The error CloudFormation returns for a stack that does not exist. */
export function stackDoesNotExist(env: string): Error {
  return Object.assign(new Error(`Stack with id SfnSlackNotifier-${env} does not exist`), {
    name: 'ValidationError',
    $metadata: { httpStatusCode: 400 },
  });
}

export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

export { DescribeStacksCommand };
