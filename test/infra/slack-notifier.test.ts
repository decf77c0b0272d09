import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SLACK_POST_MESSAGE_URL, STATE_MACHINE_FILES } from '../../infra/constructs/slack-notifier.js';
import { placeholders, readAsl } from '../statemachines/asl-helpers.js';
import { actions, deliveryConfigOf, grants, logicalId, statementsOfRole, synthNotifier } from './helpers.js';

const NIGHTLY = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
// Synthesized once per mode for the whole file (synthesis is the slow part).
const channel = synthNotifier(
  {
    stateMachineArns: [NIGHTLY],
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
    mentionOnFailure: '<!here>',
  },
  { alarmTopic: true }
);
const webhook = synthNotifier({
  stateMachineNamePrefixes: ['batch-'],
  statuses: ['FAILED'],
  destination: { type: 'webhook', parameterName: '/test/SLACK_URL' },
});
const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000000';

const ref = (synth: typeof channel, construct: IConstruct) => logicalId(synth.stack, construct);
const WATCHED_EXECUTIONS = [
  'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:*',
  'arn:aws:states:eu-west-1:111122223333:execution:etl-*',
];
const WATCHED_MAP_RUNS = [
  'arn:aws:states:eu-west-1:111122223333:mapRun:nightly-etl/*',
  'arn:aws:states:eu-west-1:111122223333:mapRun:etl-*',
];

