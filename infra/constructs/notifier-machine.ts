/**
 * NotifierMachine: the notifier state machine (statemachines/notifier.asl.json) of one environment, and every
 * permission it and the formatter Lambda it calls need, scoped to the watched resources:
 * - the machine (STANDARD by default, or EXPRESS with `notifierType: 'express'`): FetchHistory → Format →
 *   Decide → Enqueue, the mute hold and the event-only fallback; its log group;
 * - the notifier role: states:GetExecutionHistory on the watched executions (FetchHistory; a central environment
 *   instead assumes the source read roles), lambda:InvokeFunction on the formatter, sqs:SendMessage on the queue
 *   (SendMessageBatch and the fallback's SendMessage);
 * - the formatter role: states:GetExecutionHistory and states:DescribeStateMachineForExecution on the watched
 *   executions, states:ListTagsForResource on the watched state machines (when tags are read), dynamodb:UpdateItem
 *   on the store's `mute#` partitions only (when a mute can be held), and in a central environment sts:AssumeRole
 *   on the source read roles instead of the Step Functions reads.
 *
 * The definition is data; the settings and the fallback table (contract/fallback.ts) are written into it as JSON
 * values at synth (contract/definition-values.ts), resource names as DefinitionSubstitutions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { fillJsonValues } from '../../contract/definition-values.js';
import { fallbackSettings } from '../../contract/fallback.js';
import { MESSAGE_STORE_TABLE_ENV, substitutionsUsedBy } from '../../contract/message-store.js';
import type { DeployedSettings } from '../../contract/routes.js';
import type { NotifierType } from '../../contract/settings.js';
import { withSourceCredentials } from '../../contract/source-credentials.js';
import {
  CENTRAL_ENVIRONMENT_ENV,
  formatterRoleName,
  notifierRoleName,
  readRoleName,
} from '../../contract/sources.js';
import { assumeSourceRoles, sourceRoleArns } from '../assume-source-roles.js';
import { nagResourceName } from '../nag-resource-name.js';
import type { MessageStore } from './message-store.js';
import { REPO_ROOT } from './project-function.js';

/** The notifier definition file (data only; `${Placeholders}` are filled here). */
export const NOTIFIER_DEFINITION_FILE = path.join(REPO_ROOT, 'statemachines', 'notifier.asl.json');

/** Standard (the default: redrive, a console view of each run, mute holds) or Express (high volume). */
export type { NotifierType } from '../../contract/settings.js';

/** An Express execution runs for 5 minutes at most: its definition's timeout. */
export const EXPRESS_TIMEOUT_SECONDS = 300;

/** The central environment's sources, as the notifier reads them. */
export interface NotifierSources {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** @default - only `accounts` */
  readonly organizationId?: string;
}

export interface NotifierMachineProps {
  /** The environment's name (validated by SlackNotifier). */
  readonly environmentName: string;
  /** The settings written into the Format state (contract/routes.ts). */
  readonly settings: DeployedSettings;
  readonly formatter: lambda.Function;
  readonly queue: sqs.IQueue;
  /** The message store: the formatter counts mutes on its `mute#` partitions. */
  readonly messageStore: MessageStore;
  /** GetExecutionHistory / DescribeStateMachineForExecution resources: the watched executions. */
  readonly watchedExecutions: readonly string[];
  /** The listed watched state machine ARNs and name prefixes (tags live on the state machine). */
  readonly watchedArns: readonly string[];
  readonly watchedPrefixes: readonly string[];
  /** @default 'standard' */
  readonly notifierType?: NotifierType;
  readonly logRetention: logs.RetentionDays;
  /** Keep the watched executions' data in the log group. */
  readonly logExecutionData: boolean;
  /** A central environment: read with the source accounts' read roles. @default - single account */
  readonly central?: NotifierSources;
}

/**
 * The notifier state machine with its grants. Its resources are created in the given scope (the SlackNotifier)
 * under the ids they always had (`NotifierLogGroup`, `NotifierStateMachine`), not in a construct of their own: a
 * new path would change their logical IDs, and CloudFormation would replace the named log group and (central)
 * the named roles, which fails while the old ones still hold the names.
 */
export class NotifierMachine {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  public readonly notifierType: NotifierType;
  /** The definition's substitutions: resource names only. */
  public readonly substitutions: Readonly<Record<string, string>>;
  /** The watched state machines whose tags the formatter reads (when it reads tags), as IAM resources. */
  public readonly watchedStateMachines: readonly string[] = [];

  private readonly scope: Construct;

  constructor(scope: Construct, props: NotifierMachineProps) {
    this.scope = scope;
    const stack = Stack.of(scope);
    const env = props.environmentName;
    const settings = props.settings;
    const central = props.central;
    this.notifierType = props.notifierType ?? 'standard';
    const express = this.notifierType === 'express';

    this.logGroup = new logs.LogGroup(scope, 'NotifierLogGroup', {
      logGroupName: `/aws/vendedlogs/states/sfn-slack-notifier-${env}-notifier`,
      retention: props.logRetention,
    });
    let definition: string;
    try {
      definition = fillJsonValues(readFileSync(NOTIFIER_DEFINITION_FILE, 'utf8'), {
        Settings: settings,
        Fallback: fallbackSettings(settings),
      });
    } catch (error) {
      throw new Error(`SlackNotifier: ${(error as Error).message}`);
    }
    if (express) {
      // An Express execution lasts 5 minutes at most; the worst path without a mute fits (docs/infra.md).
      const machine = JSON.parse(definition) as { TimeoutSeconds?: number };
      machine.TimeoutSeconds = EXPRESS_TIMEOUT_SECONDS;
      definition = JSON.stringify(machine, null, 2);
    }
    this.substitutions = substitutionsUsedBy(definition, {
      FormatterFunctionArn: props.formatter.functionArn,
      QueueUrl: props.queue.queueUrl,
    });
    this.stateMachine = new sfn.StateMachine(scope, 'NotifierStateMachine', {
      comment: `sfn-slack-notifier (${env}): history → formatter (routes, mute, messages) → FIFO queue`,
      // A central environment's FetchHistory reads with the execution account's read role (task Credentials).
      definitionBody: sfn.DefinitionBody.fromString(
        central ? withSourceCredentials(definition, env) : definition
      ),
      definitionSubstitutions: { ...this.substitutions },
      stateMachineType: express ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
      // Every state's event (an Express run has no other history to debug with), but the watched execution's
      // data only when asked for (logExecutionData).
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        includeExecutionData: props.logExecutionData,
      },
      tracingEnabled: true,
    });

