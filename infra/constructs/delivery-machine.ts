/**
 * The delivery: the EXPRESS state machine (statemachines/deliver.asl.json, one definition for both transports),
 * the delivery function that decides (formatters/delivery/handler.ts), and the EventBridge Pipe that starts one
 * execution per queued message.
 *
 * Least privilege, split by who acts:
 * - the function reads and writes the message store (dynamodb:GetItem/UpdateItem on the table only) and nothing
 *   else: it never sees the bot token or the webhook URL;
 * - the state machine invokes that function, calls Slack through the connection (states:InvokeHTTPEndpoint with
 *   method and endpoint conditions), sends to the dead-letter queue (and, channel mode, queues storm flushes),
 *   creates schedules in the store's group and passes the scheduler role, and (webhook mode) reads the URL
 *   parameter.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DELIVERY_CONFIG_ENV, deliveryConfig } from '../../contract/delivery.js';
import { SLACK_API_METHODS } from '../../contract/message-store.js';
import { connectionStatements, invokeHttpStatements } from '../http-task-permissions.js';
import { nagResourceName } from '../nag-resource-name.js';
import type { MessageStore } from './message-store.js';
import { type FunctionFiles, projectFunction, REPO_ROOT } from './project-function.js';

/** The delivery function: bundled from source in a checkout, from dist/delivery-bundle when installed. */
export const DELIVERY_FILES: FunctionFiles = {
  source: path.join(REPO_ROOT, 'formatters', 'delivery', 'handler.ts'),
  bundle: path.join(REPO_ROOT, 'delivery-bundle'),
} as const;

export const DELIVERY_DEFINITION_FILE = path.join(REPO_ROOT, 'statemachines', 'deliver.asl.json');

/** Incoming webhooks live under this root; the webhook mode's role may call nothing else. */
export const SLACK_WEBHOOK_ENDPOINT = 'https://hooks.slack.com/*';

export interface DeliveryMachineProps {
  readonly environmentName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly connection: events.IConnection;
  readonly store: MessageStore;
  /** Channel mode (bot token) or an incoming webhook whose URL is an SSM SecureString. */
  readonly destination:
    | { readonly type: 'channel'; readonly allowedChannels: readonly string[] }
    | { readonly type: 'webhook'; readonly parameterName: string; readonly parameterKey?: kms.IKey };
  /** Post a "running" message at the start. @default false */
  readonly startNotices?: boolean;
  /** @default true */
  readonly replyBroadcast?: boolean;
  /** @default 0 (no "still running" checks) */
  readonly runningLongerThanSeconds?: number;
  /** The environment's mention for a "still running" check. @default '' */
  readonly mention?: string;
  /** @default - STORM_THRESHOLD / STORM_WINDOW_SECONDS */
  readonly storm?: { readonly threshold: number; readonly windowSeconds: number };
  readonly logRetention: logs.RetentionDays;
  /** Keep execution data in the machine's log group (channel mode). @default false */
  readonly logExecutionData?: boolean;
}

