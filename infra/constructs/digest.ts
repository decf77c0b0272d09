/**
 * "Is this normal?" (issue 24), the stack's part:
 * - the formatter reads the watched machines' recent runs for each message's run context: `states:ListExecutions`
 *   on the watched state machines and `states:DescribeExecution` on their executions (GetExecutionHistory is
 *   granted with the history); in a central environment it reads both through the source accounts' read roles
 *   (infra/constructs/source-access.ts grants them there), so its own role gets neither;
 * - each destination's digest sums up the machines whose news the routes send there (the schedule's input carries
 *   the routes, contract/digest.ts digestTakes), in a central environment read in every source account and region;
 * - with `digest` plans, one daily digest per destination: an EventBridge Scheduler recurring schedule (cron at the
 *   destination's time, in its IANA time zone) starts a small Standard state machine (statemachines/digest.asl.json)
 *   whose Lambda step is the formatter's `digest` operation, and which queues the digest on the FIFO queue for the
 *   usual delivery.
 * Least privilege: each role can do exactly its step, on exactly its resources.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  type DigestPlan,
  type DigestRequest,
  type DigestRouting,
  type DigestSources,
  destinationKey,
  digestCron,
  digestRequest,
} from '../../contract/digest.js';
import { routesReadTags } from '../../contract/routes.js';
import { nagResourceName } from '../nag-resource-name.js';
import { REPO_ROOT } from './project-function.js';

const DIGEST_DEFINITION = path.join(REPO_ROOT, 'statemachines', 'digest.asl.json');

export interface DailyDigestProps {
  readonly environmentName: string;
  /** One per destination with a digest (contract/digest.ts digestPlans). @default [] (no digest machine) */
  readonly plans?: readonly DigestPlan[];
  /** The formatter: it reads the runs (run context and digest) and writes the digest. */
  readonly formatter: lambda.IFunction;
  /** The delivery's FIFO queue. */
  readonly queue: sqs.IQueue;
  /** The watched state machines as IAM resources (infra/watched-resources.ts, `stateMachine`). */
  readonly watchedStateMachines: readonly string[];
  /** Their executions as IAM resources (`execution`). */
  readonly watchedExecutions: readonly string[];
  /** The environment can mute (`sfn-slack:mute-until`): the digest says what is muted. @default false */
  readonly mute?: boolean;
  /**
   * The environment's routes, as the notifier matches them: each digest sums up the machines whose news the routes
   * send to its destination (tags, accounts and regions included; contract/digest.ts digestTakes).
   * @default - each digest sums up the machines its plan names by ARN and prefix
   */
  readonly routing?: DigestRouting;
  /**
   * A central environment's sources: the formatter reads every machine with its account's read role, in its region
   * (the source stack grants the reads, infra/constructs/source-access.ts), so its own role gets no Step Functions
   * permission here; the digest looks for prefixed machines in each source account and region.
   * @default - a single-account environment: the formatter's own role reads
   */
  readonly central?: DigestSources & { readonly organizationId?: string };
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

export class DailyDigest extends Construct {
  /** The digest state machine, when some destination has a digest. */
  public readonly stateMachine?: sfn.StateMachine;
  /** One recurring schedule per destination. */
  public readonly schedules: readonly scheduler.CfnSchedule[] = [];

  constructor(scope: Construct, id: string, props: DailyDigestProps) {
    super(scope, id);
    const formatterRole = props.formatter.role;
    if (!formatterRole) throw new Error('DailyDigest: the formatter needs a role');
    const plans = props.plans ?? [];
    // What each destination's schedule sends: the machines that may post there, and how to choose among them.
    const requests = plans.map((plan) =>
      digestRequest(props.environmentName, plan, {
        mute: props.mute === true,
        ...(props.routing ? { routing: props.routing } : {}),
        ...(props.central ? { sources: props.central } : {}),
      })
    );
    const needsList = requests.some((r) => r.stateMachineNamePrefixes.length > 0);
    if (!props.central) {
      // A central environment's formatter reads every machine through the source accounts' read roles, which it may
      // already assume (infra/constructs/notifier-machine.ts); the source stack grants the reads.
      this.grantReads(formatterRole, props, requests.length > 0, needsList);
    }
    if (requests.length === 0) return;
    this.stateMachine = this.digestMachine(props);
    this.schedules = this.schedule(props, plans, requests, this.stateMachine);
  }