describe('IAM: each grant scoped to what the machine calls', () => {
  const { template, notifier } = channel;
  const notifierStatements = statementsOfRole(
    template,
    ref(channel, notifier.notifierStateMachine.role as IConstruct)
  );
  const deliveryStatements = statementsOfRole(
    template,
    ref(channel, notifier.deliveryStateMachine.role as IConstruct)
  );

  it('notifier: GetExecutionHistory only on executions of the watched machines (ARN and prefix)', () => {
    const [statement, ...others] = grants(notifierStatements, 'states:GetExecutionHistory');
    expect(others).toEqual([]);
    expect(statement?.Action).toBe('states:GetExecutionHistory');
    expect(statement?.Resource).toEqual(WATCHED_EXECUTIONS);
  });

  it('notifier: reads only the first history page; the formatter reads the rest, the definition and the tags', () => {
    const notifierActions = notifierStatements
      .flatMap(actions)
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(notifierActions.sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:SendMessage',
      'states:GetExecutionHistory',
    ]);
    const formatterStatements = statementsOfRole(
      template,
      ref(channel, notifier.formatter.role as IConstruct)
    );
    const [statement, ...others] = grants(formatterStatements, 'states:DescribeStateMachineForExecution');
    expect(others).toEqual([]);
    expect(statement?.Resource).toEqual(WATCHED_EXECUTIONS);
  });

  it('notifier: InvokeFunction on the formatter only, SendMessage on the queue only', () => {
    const invoke = grants(notifierStatements, 'lambda:InvokeFunction');
    expect(invoke).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [ref(channel, notifier.formatter), 'Arn'] } }),
    ]);
    const send = grants(notifierStatements, 'sqs:SendMessage');
    expect(send).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [ref(channel, notifier.queue), 'Arn'] } }),
    ]);
  });

  it('notifier and delivery: Resource "*" only for log delivery and X-Ray actions', () => {
    for (const statement of [...notifierStatements, ...deliveryStatements]) {
      if (statement.Resource !== '*') continue;
      for (const action of actions(statement)) expect(action).toMatch(/^(logs|xray):/);
    }
  });

  it('delivery: InvokeHTTPEndpoint only for the Slack methods it calls, each with its HTTP method, on its own state machine', () => {
    const statements = grants(deliveryStatements, 'states:InvokeHTTPEndpoint');
    for (const statement of statements) {
      expect(statement.Resource).toEqual({ Ref: ref(channel, notifier.deliveryStateMachine) });
    }
    expect(statements.map((statement) => statement.Condition)).toEqual([
      {
        StringEquals: {
          'states:HTTPMethod': 'POST',
          'states:HTTPEndpoint': [SLACK_POST_MESSAGE_URL, 'https://slack.com/api/chat.update'],
        },
      },
      {
        // The look-ups carry query parameters, which the endpoint AWS checks includes.
        StringEquals: { 'states:HTTPMethod': 'GET' },
        StringLike: {
          'states:HTTPEndpoint': [
            'https://slack.com/api/conversations.history*',
            'https://slack.com/api/conversations.replies*',
          ],
        },
      },
    ]);
  });

  it('delivery: connection credentials on the connection, Secrets Manager only on its events!connection secret', () => {
    const connection = ref(channel, notifier.connection);
    expect(grants(deliveryStatements, 'events:RetrieveConnectionCredentials')).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [connection, 'Arn'] } }),
    ]);
    const secrets = deliveryStatements.filter((statement) =>
      actions(statement).some((action) => action.startsWith('secretsmanager:'))
    );
    expect(secrets).toHaveLength(1);
    expect(actions(secrets[0] as never).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    // The connection's own secret, which EventBridge names events!connection/<name>/...
    expect(secrets[0]?.Resource).toEqual({ 'Fn::GetAtt': [connection, 'SecretArn'] });
    expect(grants(deliveryStatements, 'ssm:GetParameter')).toEqual([]);
  });

  it('delivery: SendMessage on the dead-letter queue (poison records, permanent refusals) and its own queue (storm flushes) only', () => {
    const dlq = ref(channel, notifier.deadLetterQueue);
    const queue = ref(channel, notifier.queue);
    expect(grants(deliveryStatements, 'sqs:SendMessage')).toEqual([
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: [{ 'Fn::GetAtt': [dlq, 'Arn'] }, { 'Fn::GetAtt': [queue, 'Arn'] }],
      }),
    ]);
  });

  it('delivery: the dead-letter queue URL goes into the definition, the environment’s channel into the function', () => {
    const subs = notifier.deliverySubstitutions;
    const config = deliveryConfigOf(channel.template);
    expect(config.allowedChannels).toEqual(['C0123456789']);
    expect(config.transport).toBe('channel');
    // Storm digests at their defaults.
    expect([config.stormThreshold, config.stormWindowSeconds]).toEqual([5, 300]);
    expect(channel.stack.resolve(subs.DeadLetterQueueUrl)).toEqual({
      Ref: ref(channel, notifier.deadLetterQueue),
    });
  });

  it('delivery: the storm setting reaches the definition', () => {
    const stormy = synthNotifier({
      stateMachineNamePrefixes: ['etl-'],
      destination: { type: 'channel', channel: '#ops' },
      storm: { threshold: 0, windowSeconds: 600 },
    });
    const config = deliveryConfigOf(stormy.template);
    expect([config.stormThreshold, config.stormWindowSeconds, config.allowedChannels]).toEqual([
      0,
      600,
      ['#ops'],
    ]);
  });

  it('formatter: GetExecutionHistory on the watched executions (to read the history itself)', () => {
    const formatterStatements = statementsOfRole(
      template,
      ref(channel, notifier.formatter.role as IConstruct)
    );
    expect(grants(formatterStatements, 'states:GetExecutionHistory')).toEqual([
      expect.objectContaining({ Resource: WATCHED_EXECUTIONS }),
    ]);
  });

  it('formatter: DescribeMapRun only on the Map runs of the watched machines', () => {
    const formatterStatements = statementsOfRole(
      template,
      ref(channel, notifier.formatter.role as IConstruct)
    );
    const [statement, ...others] = grants(formatterStatements, 'states:DescribeMapRun');
    expect(others).toEqual([]);
    expect(statement?.Action).toBe('states:DescribeMapRun');
    expect(statement?.Resource).toEqual(WATCHED_MAP_RUNS);
  });

  it('pipe: consumes the queue and starts the delivery machine synchronously, nothing else', () => {
    const pipeRole = channel.template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'pipes.amazonaws.com' } })],
        }),
      },
    });
    const [pipeRoleId] = Object.keys(pipeRole);
    const statements = statementsOfRole(template, pipeRoleId as string);
    expect(statements.flatMap(actions).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'states:StartSyncExecution',
    ]);
    expect(grants(statements, 'states:StartSyncExecution')[0]?.Resource).toEqual({
      Ref: ref(channel, notifier.deliveryStateMachine),
    });
    expect(grants(statements, 'sqs:ReceiveMessage')[0]?.Resource).toEqual({
      'Fn::GetAtt': [ref(channel, notifier.queue), 'Arn'],
    });
  });

  it('webhook mode: ssm:GetParameter on the one parameter, HTTP only to hooks.slack.com', () => {
    const statements = statementsOfRole(
      webhook.template,
      ref(webhook, webhook.notifier.deliveryStateMachine.role as IConstruct)
    );
    expect(grants(statements, 'ssm:GetParameter')).toEqual([
      expect.objectContaining({ Resource: 'arn:aws:ssm:eu-west-1:111122223333:parameter/test/SLACK_URL' }),
    ]);
    // The default aws/ssm key lets every principal of the account decrypt: no KMS grant unless a key is given.
    expect(statements.flatMap(actions).filter((action) => action.startsWith('kms:'))).toEqual([]);
    expect(grants(statements, 'states:InvokeHTTPEndpoint')[0]?.Condition).toEqual({
      StringEquals: { 'states:HTTPMethod': 'POST' },
      StringLike: { 'states:HTTPEndpoint': 'https://hooks.slack.com/*' },
    });
  });
});

