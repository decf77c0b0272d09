import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/replay.js';
import { redriveClientToken } from '../../cli/commands/replay-run.js';
import {
  awsError,
  captureIo,
  DescribeStacksCommand,
  describeStacks,
  runCommand,
  stackOutputs,
} from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
const outputs = stackOutputs('prod');

beforeEach(() => {
  cfn.reset();
  sqs.reset();
  sfn.reset();
  cfn
    .on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-prod' })
    .resolves(describeStacks('prod', outputs));
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
});

describe('sfn-slack replay (dead-letter queue)', () => {
  it('moves the DLQ back to the delivery queue and shows progress until done', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'handle-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({
        Results: [
          {
            TaskHandle: 'handle-1',
            Status: 'RUNNING',
            ApproximateNumberOfMessagesMoved: 1,
            ApproximateNumberOfMessagesToMove: 3,
          },
        ],
      })
      .resolvesOnce({
        Results: [
          {
            TaskHandle: 'handle-1',
            Status: 'RUNNING',
            ApproximateNumberOfMessagesMoved: 1,
            ApproximateNumberOfMessagesToMove: 3,
          },
        ],
      })
      .resolves({
        Results: [
          { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 },
        ],
      });
    const io = captureIo();
    const result = await runCommand(register, ['replay', '--env', 'prod'], io);

    expect(result).toEqual({ exitCode: 0 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: outputs.DeadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: outputs.DeadLetterQueueArn, DestinationArn: outputs.QueueArn },
    ]);
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)[0]?.args[0].input).toEqual({
      SourceArn: outputs.DeadLetterQueueArn,
      MaxResults: 1,
    });
    // An unchanged poll prints nothing new.
    expect(io.out()).toBe(
      'Moving ~3 message(s) from the dead-letter queue back to delivery (prod)…\n' +
        '  moved 1/3 (RUNNING)\n' +
        '  moved 3/3 (COMPLETED)\n' +
        '✓ Replayed 3 message(s); delivery posts them in order.\n'
    );
    expect(io.sleeps).toEqual([2000, 2000]);
  });

  it('does nothing when the DLQ is empty', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const io = captureIo();
    expect(await runCommand(register, ['replay', '--env', 'prod'], io)).toEqual({ exitCode: 0 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(io.out()).toBe('The dead-letter queue of prod is empty: nothing to replay.\n');
  });

  it('exits 1 with the reason when the move task fails', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'FAILED',
          ApproximateNumberOfMessagesMoved: 1,
          ApproximateNumberOfMessagesToMove: 3,
          FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
        },
      ],
    });
    const result = await runCommand(register, ['replay', '--env', 'prod'], captureIo());
    expect(result).toEqual({
      exitCode: 1,
      error:
        'the move task failed after 1/3: AWS.SimpleQueueService.NonExistentQueue; run `sfn-slack replay --env prod` again to move the rest',
    });
  });

  it('stops following (exit 1) when the started task never shows up in ListMessageMoveTasks', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'handle-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    const io = captureIo();
    const result = await runCommand(register, ['replay', '--env', 'prod'], io);
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(/^the move task started on the dead-letter queue of prod is not listed/);
    expect(sqs.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(5);
    expect(io.sleeps).toEqual([2000, 2000, 2000, 2000]);
  });

  it('maps a refused StartMessageMoveTask to exit 3', async () => {
    sqs.on(StartMessageMoveTaskCommand).rejects(awsError('AccessDenied', 'no sqs:StartMessageMoveTask', 403));
    const result = await runCommand(register, ['replay', '--env', 'prod'], captureIo());
    expect(result.exitCode).toBe(3);
    expect(result.error).toMatch(
      /^AWS refused to start moving the dead-letter queue back to delivery \(AccessDenied/
    );
  });
});

