/**
 * SourceAccess: what one source account and region of a central environment holds (the source stack,
 * infra/stacks/source-stack.ts, deployed everywhere by a StackSet):
 * - a rule on the default bus forwarding the watched status changes to the central bus (cross-account and
 *   cross-region), with the role EventBridge puts them with and a dead-letter queue for what it could not forward;
 * - an alarm on that dead-letter queue, to the given topic or to one the construct creates (no alarm goes to nobody);
 * - the read role the central notifier and formatter assume to read a history (GetExecutionHistory,
 *   DescribeStateMachineForExecution, DescribeMapRun, ListTagsForResource), a run's context and the daily digest
 *   (ListExecutions, DescribeExecution; ListStateMachines only when a digest looks for machines by name prefix), on
 *   the watched state machines of this account and region only, trusted only by those two central roles;
 * - when actions are enabled, the role the central actions machine assumes to act on an execution: redrive, stop,
 *   or set the `sfn-slack:mute-until` tag on its state machine, each only when somebody may do that action.
 *
 * Everything account- and region-specific comes from pseudo parameters, so one template serves every target.
 */
import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ActionsPolicy } from '../../contract/actions.js';
import {
  actInRegionRoleName,
  actionRoleName,
  actionsRoleName,
  centralBusName,
  formatterRoleName,
  notifierRoleName,
  readRoleName,
} from '../../contract/sources.js';
import { nagResourceName } from '../nag-resource-name.js';
import { watchedKeyStatements } from '../watched-keys.js';
import { watchedResources } from '../watched-resources.js';
import { alarmTopicOrCreate, queueNotEmptyAlarm } from './alarms.js';
import { FORWARDED_EVENT } from './central-bus.js';
import { actionStatements } from './slack-actions.js';

export interface SourceAccessProps {
  /** The central environment's name (the roles and the bus are named after it). */
  readonly environmentName: string;
  /** The central environment's account. */
  readonly centralAccount: string;
  /** The central environment's region (where its bus is). */
  readonly centralRegion: string;
  /**
   * The organization the central roles belong to: the trust also requires `aws:PrincipalOrgID`.
   * @default - the trust names the central roles only
   */
  readonly organizationId?: string;
  /**
   * ARNs of watched state machines (those of other accounts and regions match nothing here).
   * @default - none (then `stateMachineNamePrefixes` must name some)
   */
  readonly stateMachineArns?: readonly string[];
  /**
   * Name prefixes of watched state machines, in every source account and region.
   * @default - none (then `stateMachineArns` must name some)
   */
  readonly stateMachineNamePrefixes?: readonly string[];
  /** The statuses forwarded. */
  readonly statuses: readonly string[];
  /**
   * Who may do each Slack action: the act role is created, trusted by the central actions machine's role and the
   * act-in-region function's role only (runs of the central region and of the other regions),
   * with the permissions of the actions somebody may do (infra/constructs/slack-actions.ts actionStatements).
   * @default - no act role (the source accounts grant read access only)
   */
  readonly actions?: ActionsPolicy;
  /**
   * The central environment's daily digest looks for watched machines by name prefix here: the read role may also
   * `states:ListStateMachines`, which IAM grants only on `*` (contract/digest.ts digestsListMachines).
   * @default false (the digest reads the machines it knows by ARN, or there is no digest)
   */
  readonly digestListsMachines?: boolean;
  /**
   * Customer managed KMS keys of the watched machines: the read and act roles may kms:Decrypt them through this
   * region's Step Functions only.
   * @default - none
   */
  readonly kmsKeyArns?: readonly string[];
  /**
   * Topic the forwarding dead-letter queue's alarm notifies.
   * @default - a new topic (subscribe to it: its ARN is `alarmTopic`)
   */
  readonly alarmTopic?: sns.ITopic;
}

export class SourceAccess extends Construct {
  public readonly rule: events.Rule;
  public readonly forwardRole: iam.Role;
  /** Events EventBridge could not forward (after its retries). */
  public readonly deadLetterQueue: sqs.Queue;
  /** Fires when an event waits in the dead-letter queue: a status change never reached the central bus. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The topic the alarm notifies: the one given, or the one created. */
  public readonly alarmTopic: sns.ITopic;
  public readonly readRole: iam.Role;
  public readonly actionRole?: iam.Role;