describe('IAM: the webhook delivery machine, every grant written out', () => {
  const { template, notifier } = webhook;
  const statements = statementsOfRole(
    template,
    ref(webhook, notifier.deliveryStateMachine.role as IConstruct)
  );
  const store = notifier.messageStore;

  it('has exactly these actions: the post, the store, the flush schedules, the dead-letter queue, the URL', () => {
    // Besides the log-delivery actions CDK grants for the machine's logging configuration.
    const granted = statements.flatMap(actions).filter((a) => !a.startsWith('logs:'));
    expect([...new Set(granted)].sort()).toEqual([
      'events:RetrieveConnectionCredentials',
      'iam:PassRole',
      'lambda:InvokeFunction',
      'scheduler:CreateSchedule',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
      'ssm:GetParameter',
      'states:InvokeHTTPEndpoint',
    ]);
  });

  it('the message store (claims, pacing, storm counts and digests): the delivery function reads and updates its table only; the machine not at all', () => {
    expect(statements.flatMap(actions).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    const functionStatements = statementsOfRole(
      template,
      ref(webhook, notifier.deliveryFunction.role as IConstruct)
    );
    // The table's two calls, and X-Ray's trace writes (Resource "*", the only form X-Ray takes).
    expect(functionStatements.flatMap(actions).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(grants(functionStatements, 'xray:PutTraceSegments')).toEqual([
      expect.objectContaining({ Resource: '*' }),
    ]);
    expect(grants(functionStatements, 'dynamodb:UpdateItem')).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [ref(webhook, store.table), 'Arn'] },
      }),
    ]);
  });

  it("storm digests: CreateSchedule only in the notifier's schedule group, PassRole only of the Scheduler role to Scheduler", () => {
    expect(store.scheduleGroup).toBeDefined();
    const [create, ...more] = grants(statements, 'scheduler:CreateSchedule');
    expect(more).toEqual([]);
    expect(create?.Resource).toBe(
      `arn:aws:scheduler:eu-west-1:111122223333:schedule/${store.scheduleGroup?.scheduleGroupName}/*`
    );
    expect(grants(statements, 'iam:PassRole')).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [ref(webhook, store.schedulerRole as IConstruct), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    ]);
    // The Scheduler role sends only to the delivery queue, and the queue policy lets it.
    const schedulerStatements = statementsOfRole(template, ref(webhook, store.schedulerRole as IConstruct));
    expect(schedulerStatements).toEqual([
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [ref(webhook, notifier.queue), 'Arn'] },
      }),
    ]);
  });

  it('sqs:SendMessage only to the dead-letter queue (the flushes are sent by Scheduler, not by the machine)', () => {
    expect(grants(statements, 'sqs:SendMessage')).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [ref(webhook, notifier.deadLetterQueue), 'Arn'] },
      }),
    ]);
  });

  it('the connection: its credentials and its secret only', () => {
    expect(grants(statements, 'events:RetrieveConnectionCredentials')[0]?.Resource).toEqual({
      'Fn::GetAtt': [ref(webhook, notifier.connection), 'Arn'],
    });
    expect(grants(statements, 'secretsmanager:GetSecretValue')[0]?.Resource).toEqual({
      'Fn::GetAtt': [ref(webhook, notifier.connection), 'SecretArn'],
    });
  });

  it('storm digests off (threshold 0): no schedule group, no Scheduler grants', () => {
    const quiet = synthNotifier({
      stateMachineNamePrefixes: ['batch-'],
      destination: { type: 'webhook', parameterName: '/test/SLACK_URL' },
      storm: { threshold: 0, windowSeconds: 300 },
    });
    const quietStatements = statementsOfRole(
      quiet.template,
      ref(quiet, quiet.notifier.deliveryStateMachine.role as IConstruct)
    );
    quiet.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    expect(quietStatements.flatMap(actions).filter((a) => /^(scheduler|iam):/.test(a))).toEqual([]);
  });
});

