/**
 * `--env` behaves the same in every command that needs a stack: SFN_SLACK_ENV is the default, and a missing
 * or malformed name stops the command with one line and exit 2 before AWS is called.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../cli/aws/io.js';
import { register as doctor } from '../../cli/commands/doctor.js';
import { register as renotify } from '../../cli/commands/renotify.js';
import { register as replay } from '../../cli/commands/replay.js';
import { register as setup } from '../../cli/commands/setup.js';
import { captureIo, DescribeStacksCommand, runCommand, stackDoesNotExist } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const mocks = [
  cfn,
  sfn,
  mockClient(SQSClient),
  mockClient(EventBridgeClient),
  mockClient(SecretsManagerClient),
  mockClient(SSMClient),
];
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-42';

const commands: [string, (program: Command, io: Io) => void, string[]][] = [
  ['replay', replay, []],
  ['renotify', renotify, ['--execution-arn', EXECUTION]],
  ['setup', setup, []],
  ['doctor', doctor, []],
];

const saved = process.env.SFN_SLACK_ENV;
beforeEach(() => {
  for (const mock of mocks) mock.reset();
  delete process.env.SFN_SLACK_ENV;
});
afterEach(() => {
  if (saved === undefined) delete process.env.SFN_SLACK_ENV;
  else process.env.SFN_SLACK_ENV = saved;
});

const calls = () => mocks.reduce((sum, mock) => sum + mock.calls().length, 0);

describe.each(commands)('sfn-slack %s --env', (name, register, args) => {
  it('without --env or SFN_SLACK_ENV: one line saying how to pass it, exit 2, no AWS call', async () => {
    const result = await runCommand(register, [name, ...args], captureIo('xoxb-1-2-abc'));
    expect(result).toEqual({
      exitCode: 2,
      error:
        'no environment given: pass --env <name> or set SFN_SLACK_ENV (a SlackNotifier in your own stack: --notifier-name <environmentName> or --stack <name>)',
    });
    expect(calls()).toBe(0);
  });

  it('refuses a name that cannot be a stack name the same way', async () => {
    const result = await runCommand(register, [name, ...args, '--env', 'prod/eu'], captureIo('xoxb-1-2-abc'));
    expect(result).toEqual({
      exitCode: 2,
      error: 'invalid environment name "prod/eu": use letters, digits and hyphens, starting with a letter',
    });
    expect(calls()).toBe(0);
  });

  it('takes SFN_SLACK_ENV as the default, and --env over it', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist('x'));
    // renotify reads the execution first; a refusal there ends it before the stack, so let it pass.
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: 'FAILED', startDate: new Date(0) });
    process.env.SFN_SLACK_ENV = 'qa';
    await runCommand(register, [name, ...args], captureIo('xoxb-1-2-abc'));
    await runCommand(register, [name, ...args, '--env', 'staging'], captureIo('xoxb-1-2-abc'));
    const stacks = cfn.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName);
    expect(stacks).toEqual(['SfnSlackNotifier-qa', 'SfnSlackNotifier-staging']);
  });
});
