/**
 * MessageStore: the memory behind "one message per execution" (statemachines/deliver.asl.json).
 *
 * Defines:
 * - a DynamoDB table (on-demand, AWS-managed encryption, point-in-time recovery, TTL on `expiresAt`) keyed by
 *   destination (`pk`) and execution ARN (`sk`) (contract/message-store.ts);
 * - with `runningLongerThanSeconds` (or `digestSchedules`): an EventBridge Scheduler schedule group for the
 *   one-time "still running?" checks (and webhook storm-digest flushes), and the role Scheduler assumes to send
 *   them to the delivery queue.
 *
 * `grantDelivery` writes every permission the delivery machine needs on these resources explicitly: the
 * machine is defined in a file, so nothing is granted automatically.
 */
import { ArnFormat, Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  lifecycleSubstitutions,
  MUTE_PARTITION_PREFIX,
  muteSubstitutions,
  STORE_KEY,
  STORE_TTL_ATTRIBUTE,
} from '../../contract/message-store.js';

export interface MessageStoreProps {
  /** Environment name, part of the schedule group name. */
  readonly environmentName: string;
  /** The delivery queue: runningLongerThan checks are sent to it, in the channel's message group. */
  readonly queue: sqs.IQueue;
  /**
   * Post a "running" message when an execution starts (RUNNING among the notified statuses).
   * @default false
   */
  readonly startNotices?: boolean;
  /**
   * Show a failure's thread reply in the channel too (`reply_broadcast`).
   * @default true
   */
  readonly replyBroadcast?: boolean;
  /**
   * Seconds after the start when a still-running execution's message says so; 0 for no check.
   * @default 0
   */
  readonly runningLongerThanSeconds?: number;
  /** Storm digests past this many new executions of one state machine in a channel; 0: off. @default STORM_THRESHOLD */
  readonly stormThreshold?: number;
  /** @default STORM_WINDOW_SECONDS */
  readonly stormWindowSeconds?: number;
  /**
   * Create the schedule group and the Scheduler role for storm-digest flushes too (webhook mode: a digest there is a
   * new post, queued by a one-time schedule).
   * @default false
   */
  readonly digestSchedules?: boolean;
}

export class MessageStore extends Construct {
  public readonly table: dynamodb.Table;
  /** The group the one-time schedules are created in (with runningLongerThan). */
  public readonly scheduleGroup?: scheduler.ScheduleGroup;
  /** The role EventBridge Scheduler assumes to send a check to the queue (with runningLongerThan). */
  public readonly schedulerRole?: iam.Role;
  /** The delivery definition's substitutions for the store and the lifecycle settings. */
  public readonly substitutions: Readonly<Record<string, string>>;
  private readonly queue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: MessageStoreProps) {
    super(scope, id);
    this.queue = props.queue;
    const runningLongerThanSeconds = props.runningLongerThanSeconds ?? 0;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: STORE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STORE_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: STORE_TTL_ATTRIBUTE,
      // Deleting the stack must not forget what was sent: a redeploy would post every message again.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (runningLongerThanSeconds > 0 || props.digestSchedules === true) {
      this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
        scheduleGroupName: `sfn-slack-notifier-${props.environmentName}`,
      });
      this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
        description:
          'EventBridge Scheduler sends runningLongerThan checks and storm-digest flushes to the delivery queue',
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      });
      this.schedulerRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] })
      );
    }
    this.substitutions = {
      TableName: this.table.tableName,
      QueueArn: props.queue.queueArn,
      ScheduleGroupName: this.scheduleGroup?.scheduleGroupName ?? '',
      SchedulerRoleArn: this.schedulerRole?.roleArn ?? '',
      ...lifecycleSubstitutions({
        startNotices: props.startNotices ?? false,
        replyBroadcast: props.replyBroadcast ?? true,
        runningLongerThanSeconds,
        ...(props.stormThreshold === undefined ? {} : { stormThreshold: props.stormThreshold }),
        ...(props.stormWindowSeconds === undefined ? {} : { stormWindowSeconds: props.stormWindowSeconds }),
      }),
    };
  }

  /** The ARN pattern of the schedules in the group (schedule names are made per execution). */
  schedulesArn(): string | undefined {
    if (!this.scheduleGroup) return undefined;
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The notifier definition's substitutions for the mute count: the table and the count items' keys. */
  get muteSubstitutions(): Record<string, string> {
    return { TableName: this.table.tableName, ...muteSubstitutions() };
  }

  /**
   * The notifier's only access to the store: the atomic mute count and the summary claim (UpdateItem), on the mute
   * partitions only (dynamodb:LeadingKeys), never a channel's message items.
   */
  muteCountStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${MUTE_PARTITION_PREFIX}*`] } },
    });
  }
}
