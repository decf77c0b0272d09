/**
 * A central environment as `cdk synth -c env=<name>` writes it: the central stack (bus, bus policy, notifier
 * reading with source roles) and the one source stack template a StackSet deploys to every source account and
 * region. Both pass cdk-nag (synthesis throws on an unacknowledged finding). The policies are checked by what
 * they allow: a small evaluator applies each statement's principal and conditions to a request.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { alarmsIn } from '../../bench/organization.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../contract/sources.js';
import { buildApp } from '../../infra/build-app.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { SlackNotifier } from '../../infra/constructs/slack-notifier.js';
import { SourceAccess } from '../../infra/constructs/source-access.js';
import { ALARM_TOPIC_PARAMETER } from '../../infra/stacks/source-stack.js';
import { cdkJsonContext, SKIP_BUNDLING, standInApp, standInEntry, testOutdir } from './helpers.js';

type Json = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties: Json }>;

const CENTRAL = '444455556666';
const LISTED = '111122223333';
const OTHER = '999900001111';
const ORG = 'o-a1b2c3d4e5';
const STATUS_CHANGE = { source: 'aws.states', detailType: 'Step Functions Execution Status Change' };

type Synthesized = { names: string[]; central: Json; source: Json };
const synthesized = new Map<string, Synthesized>();

/**
 * Synthesizes one central environment (cdk-nag runs; an unacknowledged finding throws), once per name and
 * overrides: several suites read the same environment, and no test changes a template.
 */
function synth(name: string, overrides: Json = {}): Synthesized {
  const key = JSON.stringify([name, overrides]);
  const known = synthesized.get(key);
  if (known) return known;
  const result = synthesize(name, overrides);
  synthesized.set(key, result);
  return result;
}

function synthesize(name: string, overrides: Json): Synthesized {
  const outdir = testOutdir();
  const environments = cdkJsonContext().environments as Record<string, Json>;
  const app = buildApp(
    {
      outdir,
      context: {
        ...cdkJsonContext(),
        ...SKIP_BUNDLING,
        environments: { [name]: { ...environments.org, ...overrides } },
        env: name,
      },
    },
    { standIns: [[FORMATTER_FILES, { entry: standInEntry }]] }
  );
  const assembly = app.synth();
  const template = (stackName: string) => assembly.getStackByName(stackName).template as Json;
  return {
    names: assembly.stacks.map((s) => s.stackName),
    central: template(`SfnSlackNotifier-${name}`),
    source: template(`SfnSlackNotifierSource-${name}`),
  };
}

const resources = (template: Json) => template.Resources as Resources;
const ofType = (template: Json, type: string) =>
  Object.entries(resources(template)).filter(([, r]) => r.Type === type);
/** The properties of the one resource of a type whose logical id contains `fragment`. */
function only(template: Json, type: string, fragment = ''): Json {
  const found = ofType(template, type).filter(([id]) => id.includes(fragment));
  expect(found, `${type} *${fragment}*`).toHaveLength(1);
  return (found[0] as [string, { Properties: Json }])[1].Properties;
}

/** `{"Fn::Join": ["", [...]]}` as text, pseudo parameters as `<AWS::...>` and other refs as `<Ref:id>`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(text).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return ref.startsWith('AWS::') ? `<${ref}>` : `<Ref:${ref}>`;
  return JSON.stringify(value);
}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

interface Statement {
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Resource?: unknown;
}

/** The request context a statement is evaluated against. */
interface Request {
  readonly principalAccount: string;
  readonly principalArn?: string;
  readonly orgId?: string;
  readonly source?: string;
  readonly detailType?: string;
}

/** Whether one Allow statement matches: principal (account root, `*`) and every condition (all operators used here). */
function allows(statement: Statement, action: string, request: Request): boolean {
  if (statement.Effect !== 'Allow' || !list(statement.Action).includes(action)) return false;
  const principal = statement.Principal as { AWS?: unknown } | string;
  const aws = typeof principal === 'string' ? principal : principal.AWS;
  const principals = list(aws).map(text);
  const principalOk = principals.some(
    (p) =>
      p === '*' || p.replace('<AWS::Partition>', 'aws') === `arn:aws:iam::${request.principalAccount}:root`
  );
  if (!principalOk) return false;
  const context: Record<string, string | undefined> = {
    'aws:PrincipalOrgID': request.orgId,
    'aws:PrincipalArn': request.principalArn,
    'events:source': request.source,
    'events:detail-type': request.detailType,
  };
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    if (operator !== 'StringEquals' && operator !== 'ArnEquals') throw new Error(`unexpected ${operator}`);
    for (const [key, expected] of Object.entries(entries)) {
      if (!(key in context)) throw new Error(`unexpected condition key ${key}`);
      const actual = context[key];
      const values = list(expected).map((v) => text(v).replace('<AWS::Partition>', 'aws'));
      if (actual === undefined || !values.includes(actual)) return false;
    }
  }
  return true;
}