export class DeliveryMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  public readonly pipe: pipes.CfnPipe;
  /** The DefinitionSubstitutions passed to the state machine. */
  public readonly substitutions: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: DeliveryMachineProps) {
    super(scope, id);
    const env = props.environmentName;
    const stack = Stack.of(this);
    const webhook = props.destination.type === 'webhook';
    const store = props.store;

    const functionLogGroup = new logs.LogGroup(this, 'FunctionLogGroup', { retention: props.logRetention });
    const config = deliveryConfig({
      tableName: store.table.tableName,
      transport: webhook ? 'webhook' : 'channel',
      allowedChannels: props.destination.type === 'channel' ? props.destination.allowedChannels : [],
      startNotices: props.startNotices ?? false,
      replyBroadcast: props.replyBroadcast ?? true,
      runningLongerThanSeconds: props.runningLongerThanSeconds ?? 0,
      mention: props.mention ?? '',
      ...(props.storm
        ? { stormThreshold: props.storm.threshold, stormWindowSeconds: props.storm.windowSeconds }
        : {}),
      queueArn: props.queue.queueArn,
      scheduleGroup: store.scheduleGroup?.scheduleGroupName ?? '',
      schedulerRoleArn: store.schedulerRole?.roleArn ?? '',
    });
    this.function = projectFunction(this, 'Function', {
      functionProps: {
        description: `sfn-slack-notifier (${env}): decides each delivery (store, pacing, storms, lifecycle)`,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        // The definition's task timeout (8 s, retried): the store's calls time out after 2 s and are retried.
        timeout: Duration.seconds(8),
        tracing: lambda.Tracing.ACTIVE,
        logGroup: functionLogGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        environment: {
          [DELIVERY_CONFIG_ENV]: stack.toJsonString(config),
          POWERTOOLS_SERVICE_NAME: 'sfn-slack-delivery',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      },
      files: DELIVERY_FILES,
    });
    // The store, and nothing else (no Query, no Scan, no other table).
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [store.table.tableArn],
      })
    );

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/sfn-slack-notifier-${env}-delivery`,
      retention: props.logRetention,
    });
    this.substitutions = {
      DeliveryFunctionArn: this.function.functionArn,
      ConnectionArn: props.connection.connectionArn,
      DeadLetterQueueUrl: props.deadLetterQueue.queueUrl,
      QueueUrl: props.queue.queueUrl,
      // Channel mode never enters the state that reads it.
      WebhookParameterName: props.destination.type === 'webhook' ? props.destination.parameterName : 'unused',
    };
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: `sfn-slack-notifier (${env}): queued message → Slack`,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(DELIVERY_DEFINITION_FILE, 'utf8')),
      definitionSubstitutions: { ...this.substitutions },
      stateMachineType: sfn.StateMachineType.EXPRESS,
      // Webhook mode: the URL is the secret and sits in a variable and the HTTP task's parameters, so no execution
      // data in logs and no traces.
      logs: webhook
        ? { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false }
        : {
            destination: this.logGroup,
            level: sfn.LogLevel.ALL,
            includeExecutionData: props.logExecutionData ?? false,
          },
      tracingEnabled: !webhook,
    });

    // A separate policy: a statement naming the machine's own ARN in its default policy would be a cycle.
    const machine = this.stateMachine.stateMachineArn;
    const http = (method: string, condition: 'StringEquals' | 'StringLike', endpoints: string[]) =>
      new iam.PolicyStatement({
        actions: ['states:InvokeHTTPEndpoint'],
        resources: [machine],
        conditions: (() => {
          const endpoint = { 'states:HTTPEndpoint': endpoints.length === 1 ? endpoints[0] : endpoints };
          return condition === 'StringEquals'
            ? { StringEquals: { 'states:HTTPMethod': method, ...endpoint } }
            : { StringEquals: { 'states:HTTPMethod': method }, StringLike: endpoint };
        })(),
      });
    const statements = webhook
      ? [http('POST', 'StringLike', [SLACK_WEBHOOK_ENDPOINT])]
      : // POST to the exact URLs; the GET look-ups carry query parameters, so StringLike with a trailing `*`.
        invokeHttpStatements(machine, SLACK_API_METHODS);
    statements.push(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
      // Fail fast to the dead-letter queue; channel mode also queues its storm-digest flushes.
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: webhook
          ? [props.deadLetterQueue.queueArn]
          : [props.deadLetterQueue.queueArn, props.queue.queueArn],
      }),
      ...connectionStatements(props.connection)
    );
    const schedules = store.schedulesArn();
    if (schedules && store.schedulerRole) {
      statements.push(
        new iam.PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedules] }),
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [store.schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        })
      );
    }
    if (props.destination.type === 'webhook') {
      statements.push(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [
            stack.formatArn({
              service: 'ssm',
              resource: 'parameter',
              resourceName: props.destination.parameterName.replace(/^\//, ''),
            }),
          ],
        })
      );
      if (props.destination.parameterKey) {
        statements.push(
          new iam.PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [props.destination.parameterKey.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.${stack.urlSuffix}` } },
          })
        );
      }
    }
    const policy = new iam.Policy(this, 'Policy', { statements, roles: [this.stateMachine.role] });

    // Pipe: REQUEST_RESPONSE waits for the Express execution, so a failed delivery returns the message to the
    // queue and, after maxReceiveCount tries, the redrive policy moves it to the dead-letter queue.
    const pipeRole = new iam.Role(this, 'PipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    props.queue.grantConsumeMessages(pipeRole);
    pipeRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StartSyncExecution'], resources: [machine] })
    );
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: `sfn-slack-notifier (${env}): FIFO queue → delivery state machine`,
      roleArn: pipeRole.roleArn,
      source: props.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: machine,
      targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'REQUEST_RESPONSE' } },
    });
    this.pipe.node.addDependency(pipeRole, policy);

    // cdk-nag: the intended findings, each with its reason.
    if (schedules) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, schedules)}]`,
        reason:
          "scheduler:CreateSchedule in the notifier's own schedule group: each runningLongerThan check (and webhook storm flush) is a one-time schedule named after its notification, unknown in advance.",
      });
    }
    const role = this.function.role as iam.Role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Delivery function role: the AWS managed basic execution policy only lets the function write its CloudWatch logs.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Delivery function role: X-Ray PutTraceSegments/PutTelemetryRecords support only Resource "*".',
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'The delivery function is invoked synchronously by the delivery state machine (Retry, then a failed execution: the message returns to the queue); a Lambda DLQ only applies to asynchronous invocations.',
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: webhook
        ? 'Delivery state machine role: CloudWatch Logs log delivery actions support only Resource "*".'
        : 'Delivery state machine role: CloudWatch Logs log delivery and X-Ray actions support only Resource "*".',
    });
    if (webhook) {
      const reason =
        'Webhook mode: the webhook URL is the secret and is a parameter of the HTTP task, so the delivery machine logs only errors without execution data and does not trace (docs/infra.md).';
      Validations.of(this.stateMachine).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-SF1', reason },
        { id: 'AwsSolutions::AwsSolutions-SF2', reason },
        { id: 'Serverless::Serverless-StepFunctionStateMachineXray', reason }
      );
    }
  }
}
