/**
 * End to end: what happens when Slack misbehaves. The delivery machine (statemachines/deliver.asl.json)
 * retries, falls back to plain text, or fails so the message returns to the queue and finally to the DLQ.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FormatterInput, FormatterOutput } from '../../contract/formatter.js';
import { handler } from '../../formatters/handler.js';
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
    h = await harness({ history: historiesOf([example]), httpTimeoutMs: 1000 });
    h.slack.injectFault({ delayMs: 30_000 });
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    expect(h.logs.some((l) => /timed out after 1000 ms/.test(l))).toBe(true);
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

  it('channel_not_found: the message lands in the DLQ; after the fix, moving it back delivers it exactly once', async () => {
    // Prepare: the notifier posts to #etl-alerts, which the workspace does not have yet.
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel: '#etl-alerts', maxReceiveCount: 3 });
    // Act 1
    const { delivery } = await h.pipeline.run(example.event);
    // Assess 1: three failed receives, then the DLQ.
    expect(delivery).toEqual({ delivered: 0, failed: 3 });
    expect(h.slack.messages()).toEqual([]);
    expect(h.pipeline.deliveries.map((d) => d.result.error)).toEqual(
      Array(3).fill('Slack.channel_not_found')
    );
    expect(h.pipeline.deadLetterQueue.peekBodies()).toHaveLength(1);
    expect(h.pipeline.queue.counts()).toEqual({ visible: 0, inFlight: 0 });
    // Act 2: the channel is created; the DLQ is moved back.
    h.slack.addChannel({ id: 'C0ETL', name: 'etl-alerts' });
    const redrive = await h.pipeline.redriveDeadLetters();
    // Assess 2
    expect(redrive).toEqual({ moved: 1, delivery: { delivered: 1, failed: 0 } });
    expect(h.slack.messages('etl-alerts')).toHaveLength(1);
    expect(allText(h.slack.messages('etl-alerts')[0] ?? {})).toContain('RefreshAggregates');
    expect(h.pipeline.deadLetterQueue.peekBodies()).toEqual([]);
    // Moving again finds nothing: delivered exactly once.
    expect((await h.pipeline.redriveDeadLetters()).moved).toBe(0);
    expect(h.slack.messages()).toHaveLength(1);
  });
});

describe('webhook mode (statemachines/deliver-webhook.asl.json)', () => {
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

  it('a removed channel (404) sends the message to the DLQ', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), webhook: true, maxReceiveCount: 2 });
    h.slack.removeChannel('alerts');
    const { delivery } = await h.pipeline.run(example.event);
    expect(delivery).toEqual({ delivered: 0, failed: 2 });
    expect(h.pipeline.deliveries.map((d) => d.result.error)).toEqual(
      Array(2).fill('States.Http.StatusCode.404')
    );
    expect(h.pipeline.deadLetterQueue.peekBodies()).toHaveLength(1);
  });
});