describe('sfn-slack replay --dry-run', () => {
  it('peeks with visibility timeout 0, lists execution, status and dedup id, and changes nothing', async () => {
    const body = {
      payload: { text: 'x' },
      fallback: { text: 'x' },
      executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-1',
      status: 'FAILED',
      deduplicationId: 'a'.repeat(64),
    };
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm1',
          Body: JSON.stringify(body),
          Attributes: { ApproximateReceiveCount: '5', SentTimestamp: '1795485600000' },
        },
        { MessageId: 'm2', Body: 'not json' },
        {
          MessageId: 'm3',
          // Dead-lettered at once by the delivery: the notification wrapped with the reason.
          Body: JSON.stringify({
            deadLetter: {
              reason: 'Slack refused the message: channel_not_found',
              error: 'Slack.channel_not_found',
            },
            body: JSON.stringify({ ...body, executionArn: `${body.executionArn}-2` }),
          }),
          MessageAttributes: {
            reason: { DataType: 'String', StringValue: 'Slack refused the message: channel_not_found' },
          },
        },
      ],
    });
    const io = captureIo();
    const result = await runCommand(register, ['replay', '--env', 'prod', '--dry-run'], io);

    expect(result).toEqual({ exitCode: 0 });
    expect(sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: outputs.DeadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['reason'],
      },
    ]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    const out = io.out();
    expect(out).toContain('3 message(s) in the dead-letter queue of prod would move back to delivery');
    expect(out).toContain('nothing is moved, hidden or deleted');
    expect(out).toContain(
      `  ${body.executionArn}\n    status FAILED · dedup id ${'a'.repeat(64)} · receives 5 · sent 2026-11-24T02:00:00.000Z`
    );
    expect(out).toContain('(no executionArn in body)');
    expect(out).toContain(
      `  ${body.executionArn}-2\n    status FAILED · dedup id ${'a'.repeat(64)} · receives ?\n    dead-lettered at once: Slack refused the message: channel_not_found`
    );
  });
});

describe('sfn-slack replay --notifier', () => {
  const notifier = outputs.NotifierStateMachineArn;
  const execution = (name: string, stop: string, redriveCount?: number) => ({
    executionArn: `arn:aws:states:eu-west-1:111122223333:execution:sfn-slack-notifier-prod:${name}`,
    stateMachineArn: notifier,
    name,
    status: 'FAILED' as const,
    startDate: new Date(new Date(stop).getTime() - 60_000),
    stopDate: new Date(stop),
    ...(redriveCount === undefined ? {} : { redriveCount }),
  });

  it('redrives failed notifier executions of the last 14 days with a deterministic client token', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({
        executions: [
          execution('recent', '2026-11-24T10:00:00Z', 1),
          execution('edge', '2026-11-11T05:00:00Z'),
        ],
        nextToken: 'page-2',
      })
      .resolves({ executions: [execution('old', '2026-11-01T00:00:00Z')] });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const io = captureIo();
    const result = await runCommand(register, ['replay', '--env', 'prod', '--notifier'], io);

    expect(result).toEqual({ exitCode: 0 });
    // The SDK paginator reuses one input object, so only the last call's token can be checked.
    const listed = sfn.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input);
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatchObject({
      stateMachineArn: notifier,
      statusFilter: 'FAILED',
      nextToken: 'page-2',
    });
    const recent = execution('recent', '2026-11-24T10:00:00Z').executionArn;
    const edge = execution('edge', '2026-11-11T05:00:00Z').executionArn;
    expect(sfn.commandCalls(RedriveExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: recent, clientToken: redriveClientToken(recent, 1) },
      { executionArn: edge, clientToken: redriveClientToken(edge, 0) },
    ]);
    expect(io.out()).not.toContain(':old');
  });

  it('gives the same token for the same failure and a new one after another redrive', () => {
    const arn = 'arn:aws:states:eu-west-1:1:execution:n:x';
    expect(redriveClientToken(arn, 0)).toBe(redriveClientToken(arn, 0));
    expect(redriveClientToken(arn, 1)).not.toBe(redriveClientToken(arn, 0));
    expect(redriveClientToken(arn, 0)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists without redriving on --dry-run', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [execution('recent', '2026-11-24T10:00:00Z')] });
    const io = captureIo();
    expect(await runCommand(register, ['replay', '--env', 'prod', '--notifier', '--dry-run'], io)).toEqual({
      exitCode: 0,
    });
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
    expect(io.out()).toContain('Dry run: would redrive 1 failed notifier execution(s)');
  });

  it('keeps going past a non-redrivable execution and exits 1', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [execution('a', '2026-11-24T10:00:00Z'), execution('b', '2026-11-24T09:00:00Z')],
    });
    sfn
      .on(RedriveExecutionCommand)
      .rejectsOnce(awsError('ExecutionNotRedrivable', 'Execution history event limit exceeded.'))
      .resolves({ redriveDate: new Date() });
    const io = captureIo();
    const result = await runCommand(register, ['replay', '--env', 'prod', '--notifier'], io);
    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(/^1 of 2 notifier execution\(s\) could not be redriven/);
    expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(2);
    expect(io.out()).toContain(
      '✗ arn:aws:states:eu-west-1:111122223333:execution:sfn-slack-notifier-prod:a: ExecutionNotRedrivable'
    );
  });

  it('says when there is nothing to redrive', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const io = captureIo();
    expect(await runCommand(register, ['replay', '--env', 'prod', '--notifier'], io)).toEqual({
      exitCode: 0,
    });
    expect(io.out()).toBe('No failed notifier executions in the last 14 days (prod).\n');
  });
});
