import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { cdkJsonContext, SKIP_BUNDLING, standInCode, testOutdir } from './helpers.js';

/** The app exactly as `cdk synth` builds it from cdk.json, with bundling skipped and a stand-in formatter. */
function appFor(context: Record<string, unknown>) {
  const outdir = testOutdir();
  return buildApp(
    { outdir, context: { ...cdkJsonContext(), ...SKIP_BUNDLING, ...context } },
    { standIns: [[FORMATTER_FILES, { code: standInCode }]] }
  );
}

const COMMON_OUTPUTS = [
  'NotifierStateMachineArn',
  'DeliveryStateMachineArn',
  'QueueUrl',
  'QueueArn',
  'DeadLetterQueueUrl',
  'DeadLetterQueueArn',
  'ConnectionArn',
  'ConnectionName',
  'FormatterFunctionName',
  'AlarmTopicArn',
  'ReplayRoleArn',
];

describe('the CDK app (cdk.json environments)', () => {
  // One synthesis of every environment, shared by the tests below (synthesis runs both cdk-nag packs and is the
  // slow part); any unacknowledged finding makes app.synth() throw here.
  const app = appFor({});
  const assembly = app.synth();

  it('synthesizes every environment when no -c env is given, with zero unacknowledged cdk-nag findings', () => {
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      'SfnSlackNotifier-dev',
      'SfnSlackNotifier-org',
      'SfnSlackNotifier-prod',
      'SfnSlackNotifierSource-org',
    ]);
  });

  it.each([
    [
      'dev',
      ['BotTokenSecretArn', 'SlackChannel', 'InteractivityUrl', 'SigningSecretArn', 'ActionsStateMachineArn'],
    ],
    ['prod', ['WebhookParameterName']],
  ])('SfnSlackNotifier-%s has the outputs the operator commands look up', (env, modeOutputs) => {
    const outputs = Object.keys(assembly.getStackByName(`SfnSlackNotifier-${env}`).template.Outputs ?? {});
    expect(outputs.sort()).toEqual([...COMMON_OUTPUTS, ...modeOutputs].sort());
  });

  it('outputs the configured channel (doctor --send-test default) and webhook parameter (setup --webhook)', () => {
    const outputs = (env: string) =>
      assembly.getStackByName(`SfnSlackNotifier-${env}`).template.Outputs as Record<
        string,
        { Value: unknown }
      >;
    expect(outputs('dev').SlackChannel?.Value).toBe('#etl-dev-alerts');
    expect(outputs('prod').WebhookParameterName?.Value).toBe('/prod/SLACK_URL');
    const custom = appFor({
      env: 'qa',
      environments: {
        qa: {
          stateMachineNamePrefixes: ['qa-'],
          destination: { type: 'webhook', parameterName: '/team/qa/slack-webhook' },
        },
      },
    }).synth();
    const qa = custom.getStackByName('SfnSlackNotifier-qa').template.Outputs as Record<
      string,
      { Value: unknown }
    >;
    expect(qa.WebhookParameterName?.Value).toBe('/team/qa/slack-webhook');
    expect(qa.SlackChannel).toBeUndefined();
  });

  it('puts prod in its configured account and region, with its alarms on the configured topic', () => {
    const prod = assembly.getStackByName('SfnSlackNotifier-prod');
    expect(prod.environment).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    Template.fromJSON(prod.template).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:ops-alarms'],
    });
  });

  it.each(['dev', 'prod'])('-c env=%s builds only the stack of that environment', (env) => {
    const selected = appFor({ env });
    expect(
      selected.node.children.filter((child) => child instanceof Stack).map((stack) => stack.node.id)
    ).toEqual([`SfnSlackNotifier-${env}`]);
  });

  it('synthesizes Slack actions with an existing signing secret, cdk-nag clean', () => {
    const named = appFor({
      env: 'qa',
      environments: {
        qa: {
          stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
          destination: { type: 'channel', channel: 'C0123456789', botTokenSecretName: 'sfn-slack/qa/bot' },
          actions: { redrive: { users: ['U0ALICE'] }, signingSecretName: 'sfn-slack/qa/signing' },
        },
      },
    }).synth();
    const template = Template.fromJSON(named.getStackByName('SfnSlackNotifier-qa').template);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('fails synthesis on a cdk-nag finding nobody acknowledged (the gate is real)', () => {
    const unsafe = appFor({ env: 'dev' });
    const stack = unsafe.node.findChild('SfnSlackNotifier-dev') as Stack;
    new sqs.Queue(stack, 'Unsafe', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => unsafe.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('acknowledges each finding on one resource, naming the rule, with a reason', () => {
    const acknowledged: Array<{ path: string; id: string; reason: string }> = [];
    const visit = (construct: IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        // Recorded as { "<Pack>::<RuleId>[<finding>]": reason }.
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, id, reason });
        }
      }
      for (const child of construct.node.children) visit(child);
    };
    visit(app);
    expect(acknowledged.length).toBeGreaterThan(5);
    for (const { path: where, id, reason } of acknowledged) {
      expect(id, where).toMatch(
        /^(AwsSolutions::AwsSolutions|Serverless::Serverless)-[A-Za-z0-9]+(\[.+\])?$/
      );
      expect(where.split('/').length, `${where} is a whole stack`).toBeGreaterThan(2);
      expect(reason.length, `${where} ${id}`).toBeGreaterThan(40);
    }
  });
});
