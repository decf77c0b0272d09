/**
 * The alarms' thresholds, in one dependency-free place: the CDK construct (infra/constructs/alarms.ts,
 * slack-notifier.ts) sets them, and a local run or the bench can tell when an alarm would fire with the same
 * figures. Every alarm looks at one 5-minute period, so someone is told within about 5 minutes of the cause.
 */

/** Every alarm's period and its single evaluation period. */
export const ALARM_PERIOD_SECONDS = 300;

/**
 * The stalled-queue alarm fires when the oldest message in the delivery queue is older than this (prop
 * `stalledQueueAge`): news waiting longer than 5 minutes is a stalled channel, not pacing (one post a second per
 * channel drains a 300-message burst in 5 minutes).
 */
export const DEFAULT_STALLED_QUEUE_AGE_SECONDS = 300;

/**
 * Failed or timed-out delivery executions in one period that fire the delivery alarm. One is enough: a delivery
 * fails only after its own retries (Slack 429/5xx, the store) are spent, and each failure holds its channel for
 * the queue's visibility timeout.
 */
export const DELIVERY_FAILURES_THRESHOLD = 1;

/**
 * The alarms' names (their construct IDs in the notifier stack, infra/constructs/slack-notifier.ts): the stack names
 * them, and a local run (local/alarms.ts) reports by the same names which of them would fire.
 */
export const ALARM_NAMES = {
  deadLetterQueueNotEmpty: 'DeadLetterQueueNotEmptyAlarm',
  eventDeadLetterQueueNotEmpty: 'EventDeadLetterQueueNotEmptyAlarm',
  notifierFailed: 'NotifierFailedAlarm',
  queueStalled: 'QueueStalledAlarm',
  deliveryFailed: 'DeliveryFailedAlarm',
} as const;
export type AlarmName = (typeof ALARM_NAMES)[keyof typeof ALARM_NAMES];