/** The bus's policy statements: its own Policy property (no AWS::Events::EventBusPolicy resources). */
function busStatements(template: Json): Statement[] {
  expect(ofType(template, 'AWS::Events::EventBusPolicy')).toEqual([]);
  return ofType(template, 'AWS::Events::EventBus').flatMap(
    ([, r]) =>
      ((r.Properties.Policy as { Statement?: Statement[] } | undefined)?.Statement ?? []) as Statement[]
  );
}
const canPut = (template: Json, request: Request) =>
  busStatements(template).some((s) => allows(s, 'events:PutEvents', request));

function roleNamed(template: Json, fragment: string): [string, Json] {
  const found = ofType(template, 'AWS::IAM::Role').find(([, r]) =>
    text(r.Properties.RoleName).includes(fragment)
  );
  if (!found) throw new Error(`no role named *${fragment}*`);
  return [found[0], found[1].Properties];
}
const canAssume = (role: Json, request: Request) =>
  ((role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement ?? []).some((s) =>
    allows(s, 'sts:AssumeRole', request)
  );
function policyOf(template: Json, roleId: string): Statement[] {
  return ofType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const role = (name: string) => `arn:aws:iam::${CENTRAL}:role/${name}`;
/** Each action a policy allows → the resources it allows it on (sorted text). */
function resourcesByAction(statements: readonly Statement[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const statement of statements) {
    expect(statement.Effect).toBe('Allow');
    expect(statement.Condition).toBeUndefined();
    for (const action of list(statement.Action) as string[]) {
      out[action] = [...(out[action] ?? []), ...list(statement.Resource).map(text)].sort();
    }
  }
  return out;
}

describe('a central environment with an organization (cdk.json "org")', () => {
  const { names, central, source } = synth('org');

  it('cdk synth -c env=org writes the central stack and one source stack, both cdk-nag clean', () => {
    expect([...names].sort()).toEqual(['SfnSlackNotifier-org', 'SfnSlackNotifierSource-org']);
  });

  it('the bus accepts status changes from the listed accounts and the organization, from no one else', () => {
    const put = (request: Partial<Request> & { principalAccount: string }) =>
      canPut(central, { ...STATUS_CHANGE, ...request });
    expect(put({ principalAccount: LISTED })).toBe(true);
    expect(put({ principalAccount: OTHER, orgId: ORG })).toBe(true);
    expect(put({ principalAccount: OTHER })).toBe(false);
    expect(put({ principalAccount: OTHER, orgId: 'o-zzzzzzzzzz' })).toBe(false);
    // Only status changes, even from a source.
    expect(canPut(central, { principalAccount: LISTED, source: 'my.app', detailType: 'Order Placed' })).toBe(
      false
    );
    expect(
      canPut(central, { principalAccount: OTHER, orgId: ORG, source: 'aws.states', detailType: 'x' })
    ).toBe(false);
  });

  it('the source read role: only the central notifier and formatter roles, from the organization', () => {
    const [, read] = roleNamed(source, 'sfn-slack-org-read-');
    expect(text(read.RoleName)).toBe('sfn-slack-org-read-<AWS::Region>');
    const assume = (principalArn: string, principalAccount = CENTRAL, orgId: string | undefined = ORG) =>
      canAssume(read, { principalAccount, principalArn, ...(orgId ? { orgId } : {}) });
    expect(assume(role('sfn-slack-org-notifier'))).toBe(true);
    expect(assume(role('sfn-slack-org-formatter'))).toBe(true);
    expect(assume(role('Admin'))).toBe(false);
    expect(assume(role('sfn-slack-prod-notifier'))).toBe(false);
    expect(assume(`arn:aws:iam::${OTHER}:role/sfn-slack-org-notifier`, OTHER)).toBe(false);
    expect(assume(role('sfn-slack-org-notifier'), CENTRAL, 'o-zzzzzzzzzz')).toBe(false);
  });

  it("the read role reads this account's and region's watched state machines only, and writes nothing", () => {
    const [id] = roleNamed(source, 'sfn-slack-org-read-');
    const statements = policyOf(source, id);
    // Each action on the resource type the Service Authorization Reference gives it, for the watched prefixes.
    const here = 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>';
    // A name prefix's wildcard covers its executions (`name:execution`) and map runs (`name/label:id`) too.
    const onPrefixes = (resource: string) =>
      ['etl-', 'batch-'].map((p) => `${here}:${resource}:${p}*`).sort();
    expect(resourcesByAction(statements)).toEqual({
      // The history, the definition; DescribeExecution: the run context's earlier failure, the digest's errors.
      'states:GetExecutionHistory': onPrefixes('execution'),
      'states:DescribeStateMachineForExecution': onPrefixes('execution'),
      'states:DescribeExecution': onPrefixes('execution'),
      'states:DescribeMapRun': onPrefixes('mapRun'),
      'states:ListTagsForResource': onPrefixes('stateMachine'),
      // The run context's and the digest's recent runs: ListExecutions is on the state machine.
      'states:ListExecutions': onPrefixes('stateMachine'),
    });
  });

  it('forwards the watched status changes to the central bus, with a role only EventBridge of this account assumes', () => {
    const rule = only(source, 'AWS::Events::Rule');
    const pattern = rule.EventPattern as {
      detail: { status: string[]; stateMachineArn: unknown[] };
    };
    expect(pattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(pattern.detail.stateMachineArn.map((p) => text((p as { prefix: unknown }).prefix))).toEqual([
      'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:etl-',
      'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:batch-',
    ]);
    const [target] = rule.Targets as Array<{
      Arn: unknown;
      RoleArn: unknown;
      DeadLetterConfig: unknown;
    }>;
    const busArn = `arn:<AWS::Partition>:events:eu-west-1:${CENTRAL}:event-bus/sfn-slack-notifier-org`;
    expect(text(target?.Arn)).toBe(busArn);
    expect(target?.DeadLetterConfig).toBeDefined();
    const roleId = (target?.RoleArn as { 'Fn::GetAtt': [string] } | undefined)?.['Fn::GetAtt'][0] ?? '';
    const forward = resources(source)[roleId]?.Properties as Json;
    expect(JSON.stringify(forward.AssumeRolePolicyDocument)).toContain(
      '"aws:SourceAccount":{"Ref":"AWS::AccountId"}'
    );
    expect(policyOf(source, roleId).map((s) => [s.Action, text(s.Resource)])).toEqual([
      ['events:PutEvents', busArn],
    ]);
  });

  it('the source template deploys through a StackSet: no bootstrap parameter or rule, no assets, no action role', () => {
    expect(Object.keys(source.Parameters as Json)).toEqual([ALARM_TOPIC_PARAMETER]);
    expect(source.Rules).toBeUndefined();
    expect(ofType(source, 'AWS::CDK::Metadata')).toEqual([]);
    expect(ofType(source, 'AWS::Lambda::Function')).toEqual([]);
    expect(ofType(source, 'AWS::IAM::Role').map(([, r]) => text(r.Properties.RoleName))).not.toContainEqual(
      expect.stringContaining('-act-')
    );
  });

  it('the notifier and formatter may assume only the read roles, of member accounts (aws:ResourceOrgID) or listed ones, and read nothing with their own', () => {
    const notifierRole = roleNamed(central, 'sfn-slack-org-notifier');
    const formatterRole = roleNamed(central, 'sfn-slack-org-formatter');
    const environment = (cdkJsonContext().environments as Record<string, Json>).org as {
      sources: { accounts: string[]; regions: string[] };
    };
    for (const [id] of [notifierRole, formatterRole]) {
      const statements = policyOf(central, id);
      // Every `*`-account grant carries aws:ResourceOrgID = the organization; listed accounts by their ARN.
      expect(assumeGrants(central, id)).toEqual({
        anyMember: [
          'arn:aws:iam::*:role/sfn-slack-org-read-ap-southeast-2',
          'arn:aws:iam::*:role/sfn-slack-org-read-eu-west-1',
          'arn:aws:iam::*:role/sfn-slack-org-read-us-east-1',
        ],
        listed: environment.sources.accounts
          .flatMap((account) =>
            environment.sources.regions.map((r) => `arn:aws:iam::${account}:role/sfn-slack-org-read-${r}`)
          )
          .sort(),
      });
      const reads = statements
        .flatMap((s) => list(s.Action))
        .filter((a) => /^states:(Get|Describe)/.test(String(a)));
      expect(reads.filter((a) => a !== 'states:DescribeExecution')).toEqual([]);
    }
  });

  it('the central stack outputs its bus and where the source StackSet goes', () => {
    const outputs = central.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.CentralEventBusArn?.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^CentralBus/), 'Arn'],
    });
    expect(JSON.parse(text(outputs.SourceStackSetTargets?.Value))).toEqual({
      Accounts: ['111122223333', '777788889999'],
      OrganizationalUnitIds: ['ou-ab12-cdef3456'],
      Regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
    });
  });

  it('the notifier reads each execution with its account and region role, and listens on the central bus', () => {
    const machine = only(central, 'AWS::StepFunctions::StateMachine', 'NotifierStateMachine');
    const definition = JSON.parse(text(machine.DefinitionString).replace(/<Ref:[^>]+>/g, 'x')) as {
      StartAt: string;
      States: Record<string, { Credentials?: { RoleArn: string } }>;
    };
    // Executions of other regions (or naming another account) go to the formatter: SDK integrations call only
    // the notifier's region.
    expect(definition.StartAt).toBe('SourceRegion');
    expect((definition.States.SourceRegion as { Default?: string }).Default).toBe('Format');
    const withCredentials = Object.entries(definition.States).filter(([, s]) => s.Credentials);
    expect(withCredentials.map(([name]) => name)).toEqual(['FetchHistory']);
    expect(withCredentials[0]?.[1].Credentials?.RoleArn).toContain(':role/sfn-slack-org-read-');
    const rule = only(central, 'AWS::Events::Rule');
    expect(text(rule.EventBusName)).toMatch(/^<Ref:CentralBus/);
    expect(JSON.stringify(rule.EventPattern)).toContain(
      '{"wildcard":"arn:aws:states:*:*:stateMachine:etl-*"}'
    );
    // Every source account's events: no account filter here (the SourceRegion gate refuses a mismatch).
    expect((rule.EventPattern as Json).account).toBeUndefined();
    const [, formatter] = ofType(central, 'AWS::Lambda::Function')[0] as [string, { Properties: Json }];
    expect((formatter.Properties.Environment as { Variables: Json }).Variables[CENTRAL_ENVIRONMENT_ENV]).toBe(
      'org'
    );
  });
});