  /** The formatter's own reads in a single-account environment: the run context's, and the digest's. */
  private grantReads(role: iam.IRole, props: DailyDigestProps, digest: boolean, listStateMachines: boolean) {
    // The run context of every message (one ListExecutions per machine, the earlier failure's error).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:ListExecutions'],
        resources: [...props.watchedStateMachines],
      })
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [...props.watchedExecutions],
      })
    );
    if (listStateMachines) {
      // Name prefixes are resolved with ListStateMachines, which has no resource-level permission (AWS Service
      // Authorization Reference, Step Functions: no resource type).
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['states:ListStateMachines'], resources: ['*'] })
      );
    }
    if (digest && (props.mute || (props.routing && routesReadTags(props.routing.routes)))) {
      // The mute tag, and the tags a route matches on or is redirected by.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['states:ListTagsForResource'],
          resources: [...props.watchedStateMachines],
        })
      );
    }
    this.acknowledge(role, props, listStateMachines);
  }

  /** The digest state machine: invokes the formatter's digest operation, queues its message. */
  private digestMachine(props: DailyDigestProps): sfn.StateMachine {
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: `sfn-slack-notifier (${props.environmentName}): the daily digest of one destination`,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(DIGEST_DEFINITION, 'utf8')),
      definitionSubstitutions: {
        FormatterFunctionArn: props.formatter.functionArn,
        QueueUrl: props.queue.queueUrl,
      },
      stateMachineType: sfn.StateMachineType.STANDARD,
      // The digest holds no execution data beyond names and errors; its steps are worth seeing.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.formatter.functionArn],
      })
    );
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] })
    );
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Digest state machine role: CloudWatch Logs log delivery and X-Ray actions support only Resource "*".',
    });
    return stateMachine;
  }

  /** One recurring schedule per destination, starting the digest machine with what its plan sums up. */
  private schedule(
    props: DailyDigestProps,
    plans: readonly DigestPlan[],
    requests: readonly DigestRequest[],
    stateMachine: sfn.StateMachine
  ): scheduler.CfnSchedule[] {
    const role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler starts the daily digest state machine',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [stateMachine.stateMachineArn],
      })
    );
    return plans.map((plan, index) => {
      const input = requests[index];
      return new scheduler.CfnSchedule(this, `Schedule${index}`, {
        description: `sfn-slack-notifier (${props.environmentName}): daily digest to ${destinationKey(plan.destination)}`,
        scheduleExpression: digestCron(plan.digest.at),
        scheduleExpressionTimezone: plan.digest.timeZone,
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: stateMachine.stateMachineArn,
          roleArn: role.roleArn,
          input: JSON.stringify(input),
          // A schedule that cannot start the machine tries again for an hour, then gives up (it runs again tomorrow).
          retryPolicy: { maximumEventAgeInSeconds: 3_600, maximumRetryAttempts: 10 },
        },
      });
    });
  }

  /** cdk-nag findings that are intended, on the formatter's role, with the reason. */
  private acknowledge(role: iam.IRole, props: DailyDigestProps, listStateMachines: boolean): void {
    const stack = Stack.of(this);
    for (const resource of props.watchedExecutions) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
        reason:
          'states:DescribeExecution on the executions of one watched state machine (or name prefix): the execution names are not known in advance.',
      });
    }
    for (const resource of props.watchedStateMachines.filter((r) => r.includes('*'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, resource)}]`,
        reason:
          'states:ListExecutions on the state machines of one watched name prefix: the machines are matched by name, not known in advance.',
      });
    }
    if (listStateMachines) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'states:ListStateMachines supports no resource-level permission; the digest resolves the watched name prefixes with it.',
      });
    }
  }
}
