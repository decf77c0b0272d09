/**
 * The construct path end to end, as docs/infra.md ("Install from npm") tells a user to walk it: a fresh CDK app
 * with a stack of the user's own name and a SlackNotifier from the package's entry point is synthesized; its
 * operator descriptor parameter is "deployed" (the template's references resolved to physical names); then the
 * commands the docs give (`setup`, `doctor`, `replay --dry-run`, `routes`, `mute`) find that notifier by
 * `--notifier-name` or `--stack`, against AWS clients mocked at the SDK edge that serve exactly what the template
 * would have created.
 */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeConnectionCommand,
  EventBridgeClient,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, TagResourceCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import {
  DESCRIPTOR_PARAMETER_PREFIX,
  descriptorParameterName,
  parseDescriptor,
} from '../../contract/operator-descriptor.js';
import { OPTIONAL_OUTPUTS, OUTPUT_NAMES } from '../../contract/outputs.js';
import { OperatorDescriptor, SlackNotifier } from '../../infra/index.js';
import { captureIo, DescribeStacksCommand } from '../cli/helpers.js';
import { standInApp } from './helpers.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const WATCHED = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nightly-etl`;

/** The user's app, as docs/infra.md shows it (the stand-in formatter code only spares the test a bundling). */
function userApp() {
  const app = standInApp();
  const stack = new Stack(app, 'DataPlatform', { env: { account: ACCOUNT, region: REGION } });
  const notifier = new SlackNotifier(stack, 'Notifier', {
    environmentName: 'prod',
    stateMachineArns: [WATCHED],
    destination: { type: 'channel', channel: '#alerts' },
    mute: true,
  });
  const operators = new iam.Role(stack, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });
  OperatorDescriptor.of(notifier).grantRead(operators);
  return { stack, notifier, template: Template.fromStack(stack) };
}

const { stack, template } = userApp();
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties?: Record<string, unknown> }
>;

/** What CloudFormation makes of a value: each reference becomes `<logical id>|<attribute>`. */
function deployed(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `${v.Ref as string}|Ref`;
  if ('Fn::GetAtt' in v) return (v['Fn::GetAtt'] as string[]).join('|');
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(deployed).join(separator);
  }
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

const [parameterId, parameter] = Object.entries(resources).find(
  ([, r]) =>
    r.Type === 'AWS::SSM::Parameter' && String(r.Properties?.Name).startsWith(DESCRIPTOR_PARAMETER_PREFIX)
) ?? ['', undefined];
const parameterName = descriptorParameterName('prod');
const descriptorText = deployed(parameter?.Properties?.Value);
const descriptor = parseDescriptor(descriptorText, parameterName);

/** The type of the resource a deployed reference names. */
const typeOf = (reference: string | undefined) => resources[reference?.split('|')[0] ?? '']?.Type;

describe('the SlackNotifier in a user’s own stack carries what the commands need', () => {
  it('writes one descriptor parameter, /sfn-slack-notifier/<environmentName>/descriptor, a String', () => {
    expect(parameter?.Properties).toMatchObject({ Name: parameterName, Type: 'String' });
    expect(descriptor).toMatchObject({
      environment: 'prod',
      stackName: stack.stackName,
      account: ACCOUNT,
      region: REGION,
    });
  });

  it('names every resource the stack outputs of SfnSlackNotifier-<env> name, each the right kind', () => {
    const required = OUTPUT_NAMES.filter((name) => !OPTIONAL_OUTPUTS.has(name));
    for (const name of required) expect(descriptor.outputs[name], name).toBeDefined();
    const o = descriptor.outputs;
    expect(typeOf(o.NotifierStateMachineArn)).toBe('AWS::StepFunctions::StateMachine');
    expect(typeOf(o.DeliveryStateMachineArn)).toBe('AWS::StepFunctions::StateMachine');
    expect(o.NotifierStateMachineArn).not.toBe(o.DeliveryStateMachineArn);
    expect(typeOf(o.QueueUrl)).toBe('AWS::SQS::Queue');
    expect(typeOf(o.DeadLetterQueueArn)).toBe('AWS::SQS::Queue');
    expect(typeOf(o.ConnectionName)).toBe('AWS::Events::Connection');
    expect(typeOf(o.BotTokenSecretArn)).toBe('AWS::SecretsManager::Secret');
    expect(typeOf(o.ReplayRoleArn)).toBe('AWS::IAM::Role');
    expect(o.SlackChannel).toBe('#alerts');
    expect(descriptor.settings.readTags).toBe(true);
    expect(descriptor.settings.routes[0]?.match.stateMachineArns).toEqual([WATCHED]);
  });

  it('holds no secret value: names and ARNs only', () => {
    expect(descriptorText).not.toMatch(/resolve:secretsmanager|SecretString|xox[abp]-/);
  });

  it('lets grantRead give read access to the descriptor only (ssm read actions on its ARN)', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const operatorPolicy = policies.find((p) => JSON.stringify(p.Properties?.Roles).includes('Operators'));
    const document = operatorPolicy?.Properties?.PolicyDocument as
      | { Statement: { Action: string[]; Resource: unknown }[] }
      | undefined;
    const statements = document?.Statement ?? [];
    expect(statements).toHaveLength(1);
    expect((statements[0]?.Action ?? []).every((a) => /^ssm:(Describe|Get)/.test(a))).toBe(true);
    expect(statements[0]?.Action.length).toBeGreaterThan(0);
    // arn:…:parameter + the parameter's Ref (its name, which starts with "/").
    expect(JSON.stringify(statements[0]?.Resource)).toContain(`{"Ref":"${parameterId}"}`);
    expect(parameterId).not.toBe('');
  });
});