/**
 * The ARNs a source alarm notifies once deployed with `AlarmTopicName` = `topicName`: resolves the template's
 * `Fn::If` on its conditions (only `Fn::Equals` of the parameter and a literal are used).
 */
function alarmActionsDeployed(template: Json, alarm: Json, topicName: string): string[] {
  const conditions = template.Conditions as Record<string, { 'Fn::Equals': [unknown, unknown] }>;
  const value = (v: unknown) => ((v as { Ref?: string }).Ref === ALARM_TOPIC_PARAMETER ? topicName : v);
  const holds = (name: string) => {
    const [a, b] = (conditions[name] as { 'Fn::Equals': [unknown, unknown] })['Fn::Equals'];
    return value(a) === value(b);
  };
  const resolve = (v: unknown): string => {
    const branch = (v as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If'];
    if (branch) return resolve(holds(branch[0]) ? branch[1] : branch[2]);
    const join = (v as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(resolve).join(join[0]);
    return text(value(v));
  };
  return list(alarm.AlarmActions).map(resolve);
}

describe('the source forwarding dead-letter queue alarm', () => {
  const { source } = synth('org');

  it('fires on one visible message in the forwarding dead-letter queue, within one 5-minute period', () => {
    const alarm = only(source, 'AWS::CloudWatch::Alarm');
    const [queueId] = ofType(source, 'AWS::SQS::Queue')[0] as [string, unknown];
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(ofType(source, 'AWS::SQS::Queue')).toHaveLength(1);
  });

  it('with no AlarmTopicName, it notifies a TLS-only topic the stack creates; with one, that topic and no other', () => {
    const alarm = only(source, 'AWS::CloudWatch::Alarm');
    const [topicId] = ofType(source, 'AWS::SNS::Topic')[0] as [string, unknown];
    expect(alarmActionsDeployed(source, alarm, '')).toEqual([`<Ref:${topicId}>`]);
    expect(alarmActionsDeployed(source, alarm, 'ops-alarms')).toEqual([
      'arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:ops-alarms',
    ]);
    // The created topic and its policy exist only when no name is given.
    const condition = (resources(source)[topicId] as { Condition?: string }).Condition ?? '';
    expect(
      alarmActionsDeployed(source, { AlarmActions: [{ 'Fn::If': [condition, 'created', 'given'] }] }, '')
    ).toEqual(['created']);
    const policies = Object.values(resources(source)).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1);
    expect((policies[0] as { Condition?: string }).Condition).toBe(condition);
    expect(JSON.stringify(policies[0]?.Properties)).toContain('"aws:SecureTransport":"false"');
    const outputs = source.Outputs as Record<string, { Value: unknown; Condition?: string }>;
    expect(outputs.AlarmTopicArn).toEqual({ Value: { Ref: topicId }, Condition: condition });
  });

  it('the SourceAccess construct notifies a given topic and creates none', () => {
    const stack = new Stack(new App({ outdir: testOutdir() }), 'S');
    const access = new SourceAccess(stack, 'Source', {
      environmentName: 'org',
      centralAccount: CENTRAL,
      centralRegion: 'eu-west-1',
      stateMachineNamePrefixes: ['etl-'],
      statuses: ['FAILED'],
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:111122223333:ops'),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:ops'],
    });
    expect(access.alarmTopic.topicArn).toBe('arn:aws:sns:eu-west-1:111122223333:ops');
  });

  it('the bench prices as many alarms as the templates hold (central notifier and source stack)', () => {
    const { central } = synth('org');
    expect(ofType(source, 'AWS::CloudWatch::Alarm')).toHaveLength(alarmsIn('source-access'));
    expect(ofType(central, 'AWS::CloudWatch::Alarm')).toHaveLength(alarmsIn('notifier-alarms'));
  });

  it('refuses a topic name that is not one', () => {
    const parameter = (source.Parameters as Record<string, { AllowedPattern: string; Default: string }>)[
      ALARM_TOPIC_PARAMETER
    ];
    const pattern = new RegExp(parameter?.AllowedPattern ?? '');
    expect(parameter?.Default).toBe('');
    expect(pattern.test('aws-controltower-SecurityNotifications')).toBe(true);
    expect(pattern.test('arn:aws:sns:eu-west-1:111122223333:ops')).toBe(false);
  });
});

