/**
 * One environment's stack, `SfnSlackNotifier-<env>`: the SlackNotifier construct wired from the validated
 * cdk.json configuration, plus the outputs the operator commands look up by name.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.js';
import { type SlackDestination, SlackNotifier } from '../constructs/slack-notifier.js';

export interface NotifierStackProps extends StackProps {
  /** The validated environment configuration (infra/config.ts). */
  readonly config: EnvironmentConfig;
  /**
   * The formatter Lambda's entry file.
   * @default - formatters/handler.ts of this project
   */
  readonly formatterEntry?: string;
}

/** The stack name for an environment. */
export function notifierStackName(environmentName: string): string {
  return `SfnSlackNotifier-${environmentName}`;
}

export class NotifierStack extends Stack {
  public readonly notifier: SlackNotifier;

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

    this.notifier = new SlackNotifier(this, 'Notifier', {
      environmentName: config.name,
      stateMachineArns: config.stateMachineArns,
      stateMachineNamePrefixes: config.stateMachineNamePrefixes,
      statuses: config.statuses,
      destination,
      template: config.template,
      logExecutionData: config.logExecutionData,
      ...(props.formatterEntry === undefined ? {} : { formatterEntry: props.formatterEntry }),
      ...(config.mentionOnFailure === undefined ? {} : { mentionOnFailure: config.mentionOnFailure }),
      replyBroadcast: config.replyBroadcast,
      ...(config.runningLongerThan === undefined ? {} : { runningLongerThan: config.runningLongerThan }),
      ...(config.storm === undefined ? {} : { storm: config.storm }),
      ...(config.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn) }),
    });

    const n = this.notifier;
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
    if (n.webhookParameterName !== undefined) {
      new CfnOutput(this, 'WebhookParameterName', { value: n.webhookParameterName });
    }
    // `sfn-slack setup --webhook` encrypts the parameter with this key.
    if (n.webhookParameterKey !== undefined) {
      new CfnOutput(this, 'WebhookParameterKeyArn', { value: n.webhookParameterKey.keyArn });
    }
  }
}
