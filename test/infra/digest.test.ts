/**
 * The daily digest and the run context's reads in the stack (infra/constructs/digest.ts), synthesized from a
 * cdk.json environment by the app itself (both cdk-nag packs run: an unacknowledged finding throws).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { actions, grants, SKIP_BUNDLING, standInCode, statementsOfRole, testOutdir } from './helpers.js';

const ORDERS = 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders-load';

function synth(environment: Record<string, unknown>): Template {
  const outdir = testOutdir();
  const app = buildApp(
    { outdir, context: { ...SKIP_BUNDLING, environments: { dg: environment }, env: 'dg' } },
    { standIns: [[FORMATTER_FILES, { code: standInCode }]] }
  );
  app.synth();
  const stack = app.node.findChild('SfnSlackNotifier-dg');
  return Template.fromStack(stack as never);
}

const base = {
  account: '111122223333',
  region: 'eu-west-1',
  destination: { type: 'channel', channel: '#ops' },
  mute: true,
  routes: [
    { name: 'data', match: { stateMachineNamePrefixes: ['etl-'] }, destination: { channel: '#data' } },
    {
      name: 'orders',
      match: { stateMachineArns: [ORDERS] },
      digest: { at: '07:30', timeZone: 'America/New_York', quiet: 'skip' },
    },
  ],
};

type Resource = { Properties: Record<string, unknown> };
const only = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** The role a resource runs as (its RoleArn's Fn::GetAtt). */
function roleOf(resource: Resource, key = 'RoleArn'): string {
  return ((resource.Properties[key] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [])[0] as string;
}

describe('daily digest', () => {
  const template = synth({ ...base, digest: { at: '09:00', timeZone: 'Europe/Berlin' } });
  const machines = only(template, 'AWS::StepFunctions::StateMachine');
  const digest = machines.find(([id]) => id.includes('DailyDigest'));

  it('the queue lets the digest machine queue its message (its role is exempt from the Deny on SendMessage)', () => {
    expect(digest).toBeDefined();
    const digestRole = roleOf(digest?.[1] as Resource);
    const denies = only(template, 'AWS::SQS::QueuePolicy').flatMap(([, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement.filter(
        (st) => st.Effect === 'Deny' && st.Action === 'sqs:SendMessage'
      )
    );
    expect(denies).toHaveLength(1);
    const condition = denies[0]?.Condition as { ArnNotEquals: { 'aws:PrincipalArn': unknown[] } } | undefined;
    const exempt = condition?.ArnNotEquals['aws:PrincipalArn'];
    expect(exempt).toContainEqual({ 'Fn::GetAtt': [digestRole, 'Arn'] });
    // And its own policy allows the send on that queue.
    expect(grants(statementsOfRole(template, digestRole), 'sqs:SendMessage')).not.toEqual([]);
  });

  it('schedules one digest per destination, at its time in its IANA zone, starting the digest machine', () => {
    expect(digest).toBeDefined();
    const schedules = only(template, 'AWS::Scheduler::Schedule').filter(([id]) => id.includes('DailyDigest'));
    const byTime = Object.fromEntries(
      schedules.map(([, s]) => [s.Properties.ScheduleExpression as string, s.Properties])
    );
    expect(Object.keys(byTime).sort()).toEqual(['cron(0 9 * * ? *)', 'cron(30 7 * * ? *)']);
    const berlin = byTime['cron(0 9 * * ? *)'] as Record<string, unknown>;
    expect(berlin.ScheduleExpressionTimezone).toBe('Europe/Berlin');
    expect(berlin.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    const target = berlin.Target as { Arn: { Ref: string }; Input: string; RoleArn: unknown };
    expect(target.Arn).toEqual({ Ref: digest?.[0] });
    const input = JSON.parse(target.Input) as { routing: { routes: Array<{ name: string }> } };
    expect(input).toEqual({
      environment: 'dg',
      destination: { type: 'channel', channel: '#data' },
      timeZone: 'Europe/Berlin',
      quiet: 'line',
      stateMachineArns: [],
      stateMachineNamePrefixes: ['etl-'],
      // Every route, in order: the digest chooses its machines as the notifier routes them (contract/digest.ts).
      routing: { routes: expect.any(Array), allowedChannels: ['#data', '#ops'] },
      mute: true,
    });
    expect(input.routing.routes.map((r) => r.name)).toEqual(['data', 'orders']);
    const ny = byTime['cron(30 7 * * ? *)'] as {
      ScheduleExpressionTimezone: string;
      Target: { Input: string };
    };
    expect(ny.ScheduleExpressionTimezone).toBe('America/New_York');
    expect(JSON.parse(ny.Target.Input)).toMatchObject({
      destination: { type: 'channel', channel: '#ops' },
      quiet: 'skip',
      stateMachineArns: [ORDERS],
    });
  });

  it('gives each role exactly its step: the scheduler starts the digest, the digest invokes and enqueues', () => {
    const schedule = only(template, 'AWS::Scheduler::Schedule').find(([id]) => id.includes('DailyDigest'));
    const target = schedule?.[1].Properties.Target as { RoleArn: { 'Fn::GetAtt': string[] } } | undefined;
    const schedulerRole = target?.RoleArn['Fn::GetAtt'][0] as string;
    const schedulerStatements = statementsOfRole(template, schedulerRole);
    expect(schedulerStatements.flatMap(actions)).toEqual(['states:StartExecution']);
    expect(schedulerStatements[0]?.Resource).toEqual({ Ref: digest?.[0] });

    const digestRole = roleOf(digest?.[1] as Resource);
    const statements = statementsOfRole(template, digestRole);
    const invoke = grants(statements, 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]?.Resource)).toMatch(/Formatter/);
    expect(JSON.stringify(invoke[0]?.Resource)).not.toContain('*');
    const send = grants(statements, 'sqs:SendMessage');
    expect(send).toHaveLength(1);
    expect(JSON.stringify(send[0]?.Resource)).toMatch(/QueueArn|Queue[0-9A-F]+", "Arn"|"Arn"/);
    expect(JSON.stringify(send[0]?.Resource)).not.toMatch(/DeadLetter/);
    // Nothing else but the logs and tracing Step Functions itself needs.
    const others = statements
      .flatMap(actions)
      .filter((a) => !['lambda:InvokeFunction', 'sqs:SendMessage'].includes(a))
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(others).toEqual([]);
  });

  it('lets the formatter list and describe only the watched machines, and list machines for the prefixes', () => {
    const formatter = only(template, 'AWS::Lambda::Function').find(([id]) => id.includes('Formatter'));
    const statements = statementsOfRole(template, roleOf(formatter?.[1] as Resource, 'Role'));
    const list = grants(statements, 'states:ListExecutions');
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list[0]?.Resource)).toContain('stateMachine:etl-*');
    expect(JSON.stringify(list[0]?.Resource)).toContain(ORDERS);
    const describe = grants(statements, 'states:DescribeExecution');
    expect(JSON.stringify(describe[0]?.Resource)).toContain('execution:etl-*');
    expect(JSON.stringify(describe[0]?.Resource)).toContain('execution:orders-load:*');
    expect(grants(statements, 'states:ListStateMachines').map((s) => s.Resource)).toEqual(['*']);
    expect(JSON.stringify(grants(statements, 'states:ListTagsForResource').map((s) => s.Resource))).toContain(
      'stateMachine:etl-*'
    );
  });
});

describe('without a digest', () => {
  const template = synth({ ...base, routes: [{ ...base.routes[0] }] });

  it('creates no digest machine or schedule, and still grants the run context its reads', () => {
    expect(
      only(template, 'AWS::StepFunctions::StateMachine').filter(([id]) => id.includes('DailyDigest'))
    ).toEqual([]);
    expect(only(template, 'AWS::Scheduler::Schedule').filter(([id]) => id.includes('DailyDigest'))).toEqual(
      []
    );
    const formatter = only(template, 'AWS::Lambda::Function').find(([id]) => id.includes('Formatter'));
    const statements = statementsOfRole(template, roleOf(formatter?.[1] as Resource, 'Role'));
    expect(grants(statements, 'states:ListExecutions')).toHaveLength(1);
    expect(grants(statements, 'states:DescribeExecution')).toHaveLength(1);
    expect(grants(statements, 'states:ListStateMachines')).toEqual([]);
  });
});
