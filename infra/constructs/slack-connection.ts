/**
 * The EventBridge connection the delivery machine's HTTP task posts with: the credential never appears in a
 * definition, history or log. Channel mode: the bot token (from the given secret, or one created for
 * `sfn-slack setup` to write); webhook mode: a connection without a secret (the URL is in SSM).
 */
import { SecretValue } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { SlackDestination } from './slack-notifier.js';

export interface SlackConnection {
  readonly connection: events.Connection;
  /** The bot-token secret (channel mode): the one given, or the one created. */
  readonly botTokenSecret?: secretsmanager.ISecret;
}

export function slackConnection(
  scope: Construct,
  environmentName: string,
  destination: SlackDestination
): SlackConnection {
  const env = environmentName;
  if (destination.type === 'webhook') {
    return {
      connection: new events.Connection(scope, 'Connection', {
        description: `sfn-slack-notifier (${env}): incoming webhook (the URL is in SSM, not here)`,
        // HTTP tasks need a connection; a webhook needs no credential, so this header carries no secret.
        authorization: events.Authorization.apiKey(
          'X-Sfn-Slack-Notifier',
          SecretValue.unsafePlainText('webhook-mode')
        ),
      }),
    };
  }
  const botTokenSecret =
    destination.botTokenSecret ??
    new secretsmanager.Secret(scope, 'BotTokenSecret', {
      description: `sfn-slack-notifier (${env}): Slack bot token (xoxb-...), written by sfn-slack setup`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
  const connection = new events.Connection(scope, 'Connection', {
    description: `sfn-slack-notifier (${env}): Slack bot token for chat.postMessage`,
    // A dynamic reference: CloudFormation resolves it at deploy time; the template holds only the reference.
    authorization: events.Authorization.apiKey(
      'Authorization',
      SecretValue.unsafePlainText(`Bearer ${botTokenSecret.secretValue.unsafeUnwrap()}`)
    ),
  });
  return { connection, botTokenSecret };
}