describe('the commands find it by --notifier-name or --stack', () => {
  const cfn = mockClient(CloudFormationClient);
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  const events = mockClient(EventBridgeClient);
  const sqs = mockClient(SQSClient);
  const sfn = mockClient(SFNClient);

  beforeEach(() => {
    for (const mock of [cfn, ssm, secrets, events, sqs, sfn]) mock.reset();
    ssm.on(GetParameterCommand, { Name: parameterName }).resolves({
      Parameter: { Name: parameterName, Value: descriptorText },
    });
    // A stack of the user's: no outputs of this project's.
    cfn.on(DescribeStacksCommand, { StackName: stack.stackName }).resolves({
      Stacks: [
        {
          StackName: stack.stackName,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [],
        },
      ],
    });
    cfn.on(ListStackResourcesCommand, { StackName: stack.stackName }).resolves({
      StackResourceSummaries: Object.entries(resources).map(([id, r]) => ({
        LogicalResourceId: id,
        ResourceType: r.Type,
        PhysicalResourceId: r.Type === 'AWS::SSM::Parameter' ? parameterName : `${id}|Ref`,
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(0),
      })),
    });
  });

  async function run(args: string[], stdin = '') {
    const io = captureIo(stdin, new Date('2026-11-25T04:00:00Z'), { HOME: '/nonexistent', NO_COLOR: '1' });
    const code = await main(['node', 'sfn-slack', ...args], io);
    return { code, out: io.out(), err: io.err() };
  }

  it('setup stores the bot token in the notifier’s secret and connection (region from --region)', async () => {
    const token = ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
    events.on(DescribeConnectionCommand).resolves({ ConnectionState: 'AUTHORIZED' });
    const { code, err } = await run(['setup', '--notifier-name', 'prod', '--region', REGION], `${token}\n`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretId).toBe(
      descriptor.outputs.BotTokenSecretArn
    );
    expect(events.commandCalls(UpdateConnectionCommand)[0]?.args[0].input.Name).toBe(
      descriptor.outputs.ConnectionName
    );
  });

  it('doctor checks the stack and the connection the descriptor names', async () => {
    events.on(DescribeConnectionCommand).resolves({ ConnectionState: 'AUTHORIZED' });
    const { out } = await run(['doctor', '--stack', stack.stackName, '--region', REGION]);
    expect(out).toContain(`Checking stack ${stack.stackName}`);
    expect(out).toContain(`✓ Stack ${stack.stackName} deployed (CREATE_COMPLETE)`);
    expect(out).toContain('✓ Stack outputs present');
    expect(out).toContain(`✓ Connection ${descriptor.outputs.ConnectionName} is AUTHORIZED`);
  });

  it('replay --dry-run reads the notifier’s dead-letter queue', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const { code, out } = await run(['replay', '--notifier-name', 'prod', '--dry-run', '--region', REGION]);
    expect(code).toBe(0);
    expect(out).toContain('The dead-letter queue of prod is empty');
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input.QueueUrl).toBe(
      descriptor.outputs.DeadLetterQueueUrl
    );
  });

  it('routes explains by the deployed settings, with no cdk.json', async () => {
    const { code, out } = await run([
      'routes',
      '--notifier-name',
      'prod',
      '--state-machine',
      'nightly-etl',
      '--region',
      REGION,
      '--cdk-json',
      '/nonexistent/cdk.json',
    ]);
    expect(code).toBe(0);
    expect(out).toContain(`${WATCHED} FAILED:`);
    expect(out).toContain('→ #alerts');
  });

  it('mute tags a watched machine given by name, in the descriptor’s account and region', async () => {
    const { code, out, err } = await run([
      'mute',
      'nightly-etl',
      '--for',
      '2h',
      '--notifier-name',
      'prod',
      '--region',
      REGION,
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^muted nightly-etl until 2026-11-25T06:00:00Z/);
    expect(sfn.commandCalls(TagResourceCommand)[0]?.args[0].input.resourceArn).toBe(WATCHED);
  });

  it('names what is missing when no descriptor exists', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    const { code, err } = await run(['doctor', '--notifier-name', 'staging', '--region', REGION]);
    expect(code).toBe(1);
    expect(err).toContain('doctor found 1 problem(s)');
  });
});
