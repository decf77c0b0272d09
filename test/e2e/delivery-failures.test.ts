/**
 * End to end: what happens when Slack misbehaves. The delivery machine (statemachines/deliver.asl.json)
 * retries, falls back to plain text, or fails so the message returns to the queue and finally to the DLQ.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FormatterInput, FormatterOutput } from '../../contract/formatter.js';
import { formatMessage as handler } from '../../formatters/formatter/handler.js';
import { allText, examples, type Harness, harness, historiesOf, settledSlowRequest } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Slack errors', () => {
  it('HTTP 500s: Slack may have taken the post, so it looks in the channel before posting again, and delivers once', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: 'C0ALERTS' });
    h.slack.injectFault({ status: 500, times: 2 });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    // The post fails, the look-up fails then finds nothing, the post goes through.
    expect(h.slack.requests.map((r) => `${r.path} ${r.status}`)).toEqual([
      '/api/chat.postMessage 500',
      '/api/conversations.history 500',
      '/api/conversations.history 200',
      '/api/chat.postMessage 200',
    ]);
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('a timeout (States.Http.Socket) is retried and the message is delivered once', async () => {
    const example = examples.failed();
    // Short, so the suite does not idle through it; long beside a local request (a few ms).
    const httpTimeoutMs = 300;
    h = await harness({ history: historiesOf([example]), httpTimeoutMs });
    h.slack.injectFault({ delayMs: 30_000 });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    expect(h.logs).toContainEqual(expect.stringContaining(`timed out after ${httpTimeoutMs} ms`));
    // Let the slow request finish on the server side before counting.
    await settledSlowRequest(h.slack);
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('Slack unavailable past every retry: the message returns to the queue and is delivered on a later receive', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]) });
    // The post and the look-up with its 3 retries fail the first delivery execution; the next one looks again
    // (the claim is still there), finds nothing and posts.
    h.slack.injectFault({ status: 503, times: 5 });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 1 });
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('invalid_blocks: the plain-text fallback is delivered instead', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]) });
    h.slack.injectFault({ error: 'invalid_blocks', target: 'api' });
    await h.pipeline.run(example.event);
    const messages = h.slack.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.blocks).toBeUndefined();
    expect(messages[0]?.text).toContain('nightly-etl');
    expect(h.pipeline.deliveries.at(-1)?.result.output).toMatchObject({
      outcome: 'delivered',
      fallback: true,
    });
  });

  it('blocks the server really rejects (a section over 3,000 characters) are replaced by the fallback', async () => {
    const example = examples.failed();
    const oversized = async (input: FormatterInput): Promise<FormatterOutput> => {
      const out = await handler(input);
      if (out.kind !== 'message') return out;
      const blocks = [
        ...(out.delivery.payload.blocks ?? []),
        { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
      ];
      return { ...out, delivery: { ...out.delivery, payload: { ...out.delivery.payload, blocks } } };
    };
    h = await harness({ history: historiesOf([example]), formatter: oversized });
    await h.pipeline.run(example.event);
    expect(h.slack.requests.map((r) => r.outcome)).toEqual(['invalid_blocks', 'ok']);
    expect(h.slack.messages()).toHaveLength(1);
    expect(h.slack.messages()[0]?.blocks).toBeUndefined();
  });

  it('channel_not_found: the message goes to the DLQ at once with its reason; after the fix, moving it back delivers it exactly once', async () => {
    // Prepare: the notifier posts to #etl-alerts, which the workspace does not have yet.
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: '#etl-alerts', maxReceiveCount: 3 });
    // Act 1
    const { delivery } = await h.pipeline.run(example.event);
    // Assess 1: one try; the delivery dead-letters the record itself and succeeds, so the group moves on.
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    expect(h.slack.messages()).toEqual([]);
    expect(h.pipeline.deliveries.map((d) => d.result.output)).toEqual([
      {
        outcome: 'dead-lettered',
        error: 'Slack.channel_not_found',
        reason: 'Slack refused the message: channel_not_found',
      },
    ]);
    const [dead] = h.pipeline.deadLetterQueue.receiveMessage(10, 0);
    expect(dead?.MessageAttributes?.reason?.StringValue).toBe('Slack refused the message: channel_not_found');
    const wrapped = JSON.parse(dead?.Body ?? '{}') as { deadLetter: { reason: string }; body: string };
    expect(wrapped.deadLetter.reason).toBe('Slack refused the message: channel_not_found');
    expect(JSON.parse(wrapped.body).executionArn).toBe(example.event.detail.executionArn);
    expect(h.pipeline.queue.counts()).toEqual({ visible: 0, inFlight: 0 });
    // Act 2: the channel is created; the DLQ is moved back.
    h.slack.addChannel({ id: 'C0ETL', name: 'etl-alerts' });
    const redrive = await h.pipeline.redriveDeadLetters();
    // Assess 2: the wrapped dead letter is unwrapped and delivered.
    expect(redrive).toEqual({ moved: 1, delivery: { delivered: 1, failed: 0 } });
    expect(h.slack.messages('etl-alerts')).toHaveLength(1);
    expect(allText(h.slack.messages('etl-alerts')[0] ?? {})).toContain('RefreshAggregates');
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
    // Moving again finds nothing: delivered exactly once.
    expect((await h.pipeline.redriveDeadLetters()).moved).toBe(0);
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('a transient error (internal_error) is not dead-lettered: the message returns to the queue and is delivered', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]) });
    h.slack.injectFault({ error: 'internal_error', target: 'api' });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 1 });
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
    expect(h.slack.messages()).toHaveLength(1);
  });

  it('an unknown Slack error is retried through the queue, then dead-lettered by the redrive policy', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), maxReceiveCount: 2 });
    h.slack.injectFault({ error: 'something_new', target: 'api', times: 10 });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 0, failed: 2 });
    expect(h.pipeline.deadLetterQueue.peekBodies()).toHaveLength(1);
  });
});

describe('poison records fail fast', () => {
  const send = (hh: Harness, body: string, group: string, id: string) =>
    hh.pipeline.queue.sendMessage({ MessageBody: body, MessageGroupId: group, MessageDeduplicationId: id });

  it('bodies that are not delivery messages go to the DLQ at once with the reason, and free their group', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: 'C0ALERTS' });
    const start = h.pipeline.clock.now();
    send(h, 'not json', 'C0ALERTS', 'p-1');
    send(h, '{"payload": 42}', 'C0ALERTS', 'p-2');
    send(h, '[1, 2]', 'C0ALERTS', 'p-3');
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 4, failed: 0 });
    const dead = h.pipeline.deadLetterQueue.receiveMessage(10, 0);
    expect(dead.map((m) => m.MessageAttributes?.error?.StringValue)).toEqual(
      Array(3).fill('Delivery.InvalidBody')
    );
    // The wrapped body keeps the original, byte for byte.
    expect(dead.map((m) => (JSON.parse(m.Body) as { body: string }).body)).toEqual([
      'not json',
      '{"payload": 42}',
      '[1, 2]',
    ]);
    // The good notification behind them went out at once, not after 3 visibility timeouts.
    expect(h.slack.messages()).toHaveLength(1);
    expect((h.slack.messages()[0]?.receivedAt ?? Number.POSITIVE_INFINITY) - start).toBeLessThan(60_000);
  });

  it('a body naming a channel this environment does not post to is dead-lettered, never posted', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: 'C0ALERTS' });
    h.slack.addChannel({ id: 'C0OTHER', name: 'other' });
    await h.pipeline.notify(example.event);
    // Rewrite the queued message's channel, as a sender bypassing the notifier would.
    const [queued] = h.pipeline.queue.receiveMessage(1, 30);
    const body = JSON.parse(queued?.Body ?? '{}') as { payload: { channel: string } };
    body.payload.channel = 'C0OTHER';
    h.pipeline.queue.deleteMessage(queued?.ReceiptHandle ?? '');
    send(h, JSON.stringify(body), 'C0ALERTS', 'forged');
    await h.pipeline.deliver();
    expect(h.slack.messages()).toEqual([]);
    const [dead] = h.pipeline.deadLetterQueue.receiveMessage(1, 0);
    expect(dead?.MessageAttributes?.reason?.StringValue).toBe(
      'the channel C0OTHER is not one this environment posts to'
    );
  });
});

describe('webhook mode (the webhook transport of statemachines/deliver.asl.json)', () => {
  it('reads the URL from the SSM stand-in and posts once through the incoming webhook', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), webhook: true });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    const messages = h.slack.messages('alerts');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.via).toBe('webhook');
    expect(allText(messages[0] ?? {})).toContain('RefreshAggregates');
    // The webhook body carries no channel: the hook decides.
    expect(messages[0]?.body.channel).toBeUndefined();
  });

  it('a 400 invalid_blocks from the webhook posts the plain-text fallback', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), webhook: true });
    h.slack.injectFault({ error: 'invalid_blocks', status: 400, target: 'webhook' });
    await h.pipeline.run(example.event);
    expect(h.slack.requests.map((r) => [r.status, r.outcome])).toEqual([
      [400, 'invalid_blocks'],
      [200, 'ok'],
    ]);
    expect(h.slack.messages()).toHaveLength(1);
    expect(h.slack.messages()[0]?.blocks).toBeUndefined();
  });

  it('refuses to build a webhook pipeline for a channel the workspace does not have', async () => {
    await expect(harness({ history: historiesOf([]), webhook: true, channel: '#nope' })).rejects.toThrow(
      'unknown channel #nope'
    );
  });

  it('a removed channel (404) sends the message to the DLQ at once, with its reason (no retries: they cannot help)', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), webhook: true, maxReceiveCount: 2 });
    h.slack.removeChannel('alerts');
    const { delivery } = await h.pipeline.run(example.event);
    // One delivery execution: it dead-letters the record itself and succeeds, so its group moves on.
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    expect(h.pipeline.deliveries.map((d) => d.result.output)).toEqual([
      expect.objectContaining({ outcome: 'dead-lettered', error: 'States.Http.StatusCode.404' }),
    ]);
    const [dead, ...more] = h.pipeline.deadLetterQueue.peekBodies();
    expect(more).toEqual([]);
    expect(JSON.parse(dead as string).deadLetter.reason).toMatch(/retrying cannot help/);
  });
});