describe('webhook parameter with a customer managed key', () => {
  it('grants kms:Decrypt on that key, only through SSM', () => {
    const synth = synthNotifier((stack) => ({
      stateMachineNamePrefixes: ['batch-'],
      destination: {
        type: 'webhook',
        parameterName: '/test/SLACK_URL',
        parameterKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
      },
    }));
    const statements = statementsOfRole(
      synth.template,
      ref(synth, synth.notifier.deliveryStateMachine.role as IConstruct)
    );
    expect(grants(statements, 'kms:Decrypt')).toEqual([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY_ARN,
        // ssm.<region>.<URL suffix>: amazonaws.com, or amazonaws.com.cn in China.
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['ssm.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
          },
        },
      },
    ]);
  });
});

describe('EventBridge rule', () => {
  it('matches the configured statuses and machines (ARNs exactly, prefixes by ARN prefix)', () => {
    channel.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'],
          stateMachineArn: [NIGHTLY, { prefix: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-' }],
        },
      },
    });
    webhook.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: Match.objectLike({ status: ['FAILED'] }) }),
    });
  });

  it("never matches the notifier's own executions, even when a prefix would", () => {
    const rules = Object.values(channel.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const resources = rules[0]?.Properties.EventPattern.resources;
    expect(resources).toEqual([
      {
        'anything-but': {
          prefix: {
            'Fn::Join': [
              '',
              [
                'arn:aws:states:eu-west-1:111122223333:execution:',
                { 'Fn::GetAtt': [ref(channel, channel.notifier.notifierStateMachine), 'Name'] },
                ':',
              ],
            ],
          },
        },
      },
    ]);
  });

  it('starts the notifier, with a dead-letter queue for events it cannot deliver', () => {
    channel.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { Ref: ref(channel, channel.notifier.notifierStateMachine) },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [ref(channel, channel.notifier.eventDeadLetterQueue), 'Arn'] },
          },
        }),
      ],
    });
  });
});

describe('queues', () => {
  const { template, notifier } = channel;

  it('FIFO queue with SQS-managed encryption and a FIFO DLQ after 5 receives, kept 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [ref(channel, notifier.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    const dlq = template.toJSON().Resources[ref(channel, notifier.deadLetterQueue)].Properties;
    expect(dlq).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
  });

  it('keeps failed notifications long enough to replay, and never hands a message out twice at once', () => {
    const resources = template.toJSON().Resources;
    const properties = (construct: IConstruct) => resources[ref(channel, construct)].Properties;
    // 14 days (the SQS maximum) in both dead-letter queues; replay moves them back within that.
    expect(properties(notifier.deadLetterQueue).MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(properties(notifier.eventDeadLetterQueue).MessageRetentionPeriod).toBe(14 * 24 * 3600);
    // The queue keeps a message longer than all its deliveries can take (5 receives x visibility timeout).
    const queue = properties(notifier.queue);
    expect(queue.MessageRetentionPeriod).toBeGreaterThan(5 * queue.VisibilityTimeout);
    // A delivery execution ends (its TimeoutSeconds) before the message becomes visible again.
    const deliverTimeout = (JSON.parse(readAsl('deliver.asl.json')) as { TimeoutSeconds: number })
      .TimeoutSeconds;
    expect(queue.VisibilityTimeout).toBeGreaterThan(deliverTimeout);
  });

  it('every queue denies non-TLS access and no queue policy allows a "*" principal', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })
      );
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
      }
    }
    expect(Object.values(template.findResources('AWS::SQS::Queue'))).toHaveLength(3);
    for (const queue of Object.values(template.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
  });
});

describe('pipe', () => {
  it('reads the FIFO queue one message at a time and waits for the Express execution', () => {
    channel.template.hasResourceProperties('AWS::Pipes::Pipe', {
      Source: { 'Fn::GetAtt': [ref(channel, channel.notifier.queue), 'Arn'] },
      SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
      Target: { Ref: ref(channel, channel.notifier.deliveryStateMachine) },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
    });
  });
});

