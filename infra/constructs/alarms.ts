/**
 * The alarm pieces the notifier (slack-notifier.ts) and the source stack (source-access.ts) share: a queue that
 * holds a message it should not, a state machine whose executions fail, and the topic alarms go to, created when
 * none is given so that no alarm goes to nobody. Thresholds: contract/alarms.ts.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ALARM_PERIOD_SECONDS } from '../../contract/alarms.js';

const PERIOD = Duration.seconds(ALARM_PERIOD_SECONDS);

/** Fires when `queue` (a dead-letter queue) shows one message in a 5-minute period. */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/**
 * Fires when `machine` has at least `threshold` executions failed or timed out (`ExecutionsFailed +
 * ExecutionsTimedOut`, Standard and Express alike) in one 5-minute period.
 */
export function executionsFailedAlarm(
  scope: Construct,
  id: string,
  machine: sfn.IStateMachine,
  options: { readonly label: string; readonly description: string; readonly threshold?: number }
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: options.description,
    metric: new cloudwatch.MathExpression({
      expression: 'failed + timedOut',
      usingMetrics: {
        failed: machine.metricFailed({ statistic: cloudwatch.Stats.SUM }),
        timedOut: machine.metricTimedOut({ statistic: cloudwatch.Stats.SUM }),
      },
      label: options.label,
      period: PERIOD,
    }),
    threshold: options.threshold ?? 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Fires when the oldest message in `queue` is older than `maxAge` (its maximum in one 5-minute period). */
export function queueStalledAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  maxAge: Duration,
  description: string
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateAgeOfOldestMessage({
      period: PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: maxAge.toSeconds(),
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** The given topic, or a TLS-only topic `AlarmTopic` created in `scope` (subscribe to it). */
export function alarmTopicOrCreate(
  scope: Construct,
  given: sns.ITopic | undefined,
  displayName: string
): sns.ITopic {
  if (given) return given;
  const topic = new sns.Topic(scope, 'AlarmTopic', { displayName, enforceSSL: true });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key aws/sns; the alarm messages name alarms and resources only, never execution data or secrets.',
  });
  return topic;
}
