/**
 * `--output json` on the operator commands: one JSON document on standard output for a script, the person's
 * lines on standard error.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/errors.js';
import { describeStacks, runCli, stackOutputs } from './helpers.js';

const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
afterAll(() => {
  sfn.restore();
  cfn.restore();
  sqs.restore();
});

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-42';

describe('--output json', () => {
  it('renotify --dry-run: the event and the notifier execution name as JSON, the text on stderr', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: ARN,
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl',
      status: 'FAILED',
      startDate: new Date(0),
    });
    const { code, stdout, stderr } = await runCli([
      'renotify',
      '-e',
      'dev',
      '--execution-arn',
      ARN,
      '--dry-run',
      '--output',
      'json',
    ]);
    expect(code).toBe(ExitCode.ok);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      command: 'renotify',
      env: 'dev',
      executionArn: ARN,
      status: 'FAILED',
      dryRun: true,
      event: { 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: ARN } },
    });
    expect(report.notifierExecutionName).toMatch(/^renotify-[0-9a-f]{40}$/);
    expect(stderr).toContain('Dry run: would start the notifier of dev');
  });

  it('replay --dry-run on an empty dead-letter queue: {dryRun, depth: 0}', async () => {
    cfn.on(DescribeStacksCommand).resolves(describeStacks('dev', stackOutputs('dev')));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const { code, stdout, stderr } = await runCli(['replay', '-e', 'dev', '--dry-run', '--output', 'json']);
    expect(code).toBe(ExitCode.ok);
    expect(JSON.parse(stdout)).toEqual({
      command: 'replay',
      env: 'dev',
      dryRun: true,
      depth: 0,
      messages: [],
    });
    expect(stderr).toContain('is empty: nothing to replay');
  });
});
