/** The message store: the table, the runningLongerThan schedule pieces, and the delivery machine's grants on them. */
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { STORE_KEY, STORE_TTL_ATTRIBUTE } from '../../contract/message-store.js';
import { actions, deliveryConfigOf, grants, logicalId, statementsOfRole, synthNotifier } from './helpers.js';

const watched = { stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'] };
const plain = synthNotifier({ ...watched, destination: { type: 'channel', channel: 'C0123456789' } });
const longRuns = synthNotifier({
  ...watched,
  destination: { type: 'channel', channel: 'C0123456789' },
  runningLongerThan: 'PT2H',
  replyBroadcast: false,
});
const ref = (synth: typeof plain, construct: IConstruct) => logicalId(synth.stack, construct);
const deliveryStatements = (synth: typeof plain) =>
  statementsOfRole(synth.template, ref(synth, synth.notifier.deliveryStateMachine.role as IConstruct));
const functionStatements = (synth: typeof plain) =>
  statementsOfRole(synth.template, ref(synth, synth.notifier.deliveryFunction.role as IConstruct));
describe('message store table', () => {
  it('is on-demand, encrypted, with point-in-time recovery and TTL, keyed by destination + execution, and kept on delete', () => {
    plain.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: STORE_TTL_ATTRIBUTE, Enabled: true },
        KeySchema: [
          { AttributeName: STORE_KEY.partition, KeyType: 'HASH' },
          { AttributeName: STORE_KEY.sort, KeyType: 'RANGE' },
        ],
      },
    });
  });

  it('delivery: only the delivery function touches the store, GetItem and UpdateItem on this table only', () => {
    expect(
      deliveryStatements(plain)
        .flatMap(actions)
        .filter((a) => a.startsWith('dynamodb:'))
    ).toEqual([]);
    const statements = functionStatements(plain).filter((s) =>
      actions(s).some((a) => a.startsWith('dynamodb:'))
    );
    expect(statements).toHaveLength(1);
    expect(actions(statements[0] as never).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(statements[0]?.Resource).toEqual({
      'Fn::GetAtt': [ref(plain, plain.notifier.messageStore.table), 'Arn'],
    });
  });

  it('passes the table and the lifecycle settings to the delivery function', () => {
    expect(deliveryConfigOf(plain.template)).toMatchObject({
      tableName: 'REF',
      startNotices: false,
      replyBroadcast: true,
      runningLongerThanSeconds: 0,
    });
    expect(deliveryConfigOf(longRuns.template)).toMatchObject({
      replyBroadcast: false,
      runningLongerThanSeconds: 7200,
    });
    const withStart = synthNotifier({
      ...watched,
      destination: { type: 'channel', channel: 'C0123456789' },
      statuses: ['RUNNING', 'FAILED'],
    });
    expect(deliveryConfigOf(withStart.template).startNotices).toBe(true);
  });

  it('the queue deduplicates by content too (EventBridge Scheduler sends without a deduplication id)', () => {
    plain.template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      RedrivePolicy: Match.anyValue(),
    });
  });
});

describe('runningLongerThan', () => {
  it('without it: no schedule group, no scheduler role, no scheduler grant; the rule does not match RUNNING', () => {
    plain.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    expect(grants(deliveryStatements(plain), 'scheduler:CreateSchedule')).toEqual([]);
    plain.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'] }),
      }),
    });
  });

  it('the rule also matches RUNNING, where the check is scheduled', () => {
    longRuns.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED', 'RUNNING'] }),
      }),
    });
  });

  it('delivery: CreateSchedule only in its own group, PassRole only of the scheduler role and only to Scheduler', () => {
    const statements = deliveryStatements(longRuns);
    const [create, ...moreCreate] = grants(statements, 'scheduler:CreateSchedule');
    expect(moreCreate).toEqual([]);
    expect(JSON.stringify(create?.Resource)).toContain(':schedule/sfn-slack-notifier-test/*');
    const [pass, ...morePass] = grants(statements, 'iam:PassRole');
    expect(morePass).toEqual([]);
    const store = longRuns.notifier.messageStore;
    expect(pass?.Resource).toEqual({
      'Fn::GetAtt': [ref(longRuns, store.schedulerRole as IConstruct), 'Arn'],
    });
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  it('the scheduler role: assumed by Scheduler of this account only; it may only send to the delivery queue', () => {
    const store = longRuns.notifier.messageStore;
    const roleId = ref(longRuns, store.schedulerRole as IConstruct);
    const role = longRuns.template.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const statements = statementsOfRole(longRuns.template, roleId);
    expect(statements.flatMap(actions)).toEqual(['sqs:SendMessage']);
    expect(statements[0]?.Resource).toEqual({
      'Fn::GetAtt': [ref(longRuns, longRuns.notifier.queue), 'Arn'],
    });
  });

  it('the queue policy lets the scheduler role send the checks (it denies every other sender)', () => {
    const store = longRuns.notifier.messageStore;
    const statements = Object.values(longRuns.template.findResources('AWS::SQS::QueuePolicy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>
    );
    const deny = statements.find((st) => st.Effect === 'Deny' && st.Action === 'sqs:SendMessage');
    expect(deny?.Condition).toEqual({
      ArnNotEquals: {
        'aws:PrincipalArn': expect.arrayContaining([
          { 'Fn::GetAtt': [ref(longRuns, store.schedulerRole as IConstruct), 'Arn'] },
        ]),
      },
    });
  });

  it('refuses a duration that is not ISO 8601, and a webhook destination', () => {
    expect(() =>
      synthNotifier({
        ...watched,
        destination: { type: 'channel', channel: 'C0123456789' },
        runningLongerThan: '2h',
      })
    ).toThrow(/ISO 8601/);
    expect(() =>
      synthNotifier({
        ...watched,
        destination: { type: 'webhook', parameterName: '/test/SLACK_URL' },
        runningLongerThan: 'PT2H',
      })
    ).toThrow(/channel destination/);
  });
});
