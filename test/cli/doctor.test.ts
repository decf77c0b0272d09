import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeConnectionCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/doctor.js';
import { watchListFromPattern } from '../../cli/commands/doctor-run.js';
import { STORE_KEY, substitutionsUsedBy } from '../../contract/message-store.js';
import { runStateMachine, substitute, VirtualClock } from '../../local/asl/index.js';
import { localStoreSubstitutions } from '../../local/pipeline.js';
import { type SlackServer, startSlackServer } from '../../local/slack-server/index.js';
import { localDeliveryFunction } from '../../local/stand-ins/delivery-function.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';
import { httpInvokeHandler } from '../../local/stand-ins/http-invoke.js';
import {
  ACCOUNT,
  awsError,
  captureIo,
  DescribeStacksCommand,
  describeStacks,
  REGION,
  runCommand,
  stackDoesNotExist,
  stackOutputs,
} from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const events = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);
const outputs = stackOutputs('dev');
const machine = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

const pattern = {
  source: ['aws.states'],
  'detail-type': ['Step Functions Execution Status Change'],
  detail: {
    status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
    stateMachineArn: [machine('nightly-etl'), { prefix: machine('ml-') }],
  },
};

beforeEach(() => {
  for (const mock of [cfn, events, sfn, sqs, ssm]) mock.reset();
  cfn.on(DescribeStacksCommand).resolves(describeStacks('dev', outputs));
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'NotifierStatusRule',
        PhysicalResourceId: 'SfnSlackNotifier-dev-NotifierStatusRule-ABC',
        ResourceType: 'AWS::Events::Rule',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(0),
      },
      {
        LogicalResourceId: 'Queue',
        PhysicalResourceId: outputs.QueueUrl,
        ResourceType: 'AWS::SQS::Queue',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(0),
      },
    ],
  });
  events.on(DescribeConnectionCommand).resolves({ ConnectionState: 'AUTHORIZED' });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED', EventPattern: JSON.stringify(pattern) });
  events
    .on(ListTargetsByRuleCommand)
    .resolves({ Targets: [{ Id: 'Target0', Arn: outputs.NotifierStateMachineArn }] });
  sfn.on(DescribeStateMachineCommand, { stateMachineArn: outputs.NotifierStateMachineArn }).resolves({
    stateMachineArn: outputs.NotifierStateMachineArn,
    name: 'sfn-slack-notifier-dev',
    type: 'STANDARD',
    status: 'ACTIVE',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/notifier`,
    definition: '{"States":{"FetchHistory":{"Resource":"arn:aws:states:::aws-sdk:sfn:getExecutionHistory"}}}',
    creationDate: new Date(0),
  });
  sfn.on(DescribeStateMachineCommand, { stateMachineArn: outputs.DeliveryStateMachineArn }).resolves({
    name: 'sfn-slack-delivery-dev',
    type: 'EXPRESS',
    status: 'ACTIVE',
  });
  sfn
    .on(DescribeStateMachineCommand, { stateMachineArn: machine('nightly-etl') })
    .resolves({ name: 'nightly-etl', type: 'STANDARD', status: 'ACTIVE' });
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      { stateMachineArn: machine('ml-train'), name: 'ml-train', type: 'STANDARD', creationDate: new Date(0) },
      { stateMachineArn: machine('other'), name: 'other', type: 'EXPRESS', creationDate: new Date(0) },
    ],
  });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
});

describe('sfn-slack doctor', () => {
  it('passes every check on a healthy environment and exits 0', async () => {
    const io = captureIo();
    const result = await runCommand(register, ['doctor', '--env', 'dev'], io);

    expect(result).toEqual({ exitCode: 0 });
    const lines = io
      .out()
      .split('\n')
      .filter((line) => /^[✓✗]/.test(line));
    expect(lines).toEqual([
      '✓ Stack SfnSlackNotifier-dev deployed (UPDATE_COMPLETE)',
      '✓ Stack outputs present',
      '✓ Connection sfn-slack-dev is AUTHORIZED',
      '✓ Notifier state machine sfn-slack-notifier-dev is an active STANDARD state machine',
      '✓ Notifier reads execution history with its own role',
      '✓ Delivery state machine sfn-slack-delivery-dev is an active EXPRESS state machine',
      '✓ Rule SfnSlackNotifier-dev-NotifierStatusRule-ABC is ENABLED and starts the notifier',
      '✓ Watched nightly-etl exists and is STANDARD',
      `✓ Watched prefix ${machine('ml-')} matches 1 STANDARD state machine(s)`,
      '✓ Dead-letter queue is empty',
    ]);
    expect(io.out()).toContain('All checks passed.');
    expect(events.commandCalls(DescribeConnectionCommand)[0]?.args[0].input).toEqual({
      Name: 'sfn-slack-dev',
    });
    expect(events.commandCalls(DescribeRuleCommand)[0]?.args[0].input).toEqual({
      Name: 'SfnSlackNotifier-dev-NotifierStatusRule-ABC',
    });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: outputs.DeadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
  });

  it('marks each problem with what to do and exits 1', async () => {
    events
      .on(DescribeConnectionCommand)
      .resolves({ ConnectionState: 'DEAUTHORIZED', StateReason: 'invalid_auth' });
    sfn
      .on(DescribeStateMachineCommand, { stateMachineArn: machine('nightly-etl') })
      .resolves({ name: 'nightly-etl', type: 'EXPRESS', status: 'ACTIVE' });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    const io = captureIo();
    const result = await runCommand(register, ['doctor', '--env', 'dev'], io);

    expect(result).toEqual({
      exitCode: 1,
      error: 'doctor found 3 problem(s) in dev (see the checklist above)',
    });
    const out = io.out();
    expect(out).toContain(
      '✗ Connection sfn-slack-dev is AUTHORIZED\n    it is DEAUTHORIZED (invalid_auth): store the Slack credential with `sfn-slack setup --env dev`'
    );
    expect(out).toContain(
      '✗ Watched nightly-etl exists and is STANDARD\n    it is EXPRESS: Express executions emit no status events'
    );
    expect(out).toContain(
      '✗ Dead-letter queue is empty (4 message(s))\n    notifications failed to post: look with `sfn-slack replay --env dev --dry-run`'
    );
    expect(out).toContain('3 check(s) failed.');
  });

  it('--json prints the checks as one JSON document on stdout, and still exits 1 on a failure', async () => {
    const healthy = captureIo();
    expect(await runCommand(register, ['doctor', '--env', 'dev', '--json'], healthy)).toEqual({
      exitCode: 0,
    });
    const report = JSON.parse(healthy.out()) as {
      env: string;
      stackName: string;
      ok: boolean;
      checks: { ok: boolean; title: string; detail?: string }[];
    };
    expect(report).toMatchObject({ env: 'dev', stackName: 'SfnSlackNotifier-dev', ok: true });
    expect(report.checks).toHaveLength(10);
    expect(report.checks.every((check) => check.ok)).toBe(true);
    expect(report.checks[0]?.title).toBe('Stack SfnSlackNotifier-dev deployed (UPDATE_COMPLETE)');

    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    const failing = captureIo();
    const result = await runCommand(register, ['doctor', '--env', 'dev', '--json'], failing);
    expect(result).toEqual({ exitCode: 1, error: 'doctor found 1 problem(s) in dev (see the JSON above)' });
    const failed = JSON.parse(failing.out()) as typeof report;
    expect(failed.ok).toBe(false);
    expect(failed.checks.filter((check) => !check.ok)).toEqual([
      {
        ok: false,
        title: 'Dead-letter queue is empty (4 message(s))',
        detail:
          'notifications failed to post: look with `sfn-slack replay --env dev --dry-run`, fix the cause, then `sfn-slack replay --env dev`',
      },
    ]);
  });

  it('reports a disabled rule, and a rule that does not start the notifier', async () => {
    events.on(DescribeRuleCommand).resolves({ State: 'DISABLED', EventPattern: JSON.stringify(pattern) });
    const disabled = captureIo();
    expect((await runCommand(register, ['doctor', '--env', 'dev'], disabled)).exitCode).toBe(1);
    expect(disabled.out()).toContain(
      '✗ Rule SfnSlackNotifier-dev-NotifierStatusRule-ABC is ENABLED and starts the notifier\n    it is DISABLED: enable it'
    );

    events.on(DescribeRuleCommand).resolves({ State: 'ENABLED', EventPattern: JSON.stringify(pattern) });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    const untargeted = captureIo();
    expect((await runCommand(register, ['doctor', '--env', 'dev'], untargeted)).exitCode).toBe(1);
    expect(untargeted.out()).toContain('its targets (none) do not include the notifier: redeploy');
    expect(events.commandCalls(ListTargetsByRuleCommand)[0]?.args[0].input).toEqual({
      Rule: 'SfnSlackNotifier-dev-NotifierStatusRule-ABC',
    });
  });

  it('reports a watched state machine that does not exist', async () => {
    sfn
      .on(DescribeStateMachineCommand, { stateMachineArn: machine('nightly-etl') })
      .rejects(awsError('StateMachineDoesNotExist', 'State Machine Does Not Exist'));
    const io = captureIo();
    expect((await runCommand(register, ['doctor', '--env', 'dev'], io)).exitCode).toBe(1);
    expect(io.out()).toContain(`✗ Watched ${machine('nightly-etl')} exists\n    no such state machine`);
  });

  it('fails one check, not the run, when one AWS call is refused', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(awsError('AccessDenied', 'no sqs:GetQueueAttributes', 403));
    const io = captureIo();
    const result = await runCommand(register, ['doctor', '--env', 'dev'], io);
    expect(result.exitCode).toBe(1);
    expect(io.out()).toContain(
      '✗ Dead-letter queue\n    AWS refused to check dead-letter queue (AccessDenied'
    );
    expect(io.out()).toContain('✓ Connection sfn-slack-dev is AUTHORIZED');
  });

  it('reports a missing stack as a failed check with the deploy command', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist('dev'));
    const io = captureIo();
    const result = await runCommand(register, ['doctor', '--env', 'dev'], io);
    expect(result.exitCode).toBe(1);
    expect(io.out()).toContain(
      '✗ Stack SfnSlackNotifier-dev deployed\n    stack SfnSlackNotifier-dev not found'
    );
    expect(io.out()).toContain('npx cdk deploy -c env=dev');
    expect(events.calls()).toHaveLength(0);
  });

  it('exits 3 when there are no credentials at all', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      })
    );
    const result = await runCommand(register, ['doctor', '--env', 'dev'], captureIo());
    expect(result.exitCode).toBe(3);
    expect(result.error).toMatch(
      /^no AWS credentials found to read the stack SfnSlackNotifier-dev: pass --profile <name>/
    );
  });

  it('checks the webhook parameter in webhook mode, without decrypting it', async () => {
    const { BotTokenSecretArn: _, ...rest } = outputs;
    cfn
      .on(DescribeStacksCommand)
      .resolves(describeStacks('dev', { ...rest, WebhookParameterName: '/dev/SLACK_URL' }));
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'not found'));
    const io = captureIo();
    expect((await runCommand(register, ['doctor', '--env', 'dev'], io)).exitCode).toBe(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/dev/SLACK_URL',
      WithDecryption: false,
    });
    expect(io.out()).toContain(
      '✗ Webhook parameter /dev/SLACK_URL exists\n    store the webhook URL: sfn-slack setup --env dev --webhook < url.txt'
    );
  });

  it('--send-test posts a test delivery through the delivery state machine', async () => {
    sfn
      .on(StartSyncExecutionCommand)
      .resolves({ status: 'SUCCEEDED', executionArn: 'x', startDate: new Date(), stopDate: new Date() });
    const io = captureIo();
    const result = await runCommand(
      register,
      ['doctor', '--env', 'dev', '--send-test', '--channel', 'C0123456789'],
      io
    );

    expect(result).toEqual({ exitCode: 0 });
    const calls = sfn.commandCalls(StartSyncExecutionCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.stateMachineArn).toBe(outputs.DeliveryStateMachineArn);
    const batch = JSON.parse(calls[0]?.input ?? '[]');
    expect(batch).toHaveLength(1);
    expect(batch[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: outputs.QueueArn });
    const input = JSON.parse(batch[0].body);
    expect(input).toMatchObject({
      payload: { channel: 'C0123456789', unfurl_links: false },
      fallback: { channel: 'C0123456789' },
      status: 'TEST',
    });
    expect(input.payload.text).toContain('sfn-slack test message for environment dev');
    expect(input.deduplicationId).toMatch(/^doctor-test-dev-\d+$/);
    expect(io.out()).toContain('✓ Test message posted');
  });

  it('--send-test reports a failed delivery with its error', async () => {
    sfn.on(StartSyncExecutionCommand).resolves({
      status: 'FAILED',
      error: 'Slack.channel_not_found',
      cause: '{"ok":false,"error":"channel_not_found"}',
      executionArn: 'x',
      startDate: new Date(),
      stopDate: new Date(),
    });
    const io = captureIo();
    const result = await runCommand(
      register,
      ['doctor', '--env', 'dev', '--send-test', '--channel', '#nope'],
      io
    );
    expect(result.exitCode).toBe(1);
    expect(io.out()).toContain('✗ Test message posted\n    delivery FAILED: Slack.channel_not_found');
  });

  it('--send-test in channel mode needs a channel when the stack has no SlackChannel output', async () => {
    const io = captureIo();
    expect((await runCommand(register, ['doctor', '--env', 'dev', '--send-test'], io)).exitCode).toBe(1);
    expect(io.out()).toContain(
      '✗ Test message posted\n    chat.postMessage needs a channel: pass --channel <id or #name> with --send-test, or redeploy it with `npx cdk deploy -c env=dev` so the stack has the SlackChannel output'
    );
    expect(sfn.commandCalls(StartSyncExecutionCommand)).toHaveLength(0);
  });

  it('--send-test posts to the stack’s SlackChannel output without --channel; --channel overrides it', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves(describeStacks('dev', { ...outputs, SlackChannel: '#etl-dev-alerts' }));
    sfn
      .on(StartSyncExecutionCommand)
      .resolves({ status: 'SUCCEEDED', executionArn: 'x', startDate: new Date(), stopDate: new Date() });
    const channelOf = (i: number) => {
      const input = sfn.commandCalls(StartSyncExecutionCommand)[i]?.args[0].input.input ?? '[]';
      const body = JSON.parse(JSON.parse(input)[0].body);
      return [body.payload.channel, body.fallback.channel];
    };

    const io = captureIo();
    expect(await runCommand(register, ['doctor', '--env', 'dev', '--send-test'], io)).toEqual({
      exitCode: 0,
    });
    expect(channelOf(0)).toEqual(['#etl-dev-alerts', '#etl-dev-alerts']);
    expect(io.out()).toContain('✓ Test message posted');

    const flag = ['doctor', '--env', 'dev', '--send-test', '--channel', 'C0123456789'];
    expect(await runCommand(register, flag, captureIo())).toEqual({ exitCode: 0 });
    expect(channelOf(1)).toEqual(['C0123456789', 'C0123456789']);
  });
});

describe('watchListFromPattern', () => {
  it('reads exact ARNs and prefixes, and ignores anything-but exclusions', () => {
    expect(
      watchListFromPattern(
        JSON.stringify({
          detail: { stateMachineArn: ['a', { prefix: 'arn:p' }, { 'anything-but': ['notifier'] }] },
        })
      )
    ).toEqual({ arns: ['a'], prefixes: ['arn:p'] });
    expect(watchListFromPattern('not json')).toEqual({ arns: [], prefixes: [] });
  });
});

describe('sfn-slack doctor --send-test through the local Slack-compatible server', () => {
  const repoRoot = path.resolve(import.meta.dirname, '../..');
  const deliverPath = path.join(repoRoot, 'statemachines/deliver.asl.json');
  let slack: SlackServer;

  let store: LocalDynamoDb;
  const DELIVERY_FUNCTION = 'arn:aws:lambda:eu-west-1:111122223333:function:sfn-slack-delivery-dev';

  beforeEach(async () => {
    slack = await startSlackServer({ channels: [{ id: 'C0LOCAL001', name: 'alerts' }] });
    store = await startLocalDynamoDb({ tableName: 'sfn-slack-dev-messages', key: STORE_KEY });
    // One clock for the runner and the function: the delivery's time budget counts from the execution's start.
    const clock = new VirtualClock(Date.now());
    const delivery = localDeliveryFunction({
      now: () => clock.now(),
      arn: DELIVERY_FUNCTION,
      dynamodb: store.client,
      config: {
        tableName: store.tableName,
        transport: 'channel',
        allowedChannels: ['#alerts', '#nope'],
        queueArn: outputs.QueueArn ?? 'arn:aws:sqs:eu-west-1:111122223333:q.fifo',
        scheduleGroup: '',
        schedulerRoleArn: '',
      },
    });
    // StartSyncExecution runs the real delivery definition locally, posting over real HTTP to the server.
    const text = readFileSync(deliverPath, 'utf8');
    const definition = substitute(
      text,
      substitutionsUsedBy(text, {
        ConnectionArn: outputs.ConnectionArn,
        DeliveryFunctionArn: DELIVERY_FUNCTION,
        WebhookParameterName: 'unused',
        MentionOnFailure: '',
        ...localStoreSubstitutions(
          outputs.QueueArn ?? 'arn:aws:sqs:eu-west-1:111122223333:q.fifo',
          {},
          {
            allowedChannels: '#alerts,#nope',
          }
        ),
      })
    );
    sfn.on(StartSyncExecutionCommand).callsFake(async (input: { input?: string }) => {
      const result = await runStateMachine(definition, JSON.parse(input.input ?? 'null'), {
        clock,
        resources: {
          // The delivery function, in process, its store on dynalite.
          ...delivery.resources,
          // The dead-letter queue at the edge.
          'arn:aws:states:::sqs:sendMessage': async () => ({ MessageId: 'dead-1' }),
          'arn:aws:states:::http:invoke': httpInvokeHandler({
            connections: {
              [outputs.ConnectionArn]: {
                type: 'API_KEY',
                key: 'Authorization',
                value: `Bearer ${slack.token}`,
              },
            },
            endpoints: { 'https://slack.com': slack.url },
          }),
        },
      });
      return {
        status: result.status,
        ...(result.output !== undefined ? { output: JSON.stringify(result.output) } : {}),
        ...(result.error ? { error: result.error } : {}),
        ...(result.cause ? { cause: result.cause } : {}),
      };
    });
  });
  afterEach(async () => {
    await slack.close();
    await store.close();
  });

  it('posts the test message to the channel', async () => {
    const io = captureIo();
    const result = await runCommand(
      register,
      ['doctor', '--env', 'dev', '--send-test', '--channel', '#alerts'],
      io
    );

    expect(io.out()).toContain('✓ Test message posted');
    expect(result).toEqual({ exitCode: 0 });
    const received = slack.messages('alerts');
    expect(received).toHaveLength(1);
    expect(received[0]?.text).toBe(
      ':test_tube: sfn-slack test message for environment dev: the pipeline can post here.'
    );
    expect(received[0]?.blocks?.[0]).toMatchObject({ type: 'header' });
  });

  it('reports Slack refusing the channel as a failed check', async () => {
    const io = captureIo();
    const result = await runCommand(
      register,
      ['doctor', '--env', 'dev', '--send-test', '--channel', '#nope'],
      io
    );
    expect(result.exitCode).toBe(1);
    // channel_not_found is permanent: the delivery dead-letters the message and says why.
    expect(io.out()).toMatch(/✗ Test message posted\n {4}delivery dead-lettered: Slack\.channel_not_found/);
    expect(slack.messages()).toHaveLength(0);
  });
});