describe('a central environment with an account list and actions', () => {
  const { central, source } = synth('teams', {
    sources: { accounts: [LISTED, '777788889999'], regions: ['eu-west-1', 'us-east-1'] },
    actions: { redrive: { users: ['U0ALICE'] }, stop: { users: ['U0ALICE'] }, mute: { users: ['U0ALICE'] } },
  });

  it('the bus accepts the listed accounts only: no organization statement, no "*" principal', () => {
    expect(canPut(central, { ...STATUS_CHANGE, principalAccount: LISTED })).toBe(true);
    expect(canPut(central, { ...STATUS_CHANGE, principalAccount: '777788889999' })).toBe(true);
    expect(canPut(central, { ...STATUS_CHANGE, principalAccount: OTHER, orgId: ORG })).toBe(false);
    expect(JSON.stringify(busStatements(central))).not.toContain('"*"');
  });

  it('the notifier may assume exactly the read role of each listed account and region', () => {
    const [id] = roleNamed(central, 'sfn-slack-teams-notifier');
    const assume = policyOf(central, id).filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(assume.flatMap((s) => list(s.Resource).map(text)).sort()).toEqual([
      'arn:aws:iam::111122223333:role/sfn-slack-teams-read-eu-west-1',
      'arn:aws:iam::111122223333:role/sfn-slack-teams-read-us-east-1',
      'arn:aws:iam::777788889999:role/sfn-slack-teams-read-eu-west-1',
      'arn:aws:iam::777788889999:role/sfn-slack-teams-read-us-east-1',
    ]);
  });

  it('with actions, an action role redrives and stops, trusted by the central actions and act-in-region roles only', () => {
    const [id, act] = roleNamed(source, 'sfn-slack-teams-act-');
    expect(canAssume(act, { principalAccount: CENTRAL, principalArn: role('sfn-slack-teams-actions') })).toBe(
      true
    );
    expect(
      canAssume(act, { principalAccount: CENTRAL, principalArn: role('sfn-slack-teams-act-in-region') })
    ).toBe(true);
    expect(
      canAssume(act, { principalAccount: CENTRAL, principalArn: role('sfn-slack-teams-notifier') })
    ).toBe(false);
    expect(
      policyOf(source, id)
        .flatMap((s) => list(s.Action))
        .sort()
    ).toEqual(['states:RedriveExecution', 'states:StopExecution', 'states:TagResource']);
    // Executions and machines of this account and region only; the tag write is the mute tag alone.
    for (const statement of policyOf(source, id)) {
      for (const arn of list(statement.Resource).map(text)) {
        expect(arn).toMatch(
          /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:(execution|stateMachine):/
        );
      }
      if (list(statement.Action).includes('states:TagResource')) {
        expect(statement.Condition).toEqual({
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['sfn-slack:mute-until'] },
        });
      }
    }
    // Without an organization the trust names the central roles alone.
    const [, read] = roleNamed(source, 'sfn-slack-teams-read-');
    expect(
      canAssume(read, { principalAccount: CENTRAL, principalArn: role('sfn-slack-teams-notifier') })
    ).toBe(true);
  });
});

