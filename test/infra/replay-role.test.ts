/**
 * The replay role (infra/constructs/replay-role.ts): who may assume it, and that `sfn-slack replay` can do its
 * three jobs with its permissions and nothing more. The CLI runs against SDK mocks (the AWS edge); every call it
 * makes, and the calls the message move task makes with the caller's permissions, are evaluated against the
 * synthesized role's policy.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListExecutionsCommand, RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { Stack } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/replay.js';
import { ConfigError } from '../../contract/errors.js';
import { parseEnvironment, REPLAY_PRINCIPAL_TAG } from '../../contract/settings.js';
import { SlackNotifier, type SlackNotifierProps } from '../../infra/constructs/slack-notifier.js';
import { captureIo, describeStacks, runCommand } from '../cli/helpers.js';
import { standInApp } from './helpers.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const ENV = 'prod';

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function synth(props: Partial<SlackNotifierProps> = {}) {
  const app = standInApp({ '@aws-cdk/core:enablePartitionLiterals': true });
  const stack = new Stack(app, `SfnSlackNotifier-${ENV}`, { env: { account: ACCOUNT, region: REGION } });
  const notifier = new SlackNotifier(stack, 'Notifier', {
    environmentName: ENV,
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
    ...props,
  });
  const template = app.synth().getStackByName(stack.stackName).template as Json;
  return { stack, notifier, template };
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const resources = (template: Json) =>
  template.Resources as Record<string, { Type: string; Properties: Json }>;

/** CloudFormation values as deployed: each resource gets a made-up but well-formed ARN from its logical id. */
function resolver(template: Json) {
  const arnOf = (id: string): string => {
    const type = resources(template)[id]?.Type;
    if (type === 'AWS::SQS::Queue') return `arn:aws:sqs:${REGION}:${ACCOUNT}:${id}.fifo`;
    if (type === 'AWS::StepFunctions::StateMachine')
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${id}`;
    if (type === 'AWS::IAM::Role') return `arn:aws:iam::${ACCOUNT}:role/${id}`;
    return `arn:aws:unknown:${REGION}:${ACCOUNT}:${id}`;
  };
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Json;
    if (v['Fn::Join']) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(sep);
    }
    if (v.Ref) {
      const ref = v.Ref as string;
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': REGION,
        'AWS::AccountId': ACCOUNT,
        'AWS::StackName': `SfnSlackNotifier-${ENV}`,
      };
      return pseudo[ref] ?? arnOf(ref);
    }
    if (v['Fn::GetAtt']) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn') return arnOf(id);
      if (attribute === 'Name') return id;
      if (attribute === 'QueueName') return `${id}.fifo`;
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  };
  return { arnOf, resolve };
}

/** The Allow statements of the policies attached to the role with this logical id. */
function policyOf(template: Json, roleId: string): Statement[] {
  return Object.values(resources(template))
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const wildcard = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`
  ).test(value);

/** Whether the role's identity policy allows `action` on `resource` (every statement here is unconditioned). */
function allowed(statements: Statement[], resolve: (v: unknown) => string, action: string, resource: string) {
  return statements.some((st) => {
    if (st.Effect !== 'Allow' || !list(st.Action).includes(action)) return false;
    if (st.Condition) throw new Error(`unexpected condition on ${action}`);
    return list(st.Resource).some((r) => wildcard(resolve(r), resource));
  });
}

/** A principal asking to assume the role. */
interface Principal {
  readonly account: string;
  readonly arn: string;
  readonly tags?: Readonly<Record<string, string>>;
}

function canAssume(trust: Statement[], resolve: (v: unknown) => string, who: Principal): boolean {
  return trust.some((st) => {
    if (st.Effect !== 'Allow' || !list(st.Action).includes('sts:AssumeRole')) return false;
    const principals = list((st.Principal as { AWS: unknown }).AWS).map(resolve);
    if (!principals.includes(`arn:aws:iam::${who.account}:root`)) return false;
    for (const [operator, entries] of Object.entries(st.Condition ?? {})) {
      for (const [key, expected] of Object.entries(entries)) {
        const actual = key.startsWith('aws:PrincipalTag/')
          ? who.tags?.[key.slice('aws:PrincipalTag/'.length)]
          : key === 'aws:PrincipalArn'
            ? who.arn
            : undefined;
        if (actual === undefined) return false;
        const values = list(expected).map(resolve);
        if (operator === 'StringEquals' && !values.includes(actual)) return false;
        else if (operator === 'ArnLike' && !values.some((v) => wildcard(v, actual))) return false;
        else if (operator !== 'StringEquals' && operator !== 'ArnLike')
          throw new Error(`unexpected ${operator}`);
      }
    }
    return true;
  });
}

function replayRoleOf(synthesized: ReturnType<typeof synth>) {
  const { stack, notifier, template } = synthesized;
  const roleId = stack.getLogicalId(notifier.replayRole.node.defaultChild as never);
  const role = resources(template)[roleId]?.Properties as Json;
  const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
  return { roleId, role, trust, statements: policyOf(template, roleId) };
}

const tagged = synth();
const listed = synth({
  replayPrincipals: [
    `arn:aws:iam::${ACCOUNT}:role/ops-oncall`,
    `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Ops_*`,
  ],
});

describe('who may assume the replay role', () => {
  const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

  it('by default: only principals of the account tagged sfn-slack:replay = the environment', () => {
    const { trust } = replayRoleOf(tagged);
    const { resolve } = resolver(tagged.template);
    const ok = (who: Principal) => canAssume(trust, resolve, who);
    expect(ok({ account: ACCOUNT, arn: role('ops'), tags: { [REPLAY_PRINCIPAL_TAG]: ENV } })).toBe(true);
    // An administrator of the account without the tag, the tag for another environment, another account.
    expect(ok({ account: ACCOUNT, arn: role('Admin') })).toBe(false);
    expect(ok({ account: ACCOUNT, arn: role('ops'), tags: { [REPLAY_PRINCIPAL_TAG]: 'dev' } })).toBe(false);
    expect(
      ok({
        account: '444455556666',
        arn: 'arn:aws:iam::444455556666:role/ops',
        tags: { [REPLAY_PRINCIPAL_TAG]: ENV },
      })
    ).toBe(false);
  });

  it('with replayPrincipals: exactly those (ArnLike), tag or not', () => {
    const { trust } = replayRoleOf(listed);
    const { resolve } = resolver(listed.template);
    const ok = (who: Principal) => canAssume(trust, resolve, who);
    expect(ok({ account: ACCOUNT, arn: role('ops-oncall') })).toBe(true);
    expect(
      ok({
        account: ACCOUNT,
        arn: role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Ops_0123abcd'),
      })
    ).toBe(true);
    expect(ok({ account: ACCOUNT, arn: role('ops-oncall-2') })).toBe(false);
    expect(ok({ account: ACCOUNT, arn: role('Admin'), tags: { [REPLAY_PRINCIPAL_TAG]: ENV } })).toBe(false);
  });

  it('sessions last one hour at most', () => {
    expect(replayRoleOf(tagged).role.MaxSessionDuration).toBe(3600);
  });
});

describe('sfn-slack replay works with the role, and the role allows nothing it does not use', () => {
  const { template } = tagged;
  const { statements } = replayRoleOf(tagged);
  const { resolve, arnOf } = resolver(template);
  const idOf = (type: string, fragment: string) => {
    const found = Object.entries(resources(template)).find(
      ([id, r]) => r.Type === type && id.includes(fragment)
    );
    if (!found) throw new Error(`no ${type} *${fragment}*`);
    return found[0];
  };
  const queueId = idOf('AWS::SQS::Queue', 'NotifierQueue');
  const dlqId = idOf('AWS::SQS::Queue', 'DeadLetterQueue');
  const notifierId = idOf('AWS::StepFunctions::StateMachine', 'NotifierStateMachine');
  const urlOf = (id: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}.fifo`;
  const outputs = {
    QueueArn: arnOf(queueId),
    QueueUrl: urlOf(queueId),
    DeadLetterQueueArn: arnOf(dlqId),
    DeadLetterQueueUrl: urlOf(dlqId),
    NotifierStateMachineArn: arnOf(notifierId),
  };
  const stackArn = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/SfnSlackNotifier-${ENV}/0f1e2d3c-0000-4000-8000-000000000000`;
  const arnOfUrl = (url: string) =>
    url === outputs.QueueUrl ? outputs.QueueArn : outputs.DeadLetterQueueArn;

  const cfn = mockClient(CloudFormationClient);
  const sqs = mockClient(SQSClient);
  const sfn = mockClient(SFNClient);
  afterAll(() => {
    cfn.restore();
    sqs.restore();
    sfn.restore();
  });

  /** Runs the command; answers every call; returns each as [IAM action, resource ARN]. */
  async function callsOf(args: string[]): Promise<Array<[string, string]>> {
    cfn.reset();
    sqs.reset();
    sfn.reset();
    cfn.on(DescribeStacksCommand).resolves(describeStacks(ENV, outputs));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 2 },
      ],
    });
    const failed = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${notifierId}:run-1`;
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: failed,
          stateMachineArn: outputs.NotifierStateMachineArn,
          name: 'run-1',
          status: 'FAILED',
          startDate: new Date('2026-11-25T03:00:00Z'),
          stopDate: new Date('2026-11-25T03:01:00Z'),
        },
      ],
    });
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
    const result = await runCommand(register, ['replay', '--env', ENV, ...args], captureIo());
    expect(result).toEqual({ exitCode: 0 });
    const named = (service: string, calls: ReadonlyArray<{ args: readonly unknown[] }>) =>
      calls.map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: Json };
        return [`${service}:${command.constructor.name.replace(/Command$/, '')}`, command.input] as const;
      });
    const out: Array<[string, string]> = [];
    for (const [action] of named('cloudformation', cfn.calls())) out.push([action, stackArn]);
    for (const [action, input] of named('sqs', sqs.calls())) {
      out.push([action, (input.SourceArn as string) ?? arnOfUrl(input.QueueUrl as string)]);
      // The move task receives from and deletes in the DLQ, and sends to the destination, as the caller.
      if (action === 'sqs:StartMessageMoveTask') {
        out.push(['sqs:ReceiveMessage', input.SourceArn as string]);
        out.push(['sqs:DeleteMessage', input.SourceArn as string]);
        out.push(['sqs:SendMessage', input.DestinationArn as string]);
      }
    }
    for (const [action, input] of named('states', sfn.calls())) {
      out.push([action, (input.executionArn as string) ?? (input.stateMachineArn as string)]);
    }
    return out;
  }

  it.each([
    ['move the dead-letter queue back', []],
    ['look at it (--dry-run)', ['--dry-run']],
    ['redrive the notifier (--notifier)', ['--notifier']],
  ])('%s: every call is allowed', async (_name, args) => {
    const calls = await callsOf(args);
    expect(calls.length).toBeGreaterThan(1);
    for (const [action, resource] of calls) {
      expect({ action, resource, allowed: allowed(statements, resolve, action, resource) }).toEqual({
        action,
        resource,
        allowed: true,
      });
    }
  });

  it('the role holds exactly what the command uses: no CancelMessageMoveTask, no send to the DLQ, no other stack', async () => {
    const used = new Set<string>();
    for (const args of [[], ['--dry-run'], ['--notifier']]) {
      for (const [action] of await callsOf(args)) used.add(action);
    }
    const granted = new Set(statements.flatMap((st) => list(st.Action) as string[]));
    expect([...granted].sort()).toEqual([...used].sort());
    expect(allowed(statements, resolve, 'sqs:SendMessage', outputs.DeadLetterQueueArn)).toBe(false);
    expect(allowed(statements, resolve, 'sqs:ReceiveMessage', outputs.QueueArn)).toBe(false);
    expect(
      allowed(
        statements,
        resolve,
        'cloudformation:DescribeStacks',
        `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/SfnSlackNotifier-dev/0f1e2d3c`
      )
    ).toBe(false);
    expect(
      allowed(
        statements,
        resolve,
        'states:RedriveExecution',
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:etl-x:1`
      )
    ).toBe(false);
  });
});

describe('replayPrincipals in cdk.json', () => {
  const base = {
    account: ACCOUNT,
    region: REGION,
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
  };
  it('takes role and user ARNs of the environment account, * allowed', () => {
    const arns = [
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*`,
      `arn:aws:iam::${ACCOUNT}:user/ops`,
    ];
    expect(parseEnvironment('prod', { ...base, replayPrincipals: arns }).replayPrincipals).toEqual(arns);
    expect(parseEnvironment('prod', base).replayPrincipals).toBeUndefined();
  });
  it('refuses another account, a group or a bare name, with the key and the fix', () => {
    expect(() =>
      parseEnvironment('prod', { ...base, replayPrincipals: ['arn:aws:iam::444455556666:role/ops'] })
    ).toThrow(/replayPrincipals\[0\] is in account 444455556666, not the environment's 111122223333/);
    expect(() =>
      parseEnvironment('prod', { ...base, replayPrincipals: [`arn:aws:iam::${ACCOUNT}:group/ops`] })
    ).toThrow(ConfigError);
    expect(() => parseEnvironment('prod', { ...base, replayPrincipals: ['ops'] })).toThrow(
      /replayPrincipals\[0\] is "ops"; use IAM role or user ARNs/
    );
  });
});
