import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { statusChangeEvent } from '../../cli/aws/status-change-event.js';
import { register } from '../../cli/commands/renotify.js';
import { renotifyExecutionName } from '../../cli/commands/renotify-run.js';
import {
  awsError,
  captureIo,
  DescribeStacksCommand,
  describeStacks,
  runCommand,
  stackOutputs,
} from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const outputs = stackOutputs('prod');
const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';

const described = {
  executionArn: ARN,
  stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
  name: 'run-42',
  status: 'FAILED' as const,
  startDate: new Date('2026-11-24T02:00:00.412Z'),
  stopDate: new Date('2026-11-24T02:16:55.575Z'),
  input: '{"runDate":"2026-11-23"}',
  inputDetails: { included: true },
  redriveCount: 0,
  redriveStatus: 'REDRIVABLE' as const,
  error: 'States.TaskFailed',
  cause: 'Essential container in task exited',
};

beforeEach(() => {
  cfn.reset();
  sfn.reset();
  cfn.on(DescribeStacksCommand).resolves(describeStacks('prod', outputs));
  sfn.on(DescribeExecutionCommand, { executionArn: ARN }).resolves(described);
  sfn.on(StartExecutionCommand).resolves({
    executionArn: `${outputs.NotifierStateMachineArn.replace(':stateMachine:', ':execution:')}:renotify-x`,
    startDate: new Date(),
  });
});

describe('statusChangeEvent', () => {
  it('rebuilds the EventBridge event the rule would have delivered', () => {
    const event = statusChangeEvent(described);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-11-24T02:16:55Z',
      resources: [ARN],
      detail: {
        executionArn: ARN,
        stateMachineArn: described.stateMachineArn,
        name: 'run-42',
        status: 'FAILED',
        startDate: 1795485600412,
        stopDate: 1795486615575,
        input: '{"runDate":"2026-11-23"}',
        redriveCount: 0,
        error: 'States.TaskFailed',
        cause: 'Essential container in task exited',
      },
    });
  });

  it('drops input and output when they would make the event too large to start an execution with', () => {
    const event = statusChangeEvent({
      ...described,
      input: 'x'.repeat(150_000),
      output: 'y'.repeat(150_000),
    });
    expect(event.detail).toMatchObject({ input: null, inputDetails: { included: false }, output: null });
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(256 * 1024);
  });
});

describe('sfn-slack renotify', () => {
  it('starts the notifier with the rebuilt event under a name derived from the execution', async () => {
    const io = captureIo();
    const result = await runCommand(register, ['renotify', '--env', 'prod', '--execution-arn', ARN], io);

    expect(result).toEqual({ exitCode: 0 });
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toHaveLength(1);
    const expectedName = renotifyExecutionName(statusChangeEvent(described));
    expect(expectedName).toMatch(/^renotify-[0-9a-f]{40}$/);
    expect(starts[0]).toEqual({
      stateMachineArn: outputs.NotifierStateMachineArn,
      name: expectedName,
      input: JSON.stringify(statusChangeEvent(described)),
    });
    expect(io.out()).toContain(`✓ Started the notifier for ${ARN} (FAILED)`);
  });

  it('uses a new name for a new status or redrive, the same name otherwise', () => {
    const first = renotifyExecutionName(statusChangeEvent(described));
    expect(renotifyExecutionName(statusChangeEvent(described))).toBe(first);
    expect(renotifyExecutionName(statusChangeEvent({ ...described, redriveCount: 1 }))).not.toBe(first);
    expect(renotifyExecutionName(statusChangeEvent({ ...described, status: 'SUCCEEDED' }))).not.toBe(first);
    expect(renotifyExecutionName(statusChangeEvent(described), new Date(5))).toBe(`${first}-5`);
  });

  it('says it was already renotified instead of posting twice, and --force sends again', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(awsError('ExecutionAlreadyExists', 'Execution Already Exists'))
      .resolves({
        executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:n:forced',
        startDate: new Date(),
      });
    const result = await runCommand(
      register,
      ['renotify', '--env', 'prod', '--execution-arn', ARN],
      captureIo()
    );
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(
      /^this execution was already renotified for status FAILED \(notifier execution renotify-[0-9a-f]{40}\); pass --force/
    );

    const forced = await runCommand(
      register,
      ['renotify', '--env', 'prod', '--execution-arn', ARN, '--force'],
      captureIo()
    );
    expect(forced.exitCode).toBe(0);
    const names = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name);
    expect(names[1]).toBe(`${names[0]}-${new Date('2026-11-25T04:00:00Z').getTime()}`);
  });

  it('refuses an execution that is still running', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ ...described, status: 'RUNNING', stopDate: undefined });
    const result = await runCommand(
      register,
      ['renotify', '--env', 'prod', '--execution-arn', ARN],
      captureIo()
    );
    expect(result).toEqual({
      exitCode: 2,
      error: `execution ${ARN} is still RUNNING: its notification goes out when it finishes`,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('rejects something that is not an execution ARN before calling AWS', async () => {
    const result = await runCommand(
      register,
      ['renotify', '--env', 'prod', '--execution-arn', 'arn:aws:states:eu-west-1:1:stateMachine:x'],
      captureIo()
    );
    expect(result.exitCode).toBe(2);
    expect(result.error).toMatch(/^--execution-arn must be a Step Functions execution ARN/);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('maps a missing execution to exit 3 with the ARN', async () => {
    sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    const result = await runCommand(
      register,
      ['renotify', '--env', 'prod', '--execution-arn', ARN],
      captureIo()
    );
    expect(result).toEqual({
      exitCode: 3,
      error: `could not describe execution ${ARN}: ExecutionDoesNotExist: Execution Does Not Exist`,
    });
  });

  it('prints the event and starts nothing on --dry-run', async () => {
    const io = captureIo();
    expect(
      await runCommand(register, ['renotify', '--env', 'prod', '--execution-arn', ARN, '--dry-run'], io)
    ).toEqual({
      exitCode: 0,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(io.out()).toContain('"detail-type": "Step Functions Execution Status Change"');
  });
});