describe('the central actions machine', () => {
  const { central, source } = synth('teams', {
    sources: { accounts: [LISTED, '777788889999'], regions: ['eu-west-1', 'us-east-1'] },
    actions: { redrive: { users: ['U0ALICE'] } },
  });
  const [id, actionsRole] = roleNamed(central, 'sfn-slack-teams-actions');
  const statements = policyOf(central, id);

  it('has the fixed role name the act roles trust, and may assume only the central region’s act role of each source account', () => {
    expect(text(actionsRole.RoleName)).toBe('sfn-slack-teams-actions');
    const assume = statements.filter((s) => list(s.Action).includes('sts:AssumeRole'));
    // Its SDK tasks reach only its own region (eu-west-1); us-east-1 runs go through the act-in-region function.
    expect(assume.flatMap((s) => list(s.Resource).map(text)).sort()).toEqual([
      'arn:aws:iam::111122223333:role/sfn-slack-teams-act-eu-west-1',
      'arn:aws:iam::777788889999:role/sfn-slack-teams-act-eu-west-1',
    ]);
  });

  it('keeps every source region’s act role when its own region is no source region (its SDK tasks act on no watched run)', () => {
    const elsewhere = synth('apart', {
      region: 'us-west-2',
      sources: { accounts: [LISTED], regions: ['eu-west-1', 'us-east-1'] },
      actions: { redrive: { users: ['U0ALICE'] } },
    }).central;
    const [apartId] = roleNamed(elsewhere, 'sfn-slack-apart-actions');
    const assume = policyOf(elsewhere, apartId).filter((s) => list(s.Action).includes('sts:AssumeRole'));
    expect(assume.flatMap((s) => list(s.Resource).map(text)).sort()).toEqual([
      'arn:aws:iam::111122223333:role/sfn-slack-apart-act-eu-west-1',
      'arn:aws:iam::111122223333:role/sfn-slack-apart-act-us-east-1',
    ]);
  });

  it('acts on no execution or machine with its own role: only through the act roles', () => {
    const acts = statements
      .flatMap((s) => list(s.Action))
      .filter((a) => /^states:(Redrive|Stop|Tag)/.test(String(a)));
    expect(acts).toEqual([]);
  });

  it('runs each act with the act role of the execution account and region (task Credentials)', () => {
    const found = ofType(central, 'AWS::StepFunctions::StateMachine').find(([, r]) =>
      text(r.Properties.DefinitionString).includes('redriveExecution')
    );
    const properties: Json = found?.[1].Properties ?? {};
    const machine = text(properties.DefinitionString);
    expect(machine).toContain('"Credentials"');
    expect(machine).toContain(':role/sfn-slack-teams-act-');
    // The file's single-account behaviour needs no central setting: the gates are added at synth.
    expect((properties.DefinitionSubstitutions as Json).Central).toBeUndefined();
  });

  describe('runs of the other source regions: the act-in-region function', () => {
    const [fnRoleId, fnRole] = roleNamed(central, 'sfn-slack-teams-act-in-region');
    const fnId = ofType(central, 'AWS::Lambda::Function').find(
      ([, r]) => (r.Properties.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === fnRoleId
    )?.[0];

    it('has its own role, with a fixed name, that may assume exactly the act roles of the regions besides the central one (eu-west-1), and act on nothing itself', () => {
      expect(fnId).toBeDefined();
      expect(text(fnRole.RoleName)).toBe('sfn-slack-teams-act-in-region');
      const own = policyOf(central, fnRoleId);
      const assume = own.filter((s) => list(s.Action).includes('sts:AssumeRole'));
      expect(assume.flatMap((s) => list(s.Resource).map(text)).sort()).toEqual([
        'arn:aws:iam::111122223333:role/sfn-slack-teams-act-us-east-1',
        'arn:aws:iam::777788889999:role/sfn-slack-teams-act-us-east-1',
      ]);
      // Besides assuming: X-Ray only.
      expect(
        own
          .flatMap((s) => list(s.Action).map(String))
          .filter((a) => a !== 'sts:AssumeRole' && !a.startsWith('xray:'))
      ).toEqual([]);
    });

    it('the actions machine may invoke that function only; the interactivity function may assume no role', () => {
      const invoke = statements.filter((s) => list(s.Action).includes('lambda:InvokeFunction'));
      expect(invoke.map((s) => [list(s.Action), list(s.Resource)])).toEqual([
        [['lambda:InvokeFunction'], [{ 'Fn::GetAtt': [fnId, 'Arn'] }]],
      ]);
      const interactivity = ofType(central, 'AWS::Lambda::Function').find(([, r]) =>
        String(r.Properties.Description).includes('interactivity')
      );
      const interactivityRole = ((interactivity?.[1].Properties.Role ?? {}) as { 'Fn::GetAtt'?: string[] })[
        'Fn::GetAtt'
      ]?.[0];
      const actions = policyOf(central, String(interactivityRole)).flatMap((s) => list(s.Action));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions).not.toContain('sts:AssumeRole');
      expect(actions).not.toContain('lambda:InvokeFunction');
    });

    it('the machine invokes it for Redrive, Stop and Mute of another region, with the name rule of the function settings', () => {
      const found = ofType(central, 'AWS::StepFunctions::StateMachine').find(([, r]) =>
        text(r.Properties.DefinitionString).includes('redriveExecution')
      );
      const properties: Json = found?.[1].Properties ?? {};
      const machine = text(properties.DefinitionString);
      expect(machine).toContain('"RedriveInRegion"');
      expect(machine).toContain('"StopInRegion"');
      expect(machine).toContain('"MuteInRegion"');
      expect((properties.DefinitionSubstitutions as Json).ActInRegionFunctionArn).toEqual({
        'Fn::GetAtt': [fnId, 'Arn'],
      });
      const fn = resources(central)[String(fnId)]?.Properties ?? {};
      expect((fn.Environment as { Variables: Json }).Variables[CENTRAL_ENVIRONMENT_ENV]).toBe('teams');
    });

    it('the act roles trust it beside the actions machine, and no other central role', () => {
      const [, act] = roleNamed(source, 'sfn-slack-teams-act-');
      const assume = (name: string) =>
        canAssume(act, { principalAccount: CENTRAL, principalArn: role(name) });
      expect(assume('sfn-slack-teams-act-in-region')).toBe(true);
      expect(assume('sfn-slack-teams-actions')).toBe(true);
      expect(assume('sfn-slack-teams-formatter')).toBe(false);
      expect(
        canAssume(act, {
          principalAccount: OTHER,
          principalArn: `arn:aws:iam::${OTHER}:role/sfn-slack-teams-act-in-region`,
        })
      ).toBe(false);
    });
  });

  it('with every source region the central one, there is no act-in-region function and no region gate', () => {
    const { central: only } = synth('teams', {
      sources: { accounts: [LISTED], regions: ['eu-west-1'] },
      actions: { redrive: { users: ['U0ALICE'] } },
    });
    expect(() => roleNamed(only, 'sfn-slack-teams-act-in-region')).toThrow(/no role named/);
    const machine = ofType(only, 'AWS::StepFunctions::StateMachine').find(([, r]) =>
      text(r.Properties.DefinitionString).includes('redriveExecution')
    );
    expect(text(machine?.[1].Properties.DefinitionString)).not.toContain('InRegion');
    const [id] = roleNamed(only, 'sfn-slack-teams-actions');
    expect(policyOf(only, id).flatMap((s) => list(s.Action))).not.toContain('lambda:InvokeFunction');
  });

  it('with only redrive enabled, the act role may redrive and nothing else, and the read role writes no tag', () => {
    const { source } = synth('teams', {
      sources: { accounts: [LISTED], regions: ['eu-west-1'] },
      actions: { redrive: { users: ['U0ALICE'] } },
    });
    const [actId] = roleNamed(source, 'sfn-slack-teams-act-');
    expect(policyOf(source, actId).flatMap((s) => list(s.Action))).toEqual(['states:RedriveExecution']);
    const [readId] = roleNamed(source, 'sfn-slack-teams-read-');
    expect(policyOf(source, readId).flatMap((s) => list(s.Action))).not.toContain('states:TagResource');
  });

  it('with only Mute enabled, the act role may write the mute tag key on the watched machines and nothing else', () => {
    const { source } = synth('teams', {
      sources: { accounts: [LISTED], regions: ['eu-west-1'] },
      actions: { mute: { users: ['U0ALICE'] } },
    });
    const [actId] = roleNamed(source, 'sfn-slack-teams-act-');
    const statements = policyOf(source, actId);
    expect(statements.flatMap((s) => list(s.Action))).toEqual(['states:TagResource']);
    for (const statement of statements) {
      expect(statement.Condition).toEqual({
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['sfn-slack:mute-until'] },
      });
      for (const arn of list(statement.Resource).map(text)) {
        expect(arn).toMatch(/^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:/);
      }
    }
  });

  it('with Mute, the read role still only reads: the held count is kept in the central message store', () => {
    const { source } = synth('teams', {
      sources: { accounts: [LISTED], regions: ['eu-west-1'] },
      actions: { mute: { users: ['U0ALICE'] } },
    });
    const [readId] = roleNamed(source, 'sfn-slack-teams-read-');
    const actions = policyOf(source, readId).flatMap((s) => list(s.Action));
    expect(actions).not.toContain('states:TagResource');
    expect(actions).not.toContain('states:UntagResource');
  });
});

