/**
 * The alarm pieces the notifier (slack-notifier.ts) and the source stack (source-access.ts) share: a queue that
 * holds a message it should not, and the topic alarms go to, created when none is given so that no alarm goes to
 * nobody.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

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
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
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