describe('state machines', () => {
  it('notifier: STANDARD, logs ALL without execution data to a retained /aws/vendedlogs/states/ group, X-Ray on', () => {
    const { template, notifier } = channel;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [ref(channel, notifier.notifierLogGroup), 'Arn'] },
            },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/sfn-slack-notifier-test-notifier',
      RetentionInDays: 90,
    });
  });

  it('delivery: EXPRESS with its own log group (ALL without execution data in channel mode)', () => {
    const { template, notifier } = channel;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [ref(channel, notifier.deliveryLogGroup), 'Arn'] },
            },
          },
        ],
      }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/sfn-slack-notifier-test-delivery',
      RetentionInDays: 90,
    });
  });

  it('delivery in webhook mode: no execution data in its logs and no traces (the URL is a task parameter)', () => {
    webhook.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: false },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
  });

  it.each([
    ['channel', channel, STATE_MACHINE_FILES.deliver],
    ['webhook', webhook, STATE_MACHINE_FILES.deliver],
  ] as const)(
    '%s mode: the placeholders of each file equal the substitutions passed, both ways',
    (_, synth, deliverFile) => {
      const machines = synth.template.findResources('AWS::StepFunctions::StateMachine');
      const byType = (type: string) =>
        Object.values(machines).find((machine) => machine.Properties.StateMachineType === type)?.Properties;
      for (const [type, file] of [
        ['STANDARD', STATE_MACHINE_FILES.notifier],
        ['EXPRESS', deliverFile],
      ] as const) {
        const properties = byType(type);
        const text = readAsl(file.split('/').pop() as string);
        // Settings and Fallback are written as JSON by the construct (contract/definition-values.ts), not substituted by
        // CloudFormation.
        expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(
          [...placeholders(text)].filter((name) => name !== 'Settings' && name !== 'Fallback').sort()
        );
        // The definition deployed is the file itself, inline (so diffs show it); the notifier's with its settings
        // written as JSON into its Settings state.
        if (type === 'EXPRESS') expect(properties.DefinitionString).toBe(text);
        else {
          const deployed = JSON.parse(properties.DefinitionString);
          expect(deployed.States.Format.Arguments.Payload.settings.environment).toBe('test');
          expect(deployed.States.FallbackFacts.Output.fallback.environment).toBe('test');
          deployed.States.Format.Arguments.Payload.settings = ['$', '{Settings}'].join('');
          deployed.States.FallbackFacts.Output.fallback = ['$', '{Fallback}'].join('');
          expect(deployed).toEqual(JSON.parse(text));
        }
      }
    }
  );

  it('passes the configured settings to the notifier as one JSON value, the shorthand as one route', () => {
    // Resource names only: the settings and the fallback table are JSON values in the definition.
    expect(Object.keys(channel.notifier.notifierSubstitutions).sort()).toEqual([
      'FormatterFunctionArn',
      'QueueUrl',
    ]);
    expect(channel.notifier.settings).toMatchObject({
      environment: 'test',
      destinationType: 'channel',
      allowedChannels: ['C0123456789'],
      readTags: false,
      routes: [
        {
          name: 'default',
          template: 'detailed',
          destination: { type: 'channel', channel: 'C0123456789' },
          mention: '<!here>',
          stop: false,
          tagOverrides: false,
        },
      ],
    });
    expect(webhook.notifier.settings).toMatchObject({
      destinationType: 'webhook',
      allowedChannels: [],
      routes: [{ destination: { type: 'webhook' } }],
    });
    expect(webhook.notifier.settings.routes[0]?.mention).toBeUndefined();
  });
});

describe('formatter Lambda', () => {
  it('no function runs with --enable-source-maps: each handler maps its stack traces on the first one printed', () => {
    const functions = Object.values(channel.template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const fn of functions) {
      const variables = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('arm64, Node.js 24, 60 s, JSON logs to a retained group, X-Ray, Powertools environment (the delivery function too, its own group)', () => {
    channel.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 60,
      MemorySize: 512,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'sfn-slack-notifier',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
    });
    channel.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 8,
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'sfn-slack-delivery' }) },
    });
    const groups = Object.values(channel.template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(4);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(90);
  });
});

