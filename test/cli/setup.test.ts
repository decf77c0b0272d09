import { PassThrough } from 'node:stream';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeConnectionCommand,
  EventBridgeClient,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/setup.js';
import {
  awsError,
  captureIo,
  DescribeStacksCommand,
  describeStacks,
  runCommand,
  stackDoesNotExist,
  stackOutputs,
} from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const secrets = mockClient(SecretsManagerClient);
const events = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);

// Built at run time so no token-shaped literal sits in the repository.
const TOKEN = ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const WEBHOOK = `https://hooks.slack.com/services/T0000/B0000/${'s3cr3tW3bh00kPath'}`;

beforeEach(() => {
  cfn.reset();
  secrets.reset();
  events.reset();
  ssm.reset();
  cfn
    .on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-dev' })
    .resolves(describeStacks('dev', stackOutputs()));
  events.on(DescribeConnectionCommand).resolves({ ConnectionState: 'AUTHORIZED' });
});

describe('sfn-slack setup (bot token)', () => {
  it('stores the token in the stack’s secret and sets the connection’s Authorization header', async () => {
    const io = captureIo(`${TOKEN}\n`);
    const result = await runCommand(register, ['setup', '--env', 'dev'], io);

    expect(result).toEqual({ exitCode: 0 });
    expect(secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: stackOutputs().BotTokenSecretArn, SecretString: TOKEN },
    ]);
    expect(events.commandCalls(UpdateConnectionCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: 'sfn-slack-dev',
        AuthorizationType: 'API_KEY',
        AuthParameters: {
          ApiKeyAuthParameters: { ApiKeyName: 'Authorization', ApiKeyValue: `Bearer ${TOKEN}` },
        },
      },
    ]);
    expect(io.out()).toContain('state: AUTHORIZED');
  });

  it('never prints the token, on success or failure', async () => {
    const ok = captureIo(TOKEN);
    await runCommand(register, ['setup', '--env', 'dev'], ok);
    expect(ok.out() + ok.err()).not.toContain(TOKEN.slice(5));

    events
      .on(UpdateConnectionCommand)
      .rejects(awsError('AccessDeniedException', 'not allowed: events:UpdateConnection', 403));
    const denied = captureIo(TOKEN);
    const result = await runCommand(register, ['setup', '--env', 'dev'], denied);
    expect(result.exitCode).toBe(3);
    expect(result.error).toMatch(/^AWS refused to update the EventBridge connection sfn-slack-dev/);
    expect(`${denied.out()}${denied.err()}${result.error}`).not.toContain(TOKEN.slice(5));
  });

  it('refuses empty standard input with a clear line and calls nothing', async () => {
    const result = await runCommand(register, ['setup', '--env', 'dev'], captureIo('  \n'));
    expect(result).toEqual({
      exitCode: 2,
      error: 'no bot token on standard input: pipe it in, e.g. `sfn-slack setup --env dev < file`',
    });
    expect(secrets.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });

  it('rejects input that is not a bot token without echoing it', async () => {
    const userToken = ['xoxp', '1111', 'SECRETPART'].join('-');
    const result = await runCommand(register, ['setup', '--env', 'dev'], captureIo(userToken));
    expect(result.exitCode).toBe(2);
    expect(result.error).toBe(
      'the input is not a Slack bot token (expected xoxb-…; for an incoming webhook use --webhook)'
    );
    expect(result.error).not.toContain('SECRETPART');
    expect(secrets.calls()).toHaveLength(0);
  });

  it('says to use --webhook when the environment is deployed for a webhook', async () => {
    const { BotTokenSecretArn: _, ...webhookOutputs } = stackOutputs();
    cfn
      .on(DescribeStacksCommand)
      .resolves(describeStacks('dev', { ...webhookOutputs, WebhookParameterName: '/dev/SLACK_URL' }));
    const result = await runCommand(register, ['setup', '--env', 'dev'], captureIo(TOKEN));
    expect(result).toEqual({
      exitCode: 2,
      error:
        'environment dev is deployed for an incoming webhook: run `sfn-slack setup --env dev --webhook` instead',
    });
  });

  it('says how to deploy when the stack does not exist', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist('dev'));
    const result = await runCommand(register, ['setup', '--env', 'dev'], captureIo(TOKEN));
    expect(result.exitCode).toBe(3);
    expect(result.error).toContain('deploy it with `npx cdk deploy -c env=dev`');
  });

  it('takes the environment from SFN_SLACK_ENV and fails clearly without one', async () => {
    const saved = process.env.SFN_SLACK_ENV;
    try {
      delete process.env.SFN_SLACK_ENV;
      const missing = await runCommand(register, ['setup'], captureIo(TOKEN));
      expect(missing).toEqual({
        exitCode: 2,
        error:
          'no environment given: pass --env <name> or set SFN_SLACK_ENV (a SlackNotifier in your own stack: --notifier-name <environmentName> or --stack <name>)',
      });

      process.env.SFN_SLACK_ENV = 'dev';
      const fromEnv = await runCommand(register, ['setup'], captureIo(TOKEN));
      expect(fromEnv.exitCode).toBe(0);
      expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.SFN_SLACK_ENV;
      else process.env.SFN_SLACK_ENV = saved;
    }
  });
});

