/**
 * The delivery's two operations, as the definition calls them: `decide` (a queued record → the first action)
 * and `record` (Slack's answer, or the caught error, to the request the last decision asked for → the next
 * action). Routes each to its transport's flow.
 */
import type { DeliveryConfig } from '../../contract/delivery.js';
import { admit, type QueueRecord } from './admit.js';
import { decideChannel, recordChannel, scheduleRefused } from './channel.js';
import type { Decision, DeliveryContext } from './decision.js';
import { decideFlush, recordFlush } from './flush.js';
import { deadLetter, type Run } from './run.js';
import type { DeliveryStore } from './store.js';
import { decideWebhook, decideWebhookFlush, recordWebhook, recordWebhookFlush } from './webhook.js';

export interface DeliveryInput {
  readonly operation: 'decide' | 'record';
  /** The SQS record the Pipe started the execution with. */
  readonly record: QueueRecord;
  /** The delivery execution's start (ISO 8601): the Slack time budget counts from it. */
  readonly startedAt: string;
  /** The delivery execution (for the log line). */
  readonly executionArn?: string;
  /** record: what the last decision handed over. */
  readonly context?: DeliveryContext;
  /** record: the HTTP Task's `{status, body}`, or the error it failed with (`{Error, Cause}`). */
  readonly answer?: unknown;
}

export interface DeliveryDeps {
  readonly config: DeliveryConfig;
  readonly store: DeliveryStore;
  readonly now: () => number;
  readonly random: () => number;
}

export async function deliver(
  input: DeliveryInput,
  deps: DeliveryDeps
): Promise<{ decision: Decision; watched: string }> {
  const webhook = deps.config.transport === 'webhook';
  const { body, admitted } = admit(input.record, webhook ? undefined : deps.config.allowedChannels);
  const started = Date.parse(input.startedAt);
  const run: Run = {
    config: deps.config,
    store: deps.store,
    now: deps.now,
    random: deps.random,
    record: input.record,
    body,
    startedAt: Number.isFinite(started) ? started : deps.now(),
  };
  const watched =
    admitted.kind === 'news'
      ? admitted.message.executionArn
      : admitted.kind === 'check'
        ? admitted.executionArn
        : '';
  if (admitted.kind === 'refused')
    return { decision: deadLetter(run, admitted.reason, admitted.error), watched };
  const context = input.context;
  if (input.operation === 'record' && context) {
    if (admitted.kind === 'flush') {
      return {
        decision: await (webhook ? recordWebhookFlush : recordFlush)(run, admitted, context, input.answer),
        watched,
      };
    }
    if (webhook && admitted.kind === 'news')
      return { decision: await recordWebhook(run, admitted, context, input.answer), watched };
    if (context.phase === 'schedule') {
      const error = (input.answer as { Error?: unknown } | undefined)?.Error;
      return { decision: scheduleRefused(typeof error === 'string' ? error : 'unknown'), watched };
    }
    return {
      decision: await recordChannel(
        run,
        admitted as Exclude<typeof admitted, { kind: 'flush' }>,
        context,
        input.answer
      ),
      watched,
    };
  }
  if (admitted.kind === 'flush')
    return { decision: await (webhook ? decideWebhookFlush : decideFlush)(run, admitted), watched };
  if (webhook) {
    if (admitted.kind !== 'news') {
      return {
        decision: deadLetter(
          run,
          'a "still running" check cannot be delivered through a webhook',
          'Delivery.InvalidBody'
        ),
        watched,
      };
    }
    return { decision: await decideWebhook(run, admitted), watched };
  }
  return { decision: await decideChannel(run, admitted), watched };
}
