/**
 * EventBridge Scheduler one-time schedules the delivery asks the definition to create (the Schedule state):
 * a "still running" check for a start (`runningLongerThan`), and a webhook storm's flush. Pure.
 */
import { createHash } from 'node:crypto';
import type { DeliveryMessage } from '../../contract/formatter.js';
import { WEBHOOK_STORM_FLUSH_SECONDS } from '../../contract/message-store.js';
import type { Run } from './run.js';

/** `at(…)` in UTC, whole seconds. */
const at = (ms: number): string => `at(${new Date(ms).toISOString().slice(0, 19)})`;

function schedule(
  run: Run,
  name: string,
  dueMs: number,
  input: Record<string, unknown>
): Record<string, unknown> {
  return {
    Name: name,
    GroupName: run.config.scheduleGroup,
    ScheduleExpression: at(dueMs),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: run.config.queueArn,
      RoleArn: run.config.schedulerRoleArn,
      Input: JSON.stringify(input),
      SqsParameters: { MessageGroupId: run.record.attributes?.MessageGroupId ?? 'checks' },
      RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
    },
  };
}

/**
 * The check, due `runningLongerThan` after the start (at least a minute from now). Named after the channel and
 * the id: every destination of one notification shares the id, and each needs its own check.
 */
export function checkSchedule(run: Run, channel: string, message: DeliveryMessage): Record<string, unknown> {
  const started = message.startedAt ? Date.parse(message.startedAt) : Number.NaN;
  const start = Number.isFinite(started) ? started : run.now();
  const due = Math.max(start + run.config.runningLongerThanSeconds * 1000, run.now() + 60_000);
  const name = `sfn-slack-${createHash('sha256').update(`${channel} ${message.deduplicationId}`).digest('hex').slice(0, 48)}`;
  return schedule(run, name, due, {
    check: 'runningLongerThan',
    channel,
    executionArn: message.executionArn,
    orderKey: message.orderKey ?? '',
    checkId: `${message.deduplicationId}-running-longer`,
    ...(typeof message.runningMention === 'string' ? { mention: message.runningMention } : {}),
  });
}

/** Webhook mode: the storm digest's next post, WEBHOOK_STORM_FLUSH_SECONDS from now. */
export function flushSchedule(run: Run, digest: string): Record<string, unknown> {
  const id = run.record.messageId.replace(/[^0-9A-Za-z._-]/g, '').slice(0, 47);
  return schedule(run, `sfn-slack-flush-${id}`, run.now() + WEBHOOK_STORM_FLUSH_SECONDS * 1000, {
    check: 'stormFlush',
    digest,
    checkId: `flush-${run.record.messageId}`,
  });
}