  constructor(scope: Construct, id: string, props: SourceAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const env = props.environmentName;
    const arns = props.stateMachineArns ?? [];
    const prefixes = props.stateMachineNamePrefixes ?? [];
    if (arns.length === 0 && prefixes.length === 0) {
      throw new Error(
        'SourceAccess: set stateMachineArns and/or stateMachineNamePrefixes to watch something'
      );
    }
    const central = (service: string, resource: string, resourceName: string) =>
      stack.formatArn({
        service,
        region: service === 'iam' ? '' : props.centralRegion,
        account: props.centralAccount,
        resource,
        resourceName,
      });
    const centralBusArn = central('events', 'event-bus', centralBusName(env));

    // Forwarding: the watched machines' status changes, as the central rule will match them.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterAlarm = queueNotEmptyAlarm(
      this,
      'DeadLetterQueueNotEmptyAlarm',
      this.deadLetterQueue,
      `sfn-slack-notifier (${env}): EventBridge could not forward a Step Functions status change to the central bus (bus policy, bus deleted, throttling); the event waits 14 days in the forwarding dead-letter queue. Read its ERROR_CODE and ERROR_MESSAGE attributes, fix the cause, then sfn-slack renotify the execution.`
    );
    this.alarmTopic = alarmTopicOrCreate(this, props.alarmTopic, `sfn-slack-notifier (${env}) source alarms`);
    this.deadLetterAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    this.forwardRole = new iam.Role(this, 'ForwardRole', {
      description: `sfn-slack-notifier (${env}): EventBridge puts status changes on the central bus`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    this.forwardRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [centralBusArn] })
    );
    const machineArn = (prefix: string) =>
      stack.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: prefix,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.rule = new events.Rule(this, 'ForwardRule', {
      description: `sfn-slack-notifier (${env}): watched Step Functions status changes to the central bus`,
      eventPattern: {
        source: [FORWARDED_EVENT.source],
        detailType: [FORWARDED_EVENT.detailType],
        detail: {
          status: [...props.statuses],
          stateMachineArn: [...arns, ...prefixes.map((prefix) => ({ prefix: machineArn(prefix) }))],
        },
      },
    });
    this.rule.addTarget(
      new eventsTargets.EventBus(events.EventBus.fromEventBusArn(this, 'CentralBus', centralBusArn), {
        role: this.forwardRole,
        deadLetterQueue: this.deadLetterQueue,
      })
    );

    // The watched resources of this account and region: executions (history, describe, redrive, stop), map runs
    // and state machines (tags).
    const watched = (resource: 'execution' | 'mapRun' | 'stateMachine') =>
      watchedResources(stack, arns, prefixes, resource);
    const executions = watched('execution');

    // Only the named central roles, from the central account (and the organization, when there is one). The
    // principal is the account with a condition on the role ARN rather than the role itself, so the trust
    // survives the central role being replaced and the StackSet can be deployed before the central stack.
    const trustedBy = (roleNames: readonly string[]) =>
      new iam.PrincipalWithConditions(new iam.AccountPrincipal(props.centralAccount), {
        ArnEquals: { 'aws:PrincipalArn': roleNames.map((name) => central('iam', 'role', name)) },
        ...(props.organizationId === undefined
          ? {}
          : { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } }),
      });

    this.readRole = new iam.Role(this, 'ReadRole', {
      roleName: readRoleName(env, Aws.REGION),
      description: `sfn-slack-notifier (${env}): the central notifier reads watched execution histories here`,
      assumedBy: trustedBy([notifierRoleName(env), formatterRoleName(env)]),
      maxSessionDuration: Duration.hours(1),
    });
    // Each action on the resource type the Service Authorization Reference gives it: the history, the definition and
    // DescribeExecution (the run context's earlier failure, the digest's errors) on executions; DescribeMapRun on map
    // runs; ListTagsForResource and ListExecutions (the run context's and the digest's recent runs) on state machines.
    this.readRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'states:GetExecutionHistory',
          'states:DescribeStateMachineForExecution',
          'states:DescribeExecution',
        ],
        resources: executions,
      })
    );
    this.readRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeMapRun'], resources: watched('mapRun') })
    );
    this.readRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:ListTagsForResource', 'states:ListExecutions'],
        resources: watched('stateMachine'),
      })
    );
    if (props.digestListsMachines === true) {
      // The digest names the machines under a prefix; ListStateMachines has no resource type (only `*`).
      this.readRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['states:ListStateMachines'], resources: ['*'] })
      );
      Validations.of(this.readRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'states:ListStateMachines supports no resource-level permission; the central daily digest looks for the watched name prefixes with it (names only, this account and region).',
      });
    }

    if (props.actions !== undefined) {
      this.actionRole = new iam.Role(this, 'ActionRole', {
        roleName: actionRoleName(env, Aws.REGION),
        description: `sfn-slack-notifier (${env}): the central actions machine redrives, stops or mutes watched executions here`,
        // The actions machine in the central region; the act-in-region function for runs of other regions.
        assumedBy: trustedBy([actionsRoleName(env), actInRegionRoleName(env)]),
        maxSessionDuration: Duration.hours(1),
      });
      for (const statement of actionStatements(props.actions, executions, watched('stateMachine'))) {
        this.actionRole.addToPolicy(statement);
      }
    }
    // Watched machines encrypted with a customer managed key (infra/watched-keys.ts): this region's Step Functions
    // decrypts their history, definition and stop with the caller's permissions.
    for (const statement of watchedKeyStatements(props.kmsKeyArns ?? [], true)) {
      this.readRole.addToPolicy(statement);
      this.actionRole?.addToPolicy(statement);
    }

    this.acknowledgeNagFindings(executions, watched('mapRun'), watched('stateMachine'));
  }

  private acknowledgeNagFindings(
    executions: readonly string[],
    mapRuns: readonly string[],
    machines: readonly string[]
  ): void {
    const stack = Stack.of(this);
    const roles: iam.Role[] = [this.readRole, ...(this.actionRole ? [this.actionRole] : [])];
    const reasons: Array<[readonly string[], string]> = [
      [
        executions,
        'Execution actions on the executions of one watched state machine (or name prefix) of this account and region: execution names are not known in advance.',
      ],
      [mapRuns, 'DescribeMapRun on the map runs of one watched state machine (or name prefix).'],
      [
        machines,
        'ListTagsForResource and ListExecutions (read role), or TagResource of the sfn-slack:mute-until key only (act role), on the watched state machines of one name prefix.',
      ],
    ];
    for (const role of roles) {
      for (const [resources, reason] of reasons) {
        for (const resource of resources) {
          if (!resource.includes('*')) continue;
          Validations.of(role).acknowledge({
            id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
            reason,
          });
        }
      }
    }
    Validations.of(this.deadLetterQueue).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'This queue is the dead-letter queue of the forwarding rule target; it needs no DLQ of its own.',
      },
      {
        id: 'Serverless::Serverless-SQSRedrivePolicy',
        reason:
          'This queue is the dead-letter queue of the forwarding rule target; it needs no redrive policy.',
      }
    );
  }
}
