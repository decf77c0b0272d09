/**
 * One environment's stack, `SfnSlackNotifier-<env>`: the SlackNotifier construct wired from the validated
 * cdk.json configuration, plus the outputs the operator commands look up by name.
 */
import path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { OutputName } from '../../contract/outputs.js';
import type { EnvironmentConfig } from '../../contract/settings.js';
import { CentralBus } from '../constructs/central-bus.js';
import { operatorOutputs } from '../constructs/operator-descriptor.js';
import { type SlackDestination, SlackNotifier } from '../constructs/slack-notifier.js';

export interface NotifierStackProps extends StackProps {
  /** The validated environment configuration (contract/settings.ts parseEnvironment). */
  readonly config: EnvironmentConfig;
}

export { notifierStackName } from '../../contract/outputs.js';

export class NotifierStack extends Stack {
  public readonly notifier: SlackNotifier;
  /** The central event bus (a central environment only). */
  public readonly centralBus?: CentralBus;

  /** Every output name comes from the contract, which the CLI reads them by. */
  private output(name: OutputName, value: string, description?: string): void {
    new CfnOutput(this, name, { value, ...(description === undefined ? {} : { description }) });
  }

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
      routes: config.routes,
      allowedChannels: config.allowedChannels,
      mute: config.mute,
      notifierType: config.notifierType,
      // Paths in cdk.json are relative to it: the directory cdk synth runs in.
      customTemplates: Object.fromEntries(
        Object.entries(config.customTemplates).map(([id, file]) => [id, path.resolve(file)])
      ),
      destination,
      logExecutionData: config.logExecutionData,
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
      ...(config.mentionOnFailure === undefined ? {} : { mentionOnFailure: config.mentionOnFailure }),
      replyBroadcast: config.replyBroadcast,
      ...(config.runningLongerThan === undefined ? {} : { runningLongerThan: config.runningLongerThan }),
      ...(config.storm === undefined ? {} : { storm: config.storm }),
      ...(config.replayPrincipals === undefined ? {} : { replayPrincipals: config.replayPrincipals }),
      ...(config.kmsKeyArns === undefined ? {} : { watchedKmsKeyArns: config.kmsKeyArns }),
      ...(config.digests.length === 0 ? {} : { digests: config.digests }),
      ...(config.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn) }),
      ...(config.actions === undefined
        ? {}
        : {
            actions: {
              policy: config.actions.policy,
              ...(config.actions.teamId === undefined ? {} : { teamId: config.actions.teamId }),
              ...(config.actions.appId === undefined ? {} : { appId: config.actions.appId }),
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

    // The construct validates its props with the same rules and warns about them (sfn-slack:props), once.
    const n = this.notifier;
    if (this.centralBus && sources) {
      this.output('CentralEventBusArn', this.centralBus.eventBus.eventBusArn);
      // Where the source stack's StackSet goes (docs/infra.md): `aws cloudformation create-stack-instances`.
      this.output(
        'SourceStackSetTargets',
        JSON.stringify({
          Accounts: sources.accounts,
          OrganizationalUnitIds: sources.organizationalUnitIds,
          Regions: sources.regions,
        }),
        'Deployment targets and regions of the source stack StackSet'
      );
    }
    // The outputs the commands look a stack up by: the same map as the notifier's descriptor parameter.
    for (const [name, value] of Object.entries(operatorOutputs(n))) this.output(name as OutputName, value);
  }
}
