/**
 * The notifier's alarms (pieces in alarms.ts, thresholds in contract/alarms.ts), each description saying what to
 * do: dead-letter queues not empty, a stalled queue (age of its oldest message), notifier and delivery executions
 * failed or timed out. To the given topic, or to one created so that no alarm goes to nobody.
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  ALARM_NAMES,
  DEFAULT_STALLED_QUEUE_AGE_SECONDS,
  DELIVERY_FAILURES_THRESHOLD,
} from '../../contract/alarms.js';
import {
  alarmTopicOrCreate,
  executionsFailedAlarm,
  queueNotEmptyAlarm,
  queueStalledAlarm,
} from './alarms.js';
import type { NotifierQueues } from './notifier-queues.js';

export interface NotifierAlarms {
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The topic the alarms notify: the one given, or the one created. */
  readonly topic: sns.ITopic;
}

export function notifierAlarms(
  scope: Construct,
  options: {
    readonly environmentName: string;
    readonly queues: NotifierQueues;
    readonly notifier: sfn.IStateMachine;
    readonly delivery: sfn.IStateMachine;
    /** @default Duration.seconds(DEFAULT_STALLED_QUEUE_AGE_SECONDS) (contract/alarms.ts) */
    readonly stalledQueueAge?: Duration;
    /** @default - a new topic */
    readonly topic?: sns.ITopic;
  }
): NotifierAlarms {
  const env = options.environmentName;
  const { queue, deadLetterQueue, eventDeadLetterQueue } = options.queues;
  const stalledAge = options.stalledQueueAge ?? Duration.seconds(DEFAULT_STALLED_QUEUE_AGE_SECONDS);
  const alarms = [
    queueNotEmptyAlarm(
      scope,
      ALARM_NAMES.deadLetterQueueNotEmpty,
      deadLetterQueue,
      `sfn-slack-notifier (${env}): a Slack message could not be delivered and waits in the dead-letter queue (its reason is the message attribute "reason"). Read the delivery log group: invalid_auth/token_revoked -> run sfn-slack setup again; channel_not_found/not_in_channel/is_archived -> fix the channel or invite the bot. Then sfn-slack replay --env ${env} (as the replay role).`
    ),
    queueNotEmptyAlarm(
      scope,
      ALARM_NAMES.eventDeadLetterQueueNotEmpty,
      eventDeadLetterQueue,
      `sfn-slack-notifier (${env}): EventBridge could not start the notifier for a status change; the event waits in the event dead-letter queue (14 days). Check the notifier state machine (deleted, its role, throttling), then sfn-slack renotify posts for an execution again.`
    ),
    executionsFailedAlarm(scope, ALARM_NAMES.notifierFailed, options.notifier, {
      label: 'notifier executions failed or timed out',
      description: `sfn-slack-notifier (${env}): a notifier execution failed or timed out, so a notification was not queued (even the message built from the event alone could not be). Open the failed execution, fix the cause (usually the queue: its policy, its key), then sfn-slack replay --env ${env} --notifier (within 14 days).`,
    }),
    queueStalledAlarm(
      scope,
      ALARM_NAMES.queueStalled,
      queue,
      stalledAge,
      `sfn-slack-notifier (${env}): the oldest message in the delivery queue is older than ${stalledAge.toHumanString()}: a channel is stalled (Slack down or rate-limiting, a message retrying and holding its channel). Read the delivery log group for the failing call; sfn-slack replay --env ${env} --dry-run lists what already reached the dead-letter queue.`
    ),
    executionsFailedAlarm(scope, ALARM_NAMES.deliveryFailed, options.delivery, {
      label: 'delivery executions failed or timed out',
      threshold: DELIVERY_FAILURES_THRESHOLD,
      description: `sfn-slack-notifier (${env}): a delivery execution failed or timed out after its own retries, so a message went back to the queue and its channel waits (Slack down or rate-limiting, the message store throttled or unreachable). Read the delivery log group (/aws/vendedlogs/states/sfn-slack-notifier-${env}-delivery) for the error; the message is retried, then dead-lettered (DeadLetterQueueNotEmptyAlarm). Check https://status.slack.com and the message store table's throttling metrics.`,
    }),
  ];
  const topic = alarmTopicOrCreate(scope, options.topic, `sfn-slack-notifier (${env}) alarms`);
  const action = new cloudwatchActions.SnsAction(topic);
  for (const alarm of alarms) alarm.addAlarmAction(action);
  return { alarms, topic };
}
