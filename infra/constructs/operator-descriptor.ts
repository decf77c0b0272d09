/**
 * OperatorDescriptor: what the operator commands (`setup`, `doctor`, `replay`, `renotify`, `routes`, `mute`,
 * `mutes`) need to find and operate one notifier, written where they can read it whatever the stack is called:
 * one SSM String parameter, `/sfn-slack-notifier/<environmentName>/descriptor` (contract/operator-descriptor.ts).
 *
 * SlackNotifier adds one to itself, so a construct user's stack carries it as the `SfnSlackNotifier-<env>` stacks
 * do; `sfn-slack <command> --notifier-name <environmentName>` (or `--stack <name>`) reads it. It holds names and ARNs
 * only, never a secret's value. The stacks of this repository also keep their outputs (infra/stacks/notifier-stack.ts
 * writes them from `operatorOutputs`, the same map).
 */
import { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ACTIONS_OUTPUTS } from '../../contract/actions.js';
import {
  DESCRIPTOR_SCHEMA,
  type OperatorDescriptor as Descriptor,
  descriptorParameterName,
} from '../../contract/operator-descriptor.js';
import type { OutputName } from '../../contract/outputs.js';
import type { SlackNotifier } from './slack-notifier.js';

/**
 * The resources the commands look up by name (contract/outputs.ts), from a notifier: the stack outputs of
 * `SfnSlackNotifier-<env>` and the descriptor's `outputs` both come from here.
 */
export function operatorOutputs(n: SlackNotifier): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = {
    NotifierStateMachineArn: n.notifierStateMachine.stateMachineArn,
    DeliveryStateMachineArn: n.deliveryStateMachine.stateMachineArn,
    QueueUrl: n.queue.queueUrl,
    QueueArn: n.queue.queueArn,
    DeadLetterQueueUrl: n.deadLetterQueue.queueUrl,
    DeadLetterQueueArn: n.deadLetterQueue.queueArn,
    ConnectionArn: n.connection.connectionArn,
    ConnectionName: n.connection.connectionName,
    FormatterFunctionName: n.formatter.functionName,
    AlarmTopicArn: n.alarmTopic.topicArn,
    ReplayRoleArn: n.replayRole.roleArn,
  };
  if (n.botTokenSecret) outputs.BotTokenSecretArn = n.botTokenSecret.secretArn;
  if (n.slackChannel !== undefined) outputs.SlackChannel = n.slackChannel;
  if (n.webhookParameterName !== undefined) outputs.WebhookParameterName = n.webhookParameterName;
  if (n.webhookParameterKey !== undefined) outputs.WebhookParameterKeyArn = n.webhookParameterKey.keyArn;
  if (n.actions) {
    outputs[ACTIONS_OUTPUTS.interactivityUrl] = n.actions.functionUrl.url;
    outputs[ACTIONS_OUTPUTS.signingSecretArn] = n.actions.signingSecret.secretArn;
    outputs[ACTIONS_OUTPUTS.stateMachineArn] = n.actions.stateMachine.stateMachineArn;
  }
  return outputs;
}

/** The descriptor of one notifier. SlackNotifier creates it as its child `OperatorDescriptor`. */
export class OperatorDescriptor extends Construct {
  /** The descriptor of a notifier (every SlackNotifier has one). */
  public static of(notifier: SlackNotifier): OperatorDescriptor {
    const child = notifier.node.tryFindChild('OperatorDescriptor');
    if (!(child instanceof OperatorDescriptor)) {
      throw new Error(`SlackNotifier ${notifier.node.path} has no OperatorDescriptor`);
    }
    return child;
  }

  /** The SSM parameter holding the descriptor (JSON). */
  public readonly parameter: ssm.StringParameter;
  /** Its name, `/sfn-slack-notifier/<environmentName>/descriptor`: what `--notifier-name <environmentName>` reads. */
  public readonly parameterName: string;

  constructor(scope: SlackNotifier, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    const environment = scope.settings.environment;
    const descriptor: Descriptor = {
      schema: DESCRIPTOR_SCHEMA,
      environment,
      stackName: stack.stackName,
      account: stack.account,
      region: stack.region,
      outputs: operatorOutputs(scope),
      settings: {
        environment,
        routes: scope.settings.routes,
        allowedChannels: scope.settings.allowedChannels,
        readTags: scope.settings.readTags,
        ...(scope.settings.checksRunning === undefined
          ? {}
          : { checksRunning: scope.settings.checksRunning }),
        ...(scope.settings.actions === undefined ? {} : { actions: scope.settings.actions }),
      },
    };
    this.parameterName = descriptorParameterName(environment);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: this.parameterName,
      description: `sfn-slack-notifier (${environment}): what the sfn-slack commands need to find this notifier (names and ARNs, no secrets)`,
      // Its length is known only at deploy (ARNs are tokens here); Intelligent-Tiering keeps it a free standard
      // parameter up to 4 KB and makes it an advanced one (8 KB) only when many routes need the room.
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
      // toJsonString escapes the values, tokens included, as JSON.
      stringValue: stack.toJsonString(descriptor),
    });
  }

  /**
   * Lets a principal read the descriptor: with it, the read-only commands (`routes`, `mutes`, `doctor`,
   * `replay --dry-run`) need nothing else of this notifier but the read calls they make (docs/infra.md).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.parameter.grantRead(grantee);
  }
}