    // The notifier: invoke the formatter, queue (SendMessageBatch and the fallback's SendMessage are both
    // sqs:SendMessage), and read the first history page (single account) with its own role.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.formatter.functionArn],
      })
    );
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] })
    );
    const formatter = props.formatter;
    if (central) {
      this.readFromSources(env, central, formatter);
    } else {
      this.stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:GetExecutionHistory'],
          resources: [...props.watchedExecutions],
        })
      );
      // The rest of the history and the definition, read by the formatter.
      formatter.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:GetExecutionHistory', 'states:DescribeStateMachineForExecution'],
          resources: [...props.watchedExecutions],
        })
      );
      if (settings.readTags) {
        this.watchedStateMachines = [
          ...props.watchedArns,
          ...props.watchedPrefixes.map((prefix) =>
            stack.formatArn({
              service: 'states',
              resource: 'stateMachine',
              resourceName: `${prefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            })
          ),
        ];
        formatter.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:ListTagsForResource'],
            resources: [...this.watchedStateMachines],
          })
        );
      }
    }
    if (settings.readTags && settings.holdsMutes !== false) {
      // A muted machine's held notifications are counted in the store (atomic ADD), on `mute#` partitions only.
      formatter.addToRolePolicy(props.messageStore.muteCountStatement());
      formatter.addEnvironment(MESSAGE_STORE_TABLE_ENV, props.messageStore.table.tableName);
    }
    this.acknowledgeNagFindings(central ? [] : props.watchedExecutions, formatter);
  }

  /**
   * A central environment: the notifier and the formatter may assume the read roles of the source accounts and
   * regions only (and the source roles trust exactly these two role names); the formatter learns the environment
   * name from its environment variables (formatters/formatter/source-client.ts).
   */
  private readFromSources(env: string, central: NotifierSources, formatter: lambda.Function): void {
    const stack = Stack.of(this.scope);
    if (
      central.regions.length === 0 ||
      (central.accounts.length === 0 && central.organizationId === undefined)
    ) {
      throw new Error('SlackNotifier: central needs regions, and accounts and/or organizationId');
    }
    (this.stateMachine.role.node.defaultChild as iam.CfnRole).roleName = notifierRoleName(env);
    (formatter.role?.node.defaultChild as iam.CfnRole).roleName = formatterRoleName(env);
    // Listed accounts by ARN; with an organization any account's role of that name, held to the organization's
    // accounts by aws:ResourceOrgID (infra/assume-source-roles.ts; each role's trust decides too).
    const roleName = (region: string) => readRoleName(env, region);
    const readRoles = central.organizationId ? sourceRoleArns(stack, '*', central.regions, roleName) : [];
    for (const statement of assumeSourceRoles(stack, central, central.regions, roleName)) {
      this.stateMachine.addToRolePolicy(statement);
      formatter.addToRolePolicy(statement);
    }
    formatter.addEnvironment(CENTRAL_ENVIRONMENT_ENV, env);
    if (central.organizationId) {
      for (const role of [this.stateMachine.role, formatter.role as iam.IRole]) {
        for (const resource of readRoles) {
          Validations.of(role).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
            reason:
              'sts:AssumeRole on the notifier read role of one region in any account of the source organization (aws:ResourceOrgID): the member accounts are not known at synth; each role trusts only this role.',
          });
        }
      }
    }
  }

  /** cdk-nag findings that are intended, each on the one role it concerns and with the reason. */
  private acknowledgeNagFindings(watchedExecutions: readonly string[], formatter: lambda.Function): void {
    const stack = Stack.of(this.scope);
    const formatterRole = formatter.role as iam.IRole;
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Notifier state machine role: CloudWatch Logs log delivery (logs:CreateLogDelivery, ...) and X-Ray actions support only Resource "*".',
    });
    // GetExecutionHistory takes an execution ARN: watching a state machine means all of its executions.
    for (const resource of watchedExecutions) {
      for (const role of [formatterRole, this.stateMachine.role]) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
          reason:
            'states:GetExecutionHistory (and, for the formatter, DescribeStateMachineForExecution) on the executions of one watched state machine (or name prefix): the execution names are not known in advance.',
        });
      }
    }
    // Tags are on the state machine: a name prefix is a wildcard on its state machines.
    for (const resource of this.watchedStateMachines.filter(
      (arn) => arn.endsWith('*') || Token.isUnresolved(arn)
    )) {
      Validations.of(formatterRole).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
        reason:
          'states:ListTagsForResource on the state machines of one watched name prefix: their names are not known in advance.',
      });
    }
  }
}
