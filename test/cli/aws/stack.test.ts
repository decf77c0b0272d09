import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveEnv } from '../../../cli/aws/options.js';
import {
  OPTIONAL_OUTPUTS,
  OUTPUT_NAMES,
  REQUIRED_OUTPUTS,
  readStack,
  requireOutput,
} from '../../../cli/aws/stack.js';
import { ACTIONS_OUTPUTS } from '../../../contract/actions.js';
import { awsError, describeStacks, stackDoesNotExist, stackOutputs } from '../helpers.js';

const cfn = mockClient(CloudFormationClient);
const client = new CloudFormationClient({ region: 'eu-west-1' });

beforeEach(() => cfn.reset());

describe('readStack', () => {
  it('describes SfnSlackNotifier-<env> and returns its outputs by name', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves(describeStacks('staging', stackOutputs('staging'), 'CREATE_COMPLETE'));
    const stack = await readStack(client, 'staging');
    expect(cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: 'SfnSlackNotifier-staging',
    });
    expect(stack.stackName).toBe('SfnSlackNotifier-staging');
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.outputs.QueueArn).toBe(stackOutputs('staging').QueueArn);
    expect(requireOutput(stack, 'ConnectionName')).toBe('sfn-slack-staging');
  });

  it('says how to deploy when the stack does not exist (exit 3)', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist('qa'));
    await expect(readStack(client, 'qa')).rejects.toMatchObject({
      exitCode: 3,
      message:
        'stack SfnSlackNotifier-qa not found in this account and region: deploy it with `npx cdk deploy -c env=qa` (or pass the right --region/--profile; a SlackNotifier in a stack of your own: pass --notifier-name <environmentName> or --stack <name>)',
    });
  });

  it('maps other failures with the stack name', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'no cloudformation:DescribeStacks', 403));
    await expect(readStack(client, 'qa')).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(/^AWS refused to read the stack SfnSlackNotifier-qa \(AccessDenied/),
    });
  });

  it('names a missing output and how to fix it', async () => {
    const { QueueArn: _, ...rest } = stackOutputs('qa');
    cfn.on(DescribeStacksCommand).resolves(describeStacks('qa', rest));
    const stack = await readStack(client, 'qa');
    expect(() => requireOutput(stack, 'QueueArn')).toThrow(
      'stack SfnSlackNotifier-qa has no output QueueArn: redeploy it with `npx cdk deploy -c env=qa`'
    );
  });
});

describe('output names', () => {
  it('are exactly the CfnOutputs the stack defines', () => {
    const read = (file: string) => readFileSync(path.resolve(import.meta.dirname, '../../..', file), 'utf8');
    // The stack writes the central outputs itself and every other from operatorOutputs, the map the notifier's
    // descriptor parameter holds too.
    const stackSource = read('infra/stacks/notifier-stack.ts');
    const outputsSource = read('infra/constructs/operator-descriptor.ts');
    const defined = [
      ...[...stackSource.matchAll(/this\.output\(\s*'([A-Za-z]+)'/g)].map((match) => match[1]),
      ...[...outputsSource.matchAll(/^\s+([A-Z][A-Za-z]+): n\./gm)].map((match) => match[1]),
      ...[...outputsSource.matchAll(/outputs\.([A-Z][A-Za-z]+) =/g)].map((match) => match[1]),
      // The Slack-actions outputs are named once, in contract/actions.ts.
      ...[...outputsSource.matchAll(/outputs\[ACTIONS_OUTPUTS\.([A-Za-z]+)\]/g)].map(
        (match) => ACTIONS_OUTPUTS[match[1] as keyof typeof ACTIONS_OUTPUTS]
      ),
    ];
    expect(defined.length).toBeGreaterThan(10);
    expect([...OUTPUT_NAMES].sort()).toEqual([...defined].sort());
  });

  it('require every output except the Slack-mode ones and the formatter name', () => {
    expect(REQUIRED_OUTPUTS).toEqual([
      'NotifierStateMachineArn',
      'DeliveryStateMachineArn',
      'QueueUrl',
      'QueueArn',
      'DeadLetterQueueUrl',
      'DeadLetterQueueArn',
      'ConnectionArn',
      'ConnectionName',
    ]);
    expect(OPTIONAL_OUTPUTS.has('SlackChannel')).toBe(true);
    expect(OPTIONAL_OUTPUTS.has('WebhookParameterKeyArn')).toBe(true);
  });

  it('reads SlackChannel and WebhookParameterKeyArn by name', async () => {
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    cfn.on(DescribeStacksCommand).resolves(
      describeStacks('qa', {
        ...stackOutputs('qa'),
        SlackChannel: '#etl-alerts',
        WebhookParameterKeyArn: keyArn,
      })
    );
    const stack = await readStack(client, 'qa');
    expect(requireOutput(stack, 'SlackChannel')).toBe('#etl-alerts');
    expect(requireOutput(stack, 'WebhookParameterKeyArn')).toBe(keyArn);
  });
});

describe('options', () => {
  it('validates the environment name', () => {
    expect(resolveEnv({ env: 'prod-eu' })).toBe('prod-eu');
    expect(() => resolveEnv({ env: 'prod/eu' })).toThrow(
      'invalid environment name "prod/eu": use letters, digits and hyphens, starting with a letter'
    );
  });
});
