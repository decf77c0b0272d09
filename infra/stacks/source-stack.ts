/**
 * The source stack of a central environment, `SfnSlackNotifierSource-<env>`: one template for every source
 * account and region (SourceAccess), deployed by a CloudFormation StackSet (docs/infra.md, "Organization").
 *
 * It is synthesized without the CDK bootstrap: no assets, no bootstrap-version rule, no CDK metadata, so the
 * StackSet can deploy it to accounts that were never bootstrapped. It needs CAPABILITY_NAMED_IAM (its roles
 * have the names the central notifier builds ARNs from).
 *
 * Its one parameter, `AlarmTopicName`, names an existing SNS topic (same name in every target account and
 * region, e.g. an organization's security notifications topic) for the forwarding dead-letter queue's alarm; left
 * empty, the stack creates a topic, as the central stack does without `alarmTopicArn`.
 */
import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnResource,
  Fn,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { digestsListMachines } from '../../contract/digest.js';
import { type EnvironmentConfig, watched } from '../../contract/settings.js';
import { SourceAccess } from '../constructs/source-access.js';

export interface SourceStackProps extends Omit<StackProps, 'env' | 'synthesizer'> {
  /** The validated central environment (it must have `sources`, `account` and `region`). */
  readonly config: EnvironmentConfig;
}

/** The source stack's name for a central environment. */
export function sourceStackName(environmentName: string): string {
  return `SfnSlackNotifierSource-${environmentName}`;
}

/** The source stack's parameter naming an existing alarm topic. */
export const ALARM_TOPIC_PARAMETER = 'AlarmTopicName';

export class SourceStack extends Stack {
  public readonly access: SourceAccess;
  /** The ARN the forwarding dead-letter queue's alarm notifies: the named topic's, or the created one's. */
  public readonly alarmTopicArn: string;

  constructor(scope: Construct, id: string, props: SourceStackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
    const { config } = props;
    if (!config.sources || config.account === undefined || config.region === undefined) {
      throw new Error(`SourceStack: environment ${config.name} is not a central environment (no sources)`);
    }
    this.access = new SourceAccess(this, 'Source', {
      environmentName: config.name,
      centralAccount: config.account,
      centralRegion: config.region,
      ...(config.sources.organizationId === undefined
        ? {}
        : { organizationId: config.sources.organizationId }),
      // The union of the environment's routes (contract/settings.ts watched).
      ...watched(config),
      ...(config.actions === undefined ? {} : { actions: config.actions.policy }),
      ...(config.kmsKeyArns === undefined ? {} : { kmsKeyArns: config.kmsKeyArns }),
      digestListsMachines: digestsListMachines(config.name, config.digests, {
        routes: config.routes,
        allowedChannels: config.allowedChannels,
      }),
    });
    this.alarmTopicArn = this.alarmTopicFromParameter();
    new CfnOutput(this, 'ReadRoleArn', { value: this.access.readRole.roleArn });
    new CfnOutput(this, 'ForwardRuleArn', { value: this.access.rule.ruleArn });
    new CfnOutput(this, 'ForwardDeadLetterQueueUrl', { value: this.access.deadLetterQueue.queueUrl });
    if (this.access.actionRole) {
      new CfnOutput(this, 'ActionRoleArn', { value: this.access.actionRole.roleArn });
    }
  }

  /**
   * A StackSet deploys one template everywhere, so the topic is a name, made an ARN in each account and region.
   * The created topic (and its TLS-only policy) exist only when no name is given; the alarm notifies one or the other.
   */
  private alarmTopicFromParameter(): string {
    const name = new CfnParameter(this, ALARM_TOPIC_PARAMETER, {
      type: 'String',
      default: '',
      allowedPattern: '^[A-Za-z0-9_-]{0,256}$',
      constraintDescription: 'an SNS topic name (letters, digits, - and _), or empty to create a topic',
      description:
        'Existing SNS topic (its name, in every target account and region) for the forwarding dead-letter queue alarm; empty: the stack creates one (output AlarmTopicArn)',
    });
    const create = new CfnCondition(this, 'CreateAlarmTopic', {
      expression: Fn.conditionEquals(name.valueAsString, ''),
    });
    const created = this.access.alarmTopic;
    for (const child of created.node.findAll()) {
      if (child instanceof CfnResource) child.cfnOptions.condition = create;
    }
    const given = `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:${name.valueAsString}`;
    const arn = Fn.conditionIf(create.logicalId, created.topicArn, given).toString();
    const alarm = this.access.deadLetterAlarm.node.defaultChild as cloudwatch.CfnAlarm;
    alarm.alarmActions = [arn];
    // Only the created topic needs subscribing to; a named one is the user's own.
    new CfnOutput(this, 'AlarmTopicArn', { value: created.topicArn, condition: create });
    return arn;
  }
}