describe('connection and secrets', () => {
  it('channel mode: API key "Authorization" from the bot-token secret by dynamic reference, never a literal', () => {
    const { template, notifier } = channel;
    template.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'Authorization',
          ApiKeyValue: {
            'Fn::Join': [
              '',
              [
                'Bearer {{resolve:secretsmanager:',
                { Ref: ref(channel, notifier.botTokenSecret as IConstruct) },
                ':SecretString:::}}',
              ],
            ],
          },
        },
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/xox[abp]-[0-9A-Za-z]/);
  });

  it('webhook mode: no bot-token secret, and the URL appears nowhere in the template', () => {
    webhook.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(webhook.template.toJSON())).not.toContain('hooks.slack.com/services');
  });
});

describe('alarms', () => {
  it('DLQs not empty, notifier or delivery failed or timed out, queue stalled: each to the configured topic', () => {
    const alarms = Object.values(channel.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111122223333:ops-alarms']);
    }
    channel.template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('without a configured topic, creates one (TLS only) so no alarm goes to nobody', () => {
    webhook.template.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = { Ref: ref(webhook, webhook.notifier.alarmTopic) };
    const alarms = Object.values(webhook.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
    webhook.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('each alarm watches its own resource: the FIFO DLQ, the event DLQ, the notifier, the queue, the delivery', () => {
    const { template, notifier } = channel;
    const alarms = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    const propsOf = (alarm: IConstruct | undefined) =>
      alarm ? alarms[ref(channel, alarm)]?.Properties : undefined;
    const [deadLetter, eventDeadLetter, notifierFailed, stalled, deliveryFailed] = notifier.alarms;
    const queueName = (queue: IConstruct) => ({ 'Fn::GetAtt': [ref(channel, queue), 'QueueName'] });
    expect(propsOf(deadLetter)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName(notifier.deadLetterQueue) }],
      Threshold: 1,
    });
    expect(propsOf(eventDeadLetter)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName(notifier.eventDeadLetterQueue) }],
      Threshold: 1,
    });
    const machine = { Name: 'StateMachineArn', Value: { Ref: ref(channel, notifier.notifierStateMachine) } };
    const metrics = propsOf(notifierFailed)?.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } };
    }>;
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('failed + timedOut');
    expect(
      metrics
        .filter((m) => m.MetricStat)
        .map((m) => [m.MetricStat?.Metric.MetricName, m.MetricStat?.Metric.Dimensions])
        .sort()
    ).toEqual([
      ['ExecutionsFailed', [machine]],
      ['ExecutionsTimedOut', [machine]],
    ]);
    const delivery = { Name: 'StateMachineArn', Value: { Ref: ref(channel, notifier.deliveryStateMachine) } };
    const deliveryMetrics = propsOf(deliveryFailed)?.Metrics as typeof metrics;
    expect(deliveryMetrics.find((m) => m.Expression)?.Expression).toBe('failed + timedOut');
    expect(
      deliveryMetrics
        .filter((m) => m.MetricStat)
        .map((m) => [m.MetricStat?.Metric.MetricName, m.MetricStat?.Metric.Dimensions])
        .sort()
    ).toEqual([
      ['ExecutionsFailed', [delivery]],
      ['ExecutionsTimedOut', [delivery]],
    ]);
    expect(propsOf(deliveryFailed)).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // Someone is told within 5 minutes: the stalled-queue alarm at 5 minutes by default, one 5-minute period each.
    expect(propsOf(stalled)).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName(notifier.queue) }],
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      Statistic: 'Maximum',
    });
    for (const alarm of notifier.alarms) {
      expect(propsOf(alarm)).toMatchObject({ EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      const metrics = (propsOf(alarm)?.Metrics ?? []) as Array<{ MetricStat?: { Period: number } }>;
      const periods = propsOf(alarm)?.Period
        ? [propsOf(alarm)?.Period]
        : metrics.map((m) => m.MetricStat?.Period);
      expect(new Set(periods.filter((p) => p !== undefined))).toEqual(new Set([300]));
    }
  });

  it('each description says what to do next (a command or a place to look), naming the environment', () => {
    const { template } = channel;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) {
      const description = alarm.Properties.AlarmDescription as string;
      expect(description).toContain('(test)');
      expect(description).toMatch(/sfn-slack (replay|renotify|setup)|log group|open the failed execution/i);
    }
  });

  it('the stalled-queue threshold follows stalledQueueAge', async () => {
    const { Duration } = await import('aws-cdk-lib');
    const { template, notifier, stack } = synthNotifier({
      stateMachineArns: [NIGHTLY],
      destination: { type: 'channel', channel: 'C0123456789' },
      stalledQueueAge: Duration.minutes(10),
    });
    const stalled = notifier.alarms[3] as IConstruct;
    expect(
      (template.toJSON().Resources as Record<string, { Properties: { Threshold: number } }>)[
        logicalId(stack, stalled)
      ]?.Properties.Threshold
    ).toBe(600);
  });
});

