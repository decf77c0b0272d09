/**
 * One environment's stack, `SfnSlackNotifier-<env>`: the SlackNotifier construct wired from the validated
 * cdk.json configuration, plus the outputs the operator commands look up by name.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ACTIONS_OUTPUTS } from '../actions-schema.js';
import type { EnvironmentConfig } from '../config.js';
import { CentralBus } from '../constructs/central-bus.js';
import { type SlackDestination, SlackNotifier } from '../constructs/slack-notifier.js';

export interface NotifierStackProps extends StackProps {
  /** The validated environment configuration (infra/config.ts). */
  readonly config: EnvironmentConfig;
  /**
   * The formatter Lambda's entry file.
   * @default - formatters/handler.ts of this project
   */
  readonly formatterEntry?: string;
  /** The formatter's code, already bundled (SlackNotifierProps.formatterCode). @default - see formatterEntry */
  readonly formatterCode?: lambda.Code;
}

/** The stack name for an environment. */
export function notifierStackName(environmentName: string): string {
  return `SfnSlackNotifier-${environmentName}`;
}

export class NotifierStack extends Stack {
  public readonly notifier: SlackNotifier;
  /** The central event bus (a central environment only). */
  public readonly centralBus?: CentralBus;

  constructor(scope: Construct, id: string, props: NotifierStackProps) {
    super(scope, id, props);
    const { config } = props;
    const destination: SlackDestination =
      config.destination.type === 'channel'
        ? {
            type: 'channel',
            channel: config.destination.channel,
            ...(config.destination.botTokenSecretName === undefined
              ? {}
              : {
                  botTokenSecret: secretsmanager.Secret.fromSecretNameV2(
                    this,
                    'BotTokenSecret',
                    config.destination.botTokenSecretName
                  ),
                }),
          }
        : {
            type: 'webhook',
            parameterName: config.destination.parameterName,
            ...(config.destination.kmsKeyArn === undefined
              ? {}
              : {
                  parameterKey: kms.Key.fromKeyArn(this, 'WebhookParameterKey', config.destination.kmsKeyArn),
                }),
          };

    // A central environment: the bus its source accounts forward to (infra/stacks/source-stack.ts).
    const sources = config.sources;
    this.centralBus =
      sources === undefined
        ? undefined
        : new CentralBus(this, 'CentralBus', {
            environmentName: config.name,
            accounts: sources.accounts,
            ...(sources.organizationId === undefined ? {} : { organizationId: sources.organizationId }),
          });

    this.notifier = new SlackNotifier(this, 'Notifier', {
      environmentName: config.name,
      stateMachineArns: config.stateMachineArns,
      stateMachineNamePrefixes: config.stateMachineNamePrefixes,
      statuses: config.statuses,
      destination,
      template: config.template,
      logExecutionData: config.logExecutionData,
      ...(props.formatterEntry === undefined ? {} : { formatterEntry: props.formatterEntry }),
      ...(sources === undefined || this.centralBus === undefined
        ? {}
        : {
            central: {
              eventBus: this.centralBus.eventBus,
              accounts: sources.accounts,
              regions: sources.regions,
              ...(sources.organizationId === undefined ? {} : { organizationId: sources.organizationId }),
            },
          }),
      ...(props.formatterCode === undefined ? {} : { formatterCode: props.formatterCode }),
      ...(config.mentionOnFailure === undefined ? {} : { mentionOnFailure: config.mentionOnFailure }),
      replyBroadcast: config.replyBroadcast,
      ...(config.runningLongerThan === undefined ? {} : { runningLongerThan: config.runningLongerThan }),
      ...(config.storm === undefined ? {} : { storm: config.storm }),
      ...(config.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn) }),
      ...(config.actions === undefined
        ? {}
        : {
            actions: {
              policy: config.actions.policy,
              ...(config.actions.signingSecretName === undefined
                ? {}
                : {
                    signingSecret: secretsmanager.Secret.fromSecretNameV2(
                      this,
                      'SigningSecret',
                      config.actions.signingSecretName
                    ),
                  }),
            },
          }),
    });

    const n = this.notifier;
    if (this.centralBus && sources) {
      new CfnOutput(this, 'CentralEventBusArn', { value: this.centralBus.eventBus.eventBusArn });
      // Where the source stack's StackSet goes (docs/infra.md): `aws cloudformation create-stack-instances`.
      new CfnOutput(this, 'SourceStackSetTargets', {
        description: 'Deployment targets and regions of the source stack StackSet',
        value: JSON.stringify({
          Accounts: sources.accounts,
          OrganizationalUnitIds: sources.organizationalUnitIds,
          Regions: sources.regions,
        }),
      });
    }
    new CfnOutput(this, 'NotifierStateMachineArn', { value: n.notifierStateMachine.stateMachineArn });
    new CfnOutput(this, 'DeliveryStateMachineArn', { value: n.deliveryStateMachine.stateMachineArn });
    new CfnOutput(this, 'QueueUrl', { value: n.queue.queueUrl });
    new CfnOutput(this, 'QueueArn', { value: n.queue.queueArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: n.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: n.deadLetterQueue.queueArn });
    new CfnOutput(this, 'ConnectionArn', { value: n.connection.connectionArn });
    new CfnOutput(this, 'ConnectionName', { value: n.connection.connectionName });
    new CfnOutput(this, 'FormatterFunctionName', { value: n.formatter.functionName });
    // The configured topic, or the one created so that no alarm goes to nobody: subscribe to it.
    new CfnOutput(this, 'AlarmTopicArn', { value: n.alarmTopic.topicArn });
    // sfn-slack replay runs as this role: the queue accepts messages only from it and the notifier.
    new CfnOutput(this, 'ReplayRoleArn', { value: n.replayRole.roleArn });
    if (n.botTokenSecret) {
      new CfnOutput(this, 'BotTokenSecretArn', { value: n.botTokenSecret.secretArn });
    }
    // `sfn-slack doctor --send-test` posts here unless given --channel.
    if (n.slackChannel !== undefined) {
      new CfnOutput(this, 'SlackChannel', { value: n.slackChannel });
    }
    // Slack app manifest: settings.interactivity.request_url (docs/infra.md); `setup` and `doctor` use the rest.
    if (n.actions) {
      new CfnOutput(this, ACTIONS_OUTPUTS.interactivityUrl, { value: n.actions.functionUrl.url });
      new CfnOutput(this, ACTIONS_OUTPUTS.signingSecretArn, { value: n.actions.signingSecret.secretArn });
      new CfnOutput(this, ACTIONS_OUTPUTS.stateMachineArn, { value: n.actions.stateMachine.stateMachineArn });
    }
    if (n.webhookParameterName !== undefined) {
      new CfnOutput(this, 'WebhookParameterName', { value: n.webhookParameterName });
    }
    // `sfn-slack setup --webhook` encrypts the parameter with this key.
    if (n.webhookParameterKey !== undefined) {
      new CfnOutput(this, 'WebhookParameterKeyArn', { value: n.webhookParameterKey.keyArn });
    }
  }
}