describe('sfn-slack setup from a terminal', () => {
  it('prompts on stderr, reads one line with echo off, and restores the terminal', async () => {
    const modes: boolean[] = [];
    const terminal = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode(mode: boolean) {
        modes.push(mode);
        return this;
      },
    });
    const io = { ...captureIo(), stdin: terminal };
    const running = runCommand(register, ['setup', '--env', 'dev'], io);
    // Typed character by character, with a typo fixed by backspace, then Enter.
    for (const key of [...`${TOKEN}x`, '\u007f', '\r']) terminal.write(key);
    const result = await running;

    expect(result).toEqual({ exitCode: 0 });
    expect(modes).toEqual([true, false]);
    expect(io.err()).toBe('Paste the bot token and press Enter (it will not be shown): \n');
    expect(secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString).toBe(TOKEN);
    expect(io.out() + io.err()).not.toContain(TOKEN.slice(5));
  });

  it('stops on Ctrl-C without storing anything', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => terminal });
    const io = { ...captureIo(), stdin: terminal };
    const running = runCommand(register, ['setup', '--env', 'dev'], io);
    terminal.write('xoxb-12\u0003');
    expect(await running).toEqual({ exitCode: 1, error: 'cancelled' });
    expect(secrets.calls()).toHaveLength(0);
  });
});

describe('sfn-slack setup --webhook', () => {
  const { BotTokenSecretArn: _, ...webhookOutputs } = stackOutputs('prod');
  const storedAt = () => ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input);

  it('stores the URL in the parameter the stack’s WebhookParameterName output names, overwriting', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-prod' })
      .resolves(
        describeStacks('prod', { ...webhookOutputs, WebhookParameterName: '/team/prod/slack-webhook' })
      );
    const io = captureIo(`${WEBHOOK}\n`);
    const result = await runCommand(register, ['setup', '--env', 'prod', '--webhook'], io);
    expect(result).toEqual({ exitCode: 0 });
    expect(storedAt()).toEqual([
      { Name: '/team/prod/slack-webhook', Value: WEBHOOK, Type: 'SecureString', Overwrite: true },
    ]);
    expect(io.out()).toBe(
      '✓ Stored the webhook URL as SecureString /team/prod/slack-webhook (environment prod).\n'
    );
    expect(io.err()).toBe('');
    expect(io.out() + io.err()).not.toContain('s3cr3t');
  });

  it('encrypts with the customer managed key of the stack’s WebhookParameterKeyArn output', async () => {
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000000';
    cfn.on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-prod' }).resolves(
      describeStacks('prod', {
        ...webhookOutputs,
        WebhookParameterName: '/prod/SLACK_URL',
        WebhookParameterKeyArn: keyArn,
      })
    );
    const result = await runCommand(register, ['setup', '--env', 'prod', '--webhook'], captureIo(WEBHOOK));
    expect(result).toEqual({ exitCode: 0 });
    expect(storedAt()).toEqual([
      { Name: '/prod/SLACK_URL', Value: WEBHOOK, Type: 'SecureString', Overwrite: true, KeyId: keyArn },
    ]);
  });

  it('falls back to /<env>/SLACK_URL before the first deploy, saying so', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-prod' }).rejects(stackDoesNotExist('prod'));
    const io = captureIo(`${WEBHOOK}\n`);
    const result = await runCommand(register, ['setup', '--env', 'prod', '--webhook'], io);
    expect(result).toEqual({ exitCode: 0 });
    expect(storedAt()).toEqual([
      { Name: '/prod/SLACK_URL', Value: WEBHOOK, Type: 'SecureString', Overwrite: true },
    ]);
    expect(io.err()).toBe(
      'Stack SfnSlackNotifier-prod is not deployed: using the default parameter /prod/SLACK_URL.\n'
    );
    expect(io.out()).toBe('✓ Stored the webhook URL as SecureString /prod/SLACK_URL (environment prod).\n');
    expect(io.out() + io.err()).not.toContain('s3cr3t');
  });

  it('falls back to /<env>/SLACK_URL when the deployed stack has no WebhookParameterName output', async () => {
    const io = captureIo(WEBHOOK);
    const result = await runCommand(register, ['setup', '--env', 'dev', '--webhook'], io);
    expect(result).toEqual({ exitCode: 0 });
    expect(storedAt().map((input) => input.Name)).toEqual(['/dev/SLACK_URL']);
    expect(io.err()).toBe(
      'Stack SfnSlackNotifier-dev has no WebhookParameterName output (it is deployed for a bot token): using the default parameter /dev/SLACK_URL.\n'
    );
  });

  it('stores nothing when the stack cannot be read (access denied is not "absent")', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: 'SfnSlackNotifier-prod' })
      .rejects(awsError('AccessDenied', 'not allowed: cloudformation:DescribeStacks', 403));
    const result = await runCommand(register, ['setup', '--env', 'prod', '--webhook'], captureIo(WEBHOOK));
    expect(result.exitCode).toBe(3);
    expect(result.error).toMatch(/SfnSlackNotifier-prod/);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('rejects a URL that is not a Slack incoming webhook', async () => {
    const result = await runCommand(
      register,
      ['setup', '--env', 'prod', '--webhook'],
      captureIo('https://example.com/services/s3cr3t')
    );
    expect(result).toEqual({
      exitCode: 2,
      error: 'the input is not a Slack incoming-webhook URL (expected https://hooks.slack.com/services/…)',
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('refuses empty input', async () => {
    const result = await runCommand(register, ['setup', '--env', 'prod', '--webhook'], captureIo(''));
    expect(result.exitCode).toBe(2);
    expect(result.error).toBe(
      'no webhook URL on standard input: pipe it in, e.g. `sfn-slack setup --env prod --webhook < file`'
    );
  });
});