describe('least exposure', () => {
  it('the queue denies SendMessage to every principal but the notifier, the replay role and the delivery (storm flushes)', () => {
    const { template, notifier } = channel;
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      (policy.Properties.Queues as Array<{ Ref: string }>).some((q) => q.Ref === ref(channel, notifier.queue))
    );
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>
    );
    const deny = statements.filter((st) => st.Effect === 'Deny' && st.Action === 'sqs:SendMessage');
    expect(deny).toEqual([
      expect.objectContaining({
        Principal: { AWS: '*' },
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              { 'Fn::GetAtt': [ref(channel, notifier.notifierStateMachine.role as IConstruct), 'Arn'] },
              { 'Fn::GetAtt': [ref(channel, notifier.replayRole), 'Arn'] },
              { 'Fn::GetAtt': [ref(channel, notifier.deliveryStateMachine.role as IConstruct), 'Arn'] },
            ],
          },
        },
      }),
    ]);
    expect(statements.some((st) => st.Effect === 'Allow')).toBe(false);
  });

  it('the replay role: its stack, move tasks from the DLQ, send to the queue, redrive the notifier; nothing else', () => {
    const { template, notifier } = channel;
    const statements = statementsOfRole(template, ref(channel, notifier.replayRole));
    const dlq = { 'Fn::GetAtt': [ref(channel, notifier.deadLetterQueue), 'Arn'] };
    const queue = { 'Fn::GetAtt': [ref(channel, notifier.queue), 'Arn'] };
    expect(grants(statements, 'sqs:StartMessageMoveTask')).toEqual([
      expect.objectContaining({ Resource: dlq }),
    ]);
    expect(grants(statements, 'sqs:SendMessage')).toEqual([expect.objectContaining({ Resource: queue })]);
    expect(grants(statements, 'states:RedriveExecution')).toHaveLength(1);
    const all = statements.flatMap((st) => actions(st)).sort();
    expect(all).toEqual(
      [
        'cloudformation:DescribeStacks',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
        'sqs:StartMessageMoveTask',
        'states:ListExecutions',
        'states:RedriveExecution',
      ].sort()
    );
    // Trusted by the account only for principals tagged sfn-slack:replay = the environment (test/infra/replay-role.test.ts).
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { AWS: 'arn:aws:iam::111122223333:root' },
            Condition: { StringEquals: { 'aws:PrincipalTag/sfn-slack:replay': 'test' } },
          }),
        ],
      },
      MaxSessionDuration: 3600,
    });
  });

  it('logs keep execution data only when logExecutionData is set', () => {
    const { template } = synthNotifier({
      stateMachineArns: [NIGHTLY],
      destination: { type: 'channel', channel: 'C0123456789' },
      logExecutionData: true,
    });
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines.map((m) => m.Properties.LoggingConfiguration.IncludeExecutionData)).toEqual([true, true]);
  });

  it('passes the execution input and output to the formatter only when the template uses them', () => {
    const substitution = (props: Record<string, unknown>) =>
      synthNotifier({
        stateMachineArns: [NIGHTLY],
        destination: { type: 'channel', channel: 'C0123456789' },
        ...props,
      }).notifier.settings.executionData;
    expect(substitution({})).toBe(false);
    expect(substitution({ template: 'compact' })).toBe(false);
    expect(substitution({ passExecutionData: true })).toBe(true);
  });
});

describe('props', () => {
  it('refuses a notifier that watches nothing', () => {
    expect(() => synthNotifier({ destination: { type: 'channel', channel: 'C0123456789' } })).toThrow(
      'SlackNotifier props watches no state machine; set stateMachineArns and/or stateMachineNamePrefixes, or routes'
    );
  });
});
