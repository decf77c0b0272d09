/**
 * `sfn-slack setup`: stores an environment's Slack credential, read from standard input so it never lands in
 * shell history, and never printed or logged.
 *
 * - bot token (default): PutSecretValue on the stack's BotTokenSecretArn, then UpdateConnection on its
 *   ConnectionName with `Authorization: Bearer <token>` (the HTTP task's header must come from the connection);
 * - `--webhook`: the incoming-webhook URL as an SSM SecureString, in the parameter named by the stack's
 *   WebhookParameterName output (`/{env}/SLACK_URL` when the stack is not deployed or has no such output);
 * - `--signing-secret`: the Slack app's signing secret (Redrive, Stop and Mute buttons), PutSecretValue on the
 *   stack's SigningSecretArn output.
 */
import { DescribeConnectionCommand, UpdateConnectionCommand } from '@aws-sdk/client-eventbridge';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ACTIONS_OUTPUTS } from '../../contract/actions.js';
import type { AwsClients } from '../aws/clients.js';
import { aws } from '../aws/errors.js';
import { type Io, readAll } from '../aws/io.js';
import {
  type EnvOptions,
  type NotifierTarget,
  resolveTarget,
  targetFlag,
  targetName,
} from '../aws/options.js';
import { readStack, requireOutput, type StackInfo, stackName } from '../aws/stack.js';
import { CliError, ExitCode } from '../errors.js';
import { report } from '../output.js';

export interface SetupOptions extends EnvOptions {
  /** Store an incoming-webhook URL instead of a bot token. */
  readonly webhook?: boolean;
  /** Store the Slack app's signing secret (interactivity) instead. */
  readonly signingSecret?: boolean;
}

/** Slack signing secrets are 32 hexadecimal characters (a little room either way for other lengths). */
const SIGNING_SECRET = /^[0-9a-f]{16,128}$/;

const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
const WEBHOOK_URL = /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/-]+$/;

/** The default SSM parameter the webhook mode reads at delivery time (cdk.json may name another). */
export function webhookParameterName(env: string): string {
  return `/${env}/SLACK_URL`;
}

export async function runSetup(options: SetupOptions, io: Io, clients: AwsClients): Promise<void> {
  const target = resolveTarget(options);
  const env = targetName(target);
  const flag = targetFlag(target);
  if (options.webhook && options.signingSecret) {
    throw new CliError(
      '--webhook and --signing-secret store different things: give one of them',
      ExitCode.badInput
    );
  }
  if (options.signingSecret) {
    await storeSigningSecret(target, io, clients);
    return;
  }
  const what = options.webhook ? 'webhook URL' : 'bot token';
  const secret = (await readSecret(io, what)).trim();
  if (secret === '') {
    throw new CliError(
      `no ${what} on standard input: pipe it in, e.g. \`sfn-slack setup ${flag}${options.webhook ? ' --webhook' : ''} < file\``,
      ExitCode.badInput
    );
  }

  if (options.webhook) {
    // The message names the expected shape only: the input itself is a secret and is never echoed.
    if (!WEBHOOK_URL.test(secret)) {
      throw new CliError(
        'the input is not a Slack incoming-webhook URL (expected https://hooks.slack.com/services/…)',
        ExitCode.badInput
      );
    }
    const { name, keyArn } = await webhookParameterOf(target, clients, io);
    await aws(`store the webhook URL in SSM parameter ${name}`, () =>
      clients.ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: secret,
          Type: 'SecureString',
          Overwrite: true,
          // The customer managed key the stack was configured with; without one SSM uses aws/ssm.
          ...(keyArn ? { KeyId: keyArn } : {}),
        })
      )
    );
    io.stdout.write(`✓ Stored the webhook URL as SecureString ${name} (environment ${env}).\n`);
    report(io, { stored: 'webhook', parameterName: name });
    return;
  }

  if (!BOT_TOKEN.test(secret)) {
    throw new CliError(
      'the input is not a Slack bot token (expected xoxb-…; for an incoming webhook use --webhook)',
      ExitCode.badInput
    );
  }
  const stack = await readStack(clients, target);
  if (!stack.outputs.BotTokenSecretArn && stack.outputs.WebhookParameterName) {
    throw new CliError(
      `environment ${env} is deployed for an incoming webhook: run \`sfn-slack setup ${flag} --webhook\` instead`,
      ExitCode.badInput
    );
  }
  const secretArn = requireOutput(stack, 'BotTokenSecretArn', 'the bot-token secret');
  const connectionName = requireOutput(stack, 'ConnectionName', 'the EventBridge connection');

  await aws(`store the bot token in secret ${secretArn}`, () =>
    clients.secretsManager.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: secret }))
  );
  await aws(`update the EventBridge connection ${connectionName}`, () =>
    clients.eventBridge.send(
      new UpdateConnectionCommand({
        Name: connectionName,
        AuthorizationType: 'API_KEY',
        AuthParameters: {
          ApiKeyAuthParameters: { ApiKeyName: 'Authorization', ApiKeyValue: `Bearer ${secret}` },
        },
      })
    )
  );
  const described = await aws(`read the EventBridge connection ${connectionName}`, () =>
    clients.eventBridge.send(new DescribeConnectionCommand({ Name: connectionName }))
  );
  report(io, {
    stored: 'bot-token',
    secretArn,
    connectionName,
    connectionState: described.ConnectionState ?? 'unknown',
  });
  io.stdout.write(
    `✓ Stored the bot token in ${secretArn}\n` +
      `✓ Updated connection ${connectionName} (state: ${described.ConnectionState ?? 'unknown'})\n` +
      `Check the environment with: sfn-slack doctor ${flag} --send-test\n`
  );
}

