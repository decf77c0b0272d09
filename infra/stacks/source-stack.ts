/**
 * The source stack of a central environment, `SfnSlackNotifierSource-<env>`: one template for every source
 * account and region (SourceAccess), deployed by a CloudFormation StackSet (docs/infra.md, "Organization").
 *
 * It is synthesized without the CDK bootstrap: no assets, no bootstrap-version rule, no CDK metadata, so the
 * StackSet can deploy it to accounts that were never bootstrapped. It needs CAPABILITY_NAMED_IAM (its roles
 * have the names the central notifier builds ARNs from).
 */
import { BootstraplessSynthesizer, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { mutable, watched } from '../../contract/settings.js';
import type { EnvironmentConfig } from '../config.js';
import { SourceAccess } from '../constructs/source-access.js';

export interface SourceStackProps extends Omit<StackProps, 'env' | 'synthesizer'> {
  /** The validated central environment (it must have `sources`, `account` and `region`). */
  readonly config: EnvironmentConfig;
}

/** The source stack's name for a central environment. */
export function sourceStackName(environmentName: string): string {
  return `SfnSlackNotifierSource-${environmentName}`;
}

export class SourceStack extends Stack {
  public readonly access: SourceAccess;

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
      countMutes: mutable(config),
    });
    new CfnOutput(this, 'ReadRoleArn', { value: this.access.readRole.roleArn });
    new CfnOutput(this, 'ForwardRuleArn', { value: this.access.rule.ruleArn });
    new CfnOutput(this, 'ForwardDeadLetterQueueUrl', { value: this.access.deadLetterQueue.queueUrl });
    if (this.access.actionRole) {
      new CfnOutput(this, 'ActionRoleArn', { value: this.access.actionRole.roleArn });
    }
  }
}