/**
 * The sts:AssumeRole grants of a role's policy: the any-account ARNs, which must carry `aws:ResourceOrgID` = the
 * organization, and the listed accounts' ARNs, which carry no condition.
 */
function assumeGrants(template: Json, id: string): { anyMember: string[]; listed: string[] } {
  const assume = policyOf(template, id).filter((s) => list(s.Action).includes('sts:AssumeRole'));
  const inOrg = (s: Statement) =>
    JSON.stringify(s.Condition) === JSON.stringify({ StringEquals: { 'aws:ResourceOrgID': ORG } });
  const resources = (statements: Statement[]) => statements.flatMap((s) => list(s.Resource).map(text)).sort();
  const anyMember = resources(assume.filter(inOrg));
  const listed = resources(assume.filter((s) => s.Condition === undefined));
  expect(anyMember.length + listed.length).toBe(resources(assume).length);
  expect(anyMember.every((arn) => arn.startsWith('arn:aws:iam::*:'))).toBe(true);
  expect(listed.some((arn) => arn.includes('::*:'))).toBe(false);
  return { anyMember, listed };
}

describe('actions in a central environment with an organization', () => {
  const { central, source } = synth('org', { actions: { stop: { users: ['U0ALICE'] } } });

  it('its four functions run without --enable-source-maps (each handler maps its own stack traces)', () => {
    const functions = ofType(central, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      const variables = (fn.Properties.Environment as Json | undefined)?.Variables as Json | undefined;
      expect(variables?.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('the act role trusts the central actions and act-in-region roles only, from the organization', () => {
    const [id, act] = roleNamed(source, 'sfn-slack-org-act-');
    const assume = (principalArn: string, orgId?: string) =>
      canAssume(act, { principalAccount: CENTRAL, principalArn, ...(orgId ? { orgId } : {}) });
    expect(assume(role('sfn-slack-org-actions'), ORG)).toBe(true);
    expect(assume(role('sfn-slack-org-actions'))).toBe(false);
    expect(assume(role('sfn-slack-org-actions'), 'o-zzzzzzzzzz')).toBe(false);
    expect(assume(role('sfn-slack-org-act-in-region'), ORG)).toBe(true);
    expect(assume(role('sfn-slack-org-act-in-region'))).toBe(false);
    expect(assume(role('sfn-slack-org-notifier'), ORG)).toBe(false);
    expect(policyOf(source, id).flatMap((s) => list(s.Action))).toEqual(['states:StopExecution']);
  });

  it('the actions machine may assume the central region’s act role in any member account (aws:ResourceOrgID) and the listed accounts, nothing more', () => {
    const [id] = roleNamed(central, 'sfn-slack-org-actions');
    const environment = (cdkJsonContext().environments as Record<string, Json>).org as {
      region: string;
      sources: { accounts: string[]; regions: string[] };
    };
    expect(environment.sources.regions).toContain(environment.region);
    expect(assumeGrants(central, id)).toEqual({
      anyMember: [`arn:aws:iam::*:role/sfn-slack-org-act-${environment.region}`],
      listed: environment.sources.accounts
        .map((account) => `arn:aws:iam::${account}:role/sfn-slack-org-act-${environment.region}`)
        .sort(),
    });
  });

  it('the act-in-region function may assume the act role of each other source region in any member account (aws:ResourceOrgID) and the listed accounts', () => {
    const [id] = roleNamed(central, 'sfn-slack-org-act-in-region');
    const environment = (cdkJsonContext().environments as Record<string, Json>).org as {
      region: string;
      sources: { accounts: string[]; regions: string[] };
    };
    const others = environment.sources.regions.filter((r) => r !== environment.region);
    expect(others.length).toBeGreaterThan(0);
    expect(assumeGrants(central, id)).toEqual({
      anyMember: others.map((r) => `arn:aws:iam::*:role/sfn-slack-org-act-${r}`).sort(),
      listed: environment.sources.accounts
        .flatMap((account) => others.map((r) => `arn:aws:iam::${account}:role/sfn-slack-org-act-${r}`))
        .sort(),
    });
  });
});

describe('a central environment with a daily digest', () => {
  const digest = { at: '09:00', timeZone: 'Europe/Berlin' };
  const byPrefix = synth('orgdigest', { digest });
  const ORDERS = `arn:aws:states:eu-west-1:${LISTED}:stateMachine:etl-orders`;
  const byArn = synth('orgarns', { digest, stateMachineNamePrefixes: [], stateMachineArns: [ORDERS] });

  it('creates the digest machine and its schedule, which names the sources and the routes to choose machines with', () => {
    const schedule = only(byPrefix.central, 'AWS::Scheduler::Schedule', 'DailyDigest');
    const input = JSON.parse((schedule.Target as { Input: string }).Input) as Record<string, unknown>;
    const environment = (cdkJsonContext().environments as Record<string, Json>).org as {
      sources: { accounts: string[]; regions: string[] };
    };
    expect(input).toMatchObject({
      environment: 'orgdigest',
      destination: { type: 'channel', channel: '#platform-alerts' },
      stateMachineNamePrefixes: ['etl-', 'batch-'],
      sources: { accounts: environment.sources.accounts, regions: environment.sources.regions },
      routing: {
        allowedChannels: ['#platform-alerts'],
        routes: [expect.objectContaining({ name: 'default' })],
      },
    });
    expect(ofType(byPrefix.central, 'AWS::StepFunctions::StateMachine').map(([id]) => id)).toContainEqual(
      expect.stringContaining('DailyDigest')
    );
  });

  it('the formatter reads the digest and the run context only through the read roles: no Step Functions read of its own', () => {
    for (const [name, central] of [
      ['orgdigest', byPrefix.central],
      ['orgarns', byArn.central],
    ] as const) {
      const [id] = roleNamed(central, `sfn-slack-${name}-formatter`);
      const actions = policyOf(central, id).flatMap((s) => list(s.Action) as string[]);
      expect(actions.filter((a) => a.startsWith('states:'))).toEqual([]);
      expect(actions).toContain('sts:AssumeRole');
    }
  });

  it('with name prefixes, the read role may also list the machines (ListStateMachines has no resource type: "*")', () => {
    const [id] = roleNamed(byPrefix.source, 'sfn-slack-orgdigest-read-');
    const byAction = resourcesByAction(policyOf(byPrefix.source, id));
    expect(byAction['states:ListStateMachines']).toEqual(['*']);
    expect(Object.keys(byAction).sort()).toEqual([
      'states:DescribeExecution',
      'states:DescribeMapRun',
      'states:DescribeStateMachineForExecution',
      'states:GetExecutionHistory',
      'states:ListExecutions',
      'states:ListStateMachines',
      'states:ListTagsForResource',
    ]);
  });

  it('with the watched machines known by ARN, the read role lists no machines: the digest reads the ARNs', () => {
    const [id] = roleNamed(byArn.source, 'sfn-slack-orgarns-read-');
    const byAction = resourcesByAction(policyOf(byArn.source, id));
    expect(byAction['states:ListStateMachines']).toBeUndefined();
    expect(byAction['states:ListExecutions']).toEqual([ORDERS]);
    expect(byAction['states:DescribeExecution']).toEqual([
      `arn:aws:states:eu-west-1:${LISTED}:execution:etl-orders:*`,
    ]);
    const input = JSON.parse(
      (only(byArn.central, 'AWS::Scheduler::Schedule', 'DailyDigest').Target as { Input: string }).Input
    ) as { stateMachineArns: string[]; stateMachineNamePrefixes: string[] };
    expect(input.stateMachineArns).toEqual([ORDERS]);
    expect(input.stateMachineNamePrefixes).toEqual([]);
  });

  it('without a digest the read role lists no machines', () => {
    const { source } = synth('orgnodigest');
    const [id] = roleNamed(source, 'sfn-slack-orgnodigest-read-');
    expect(resourcesByAction(policyOf(source, id))['states:ListStateMachines']).toBeUndefined();
  });
});

describe('the SlackNotifier construct in a central environment', () => {
  it('refuses central sources with no region or no account and no organization', () => {
    const build = (central: { accounts: string[]; regions: string[] }) => {
      const stack = new Stack(standInApp(), 'S', {
        env: { account: CENTRAL, region: 'eu-west-1' },
      });
      new SlackNotifier(stack, 'N', {
        environmentName: 'org',
        stateMachineNamePrefixes: ['etl-'],
        destination: { type: 'channel', channel: 'C0123456789' },
        central: { eventBus: new events.EventBus(stack, 'Bus'), ...central },
      });
    };
    // The props are validated as cdk.json's `sources` are (contract/sources.ts), named as the construct calls them.
    expect(() => build({ accounts: [LISTED], regions: [] })).toThrow(
      /^SlackNotifier props\.central\.regions /
    );
    expect(() => build({ accounts: [], regions: ['eu-west-1'] })).toThrow(
      /^SlackNotifier props\.central names no source; set accounts .* and\/or organizationId/
    );
    expect(() => build({ accounts: [LISTED], regions: ['eu-west-1'] })).not.toThrow();
  });
});