/** `--signing-secret`: the value goes to the secret the interactivity function reads (cached up to 5 minutes). */
async function storeSigningSecret(target: NotifierTarget, io: Io, clients: AwsClients): Promise<void> {
  const env = targetName(target);
  const flag = targetFlag(target);
  const secret = (await readSecret(io, 'signing secret')).trim();
  if (secret === '') {
    throw new CliError(
      `no signing secret on standard input: pipe it in, e.g. \`sfn-slack setup ${flag} --signing-secret < file\``,
      ExitCode.badInput
    );
  }
  if (!SIGNING_SECRET.test(secret)) {
    throw new CliError(
      'the input is not a Slack signing secret (expected the hexadecimal value shown under App Credentials)',
      ExitCode.badInput
    );
  }
  const stack = await readStack(clients, target);
  if (!stack.outputs[ACTIONS_OUTPUTS.signingSecretArn]) {
    throw new CliError(
      `environment ${env} has no Slack actions: add "actions" to environments.${env} in cdk.json and deploy, then run this again`,
      ExitCode.badInput
    );
  }
  const secretArn = requireOutput(stack, ACTIONS_OUTPUTS.signingSecretArn, 'the signing secret');
  await aws(`store the signing secret in secret ${secretArn}`, () =>
    clients.secretsManager.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: secret }))
  );
  io.stdout.write(
    `✓ Stored the signing secret in ${secretArn}\n` +
      `Interactivity request URL for the Slack app: ${stack.outputs[ACTIONS_OUTPUTS.interactivityUrl] ?? '(see the stack output InteractivityUrl)'}\n` +
      `Check it with: sfn-slack doctor ${flag}\n`
  );
}

/**
 * The parameter the deployed delivery machine reads: the stack's WebhookParameterName output (cdk.json may name
 * another parameter than the default), with the customer managed key of its WebhookParameterKeyArn output when
 * the stack has one. Before the first deploy, or for a stack without that output, the
 * default `/{env}/SLACK_URL`. Other errors reading the stack (no credentials, access denied) stop the command.
 */
async function webhookParameterOf(
  target: NotifierTarget,
  clients: AwsClients,
  io: Io
): Promise<{ name: string; keyArn?: string }> {
  const env = targetName(target);
  let stack: StackInfo;
  try {
    stack = await readStack(clients, target);
  } catch (error) {
    if (
      target.kind !== 'env' ||
      !(error instanceof CliError && error.message.startsWith(`stack ${stackName(env)} not found`))
    )
      throw error;
    io.stderr.write(
      `Stack ${stackName(env)} is not deployed: using the default parameter ${webhookParameterName(env)}.\n`
    );
    return { name: webhookParameterName(env) };
  }
  const name = stack.outputs.WebhookParameterName;
  const keyArn = stack.outputs.WebhookParameterKeyArn;
  if (name) return keyArn ? { name, keyArn } : { name };
  io.stderr.write(
    `Stack ${stack.stackName} has no WebhookParameterName output${stack.outputs.BotTokenSecretArn ? ' (it is deployed for a bot token)' : ''}: using the default parameter ${webhookParameterName(env)}.\n`
  );
  return { name: webhookParameterName(env) };
}

/**
 * Reads the secret: all of standard input when it is piped, or one hidden line when it is a terminal
 * (raw mode, so the characters are not echoed).
 */
async function readSecret(io: Io, what: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    return readAll(io.stdin);
  }
  io.stderr.write(`Paste the ${what} and press Enter (it will not be shown): `);
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(new CliError('cancelled', ExitCode.failed));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
