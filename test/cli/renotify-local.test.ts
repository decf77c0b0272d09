/**
 * `renotify` end to end on the local pipeline: the event it rebuilds from DescribeExecution goes through the
 * real notifier definition, the real formatter, the local FIFO queue and the real delivery definition to the
 * local Slack-compatible server. StartExecution is faked at the SDK edge to run the local pipeline, with the
 * service's rule that an execution name is used once.
 */
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/renotify.js';
import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../../contract/formatter.js';
import { formatMessage as handler } from '../../formatters/formatter/handler.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { type SlackServer, startSlackServer } from '../../local/slack-server/index.js';
import { readHistoryFile, recordedHistorySource } from '../../local/stand-ins/history.js';
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
const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:orders-etl:run-2026-11-24';
const HISTORY = path.resolve(import.meta.dirname, '../fixtures/cli/failed-run.history.json');

describe('sfn-slack renotify through the local pipeline', () => {
  let slack: SlackServer;
  let pipeline: LocalPipeline;
  const started = new Set<string>();

  beforeEach(async () => {
    cfn.reset();
    sfn.reset();
    started.clear();
    // The in-process formatter logs JSON lines; keep them out of the test output.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    slack = await startSlackServer({ channels: [{ id: 'C0ALERTS', name: 'alerts' }] });
    pipeline = await LocalPipeline.create({
      history: recordedHistorySource(await readHistoryFile(HISTORY), ARN),
      formatter: handler as (input: FormatterInput) => Promise<FormatterOutput>,
      slack: { kind: 'local', server: slack },
      channel: '#alerts',
      environment: 'prod',
    });
    cfn.on(DescribeStacksCommand).resolves(describeStacks('prod', outputs));
    sfn.on(DescribeExecutionCommand, { executionArn: ARN }).resolves({
      executionArn: ARN,
      stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders-etl',
      name: 'run-2026-11-24',
      status: 'FAILED',
      startDate: new Date(1795485600000),
      stopDate: new Date(1795485632510),
      error: 'LockTimeout',
      cause: '{"errorType":"LockTimeout","errorMessage":"Table <orders> is locked"}',
      redriveCount: 0,
    });
    sfn.on(StartExecutionCommand).callsFake(async (input: { name?: string; input?: string }) => {
      const name = input.name ?? '';
      if (started.has(name)) throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
      started.add(name);
      const { notifier } = await pipeline.run(JSON.parse(input.input ?? '{}') as StatusChangeEvent);
      if (notifier.status !== 'SUCCEEDED')
        throw new Error(`local notifier ${notifier.status}: ${notifier.error}`);
      return {
        executionArn: `arn:aws:states:eu-west-1:111122223333:execution:sfn-slack-notifier-prod:${name}`,
        startDate: new Date(),
      };
    });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await pipeline.close();
    await slack.close();
  });

  it('posts the execution’s message to Slack once, however often it is run', async () => {
    const args = ['renotify', '--env', 'prod', '--execution-arn', ARN];
    const first = await runCommand(register, args, captureIo());
    expect(first).toEqual({ exitCode: 0 });

    const messages = slack.messages('alerts');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain('orders-etl failed');
    expect(JSON.stringify(messages[0]?.blocks)).toContain('Load &lt;warehouse&gt; &amp; index');

    const second = await runCommand(register, args, captureIo());
    expect(second.exitCode).toBe(1);
    expect(second.error).toMatch(/^this execution was already renotified/);
    expect(slack.messages('alerts')).toHaveLength(1);
  });

  it('--force sends the event again; the news was already told, so the channel keeps its one message', async () => {
    const args = ['renotify', '--env', 'prod', '--execution-arn', ARN];
    await runCommand(register, args, captureIo());
    const forced = await runCommand(register, [...args, '--force'], captureIo());
    expect(forced).toEqual({ exitCode: 0 });
    expect(started.size).toBe(2);
    // Same execution, status and redrive count → same deduplication id: the FIFO queue drops the copy.
    expect(slack.messages('alerts')).toHaveLength(1);

    await pipeline.clock.sleep(6 * 60 * 1000);
    const later = await runCommand(
      register,
      [...args, '--force'],
      captureIo('', new Date('2026-11-25T04:06:00Z'))
    );
    expect(later).toEqual({ exitCode: 0 });
    // Past the queue's window the message store (one message per execution) drops the same news.
    expect(slack.messages('alerts')).toHaveLength(1);
  });
});
