/**
 * The lifecycle fields of a DeliveryMessage (formatters/contract.ts): what the delivery state machine needs to
 * keep one message per execution, edit it in place and say in its thread what changed.
 */
import type { DeliveryMessage, StatusChangeEvent } from '../../../contract/formatter.js';
import { eventTime, orderKey, threadReply } from '../lifecycle.js';
import type { ExecutionSummary } from '../summarize/types.js';

type LifecycleFields = Pick<
  DeliveryMessage,
  'redriveCount' | 'orderKey' | 'eventTime' | 'startedAt' | 'endedAt' | 'reply' | 'stateMachineArn'
>;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

export function lifecycleFields(
  event: StatusChangeEvent,
  summary: ExecutionSummary,
  news: { readonly status: string; readonly redriveCount: number; readonly mention?: string | undefined }
): LifecycleFields {
  const time = eventTime(event);
  const x = summary.execution;
  const startedAt = iso(x.startMs);
  // A run that is running (again) has no end, whatever an earlier attempt's stop date says.
  const endedAt = news.status === 'RUNNING' || news.status === 'PENDING_REDRIVE' ? undefined : iso(x.stopMs);
  const stateMachineArn = event.detail.stateMachineArn ?? x.stateMachineArn;
  return {
    redriveCount: news.redriveCount,
    orderKey: orderKey(news.redriveCount, news.status, time),
    eventTime: time,
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    reply: threadReply({
      status: news.status,
      redriveCount: news.redriveCount,
      ...(summary.failedState ? { failedState: summary.failedState } : {}),
      ...(x.error ? { error: x.error } : {}),
      ...(news.mention ? { mention: news.mention } : {}),
    }),
    ...(typeof stateMachineArn === 'string' ? { stateMachineArn } : {}),
  };
}
