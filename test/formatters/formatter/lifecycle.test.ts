/** The lifecycle fields a DeliveryMessage carries for the delivery's message store. */
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../../formatters/formatter/handler.js';
import { eventTime, orderKey, threadReply } from '../../../formatters/formatter/lifecycle.js';
import { loadFixture } from '../helpers/fixtures.js';

const quietLogger = { appendKeys: () => {}, info: () => {}, warn: () => {} } as never;

describe('orderKey', () => {
  it('orders by redrive count, then status rank, then event time, as text', () => {
    const keys = [
      orderKey(1, 'RUNNING', '2026-01-01T00:00:00.000Z'),
      orderKey(0, 'FAILED', '2026-01-02T00:00:00.000Z'),
      orderKey(0, 'RUNNING', '2026-01-03T00:00:00.000Z'),
      orderKey(10, 'RUNNING', '2026-01-01T00:00:00.000Z'),
      orderKey(0, 'FAILED', '2026-01-01T00:00:00.000Z'),
    ];
    expect([...keys].sort()).toEqual([keys[2], keys[4], keys[1], keys[0], keys[3]]);
    expect(orderKey(3, 'SUCCEEDED', 'T')).toBe('000003#3#T');
  });

  it('takes the event time, else the stop, redrive or start date', () => {
    expect(eventTime({ time: '2026-11-24T02:16:55Z', detail: { executionArn: 'a', status: 'FAILED' } })).toBe(
      '2026-11-24T02:16:55.000Z'
    );
    expect(eventTime({ detail: { executionArn: 'a', status: 'FAILED', stopDate: 1795486615575 } })).toBe(
      new Date(1795486615575).toISOString()
    );
  });
});

describe('threadReply', () => {
  it('says what changed; a failure carries the mention and is marked for the channel', () => {
    expect(
      threadReply({
        status: 'FAILED',
        redriveCount: 0,
        failedState: 'Load',
        error: 'States.TaskFailed',
        mention: '<!here>',
      })
    ).toEqual({
      text: ':x: Failed in *Load* with `States.TaskFailed` <!here>',
      failure: true,
    });
    expect(threadReply({ status: 'RUNNING', redriveCount: 2, mention: '<!here>' })).toEqual({
      text: ':repeat: Redriven (redrive 2)',
      failure: false,
    });
    expect(threadReply({ status: 'SUCCEEDED', redriveCount: 1 }).text).toBe(
      ':white_check_mark: Succeeded after redrive 1'
    );
    expect(threadReply({ status: 'RUNNING', redriveCount: 0 }).text).toBe(':arrow_forward: Started');
  });

  it('escapes execution values and cannot break out of its bold or code span', () => {
    const { text } = threadReply({
      status: 'FAILED',
      redriveCount: 0,
      failedState: '<!channel>*x*',
      error: 'E`<@U1>`',
    });
    expect(text).toBe(":x: Failed in *&lt;!channel&gt;'x'* with `E'&lt;@U1&gt;'`");
  });
});

describe('the handler fills them in', () => {
  it('a failure: order key, times, the thread reply; a start has no end', async () => {
    const handler = createHandler({ logger: quietLogger });
    const { page, event } = loadFixture('lambda-failure');
    const failed = await handler({
      event,
      pages: [page],
      settings: {
        environment: 'prod',
        destination: { type: 'channel', channel: 'C1' },
        mentionOnFailure: '<!here>',
      },
    });
    if (failed.kind !== 'message') throw new Error('expected a message');
    expect(failed.delivery.orderKey).toMatch(/^000000#3#\d{4}-/);
    expect(failed.delivery.endedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(failed.delivery.reply).toMatchObject({
      failure: true,
      text: expect.stringMatching(/^:x: Failed in \*.+<!here>$/),
    });
    const running = { ...event, detail: { ...event.detail, status: 'RUNNING', stopDate: null } };
    const started = await handler({
      event: running,
      pages: [page],
      settings: { environment: 'prod', destination: { type: 'channel', channel: 'C1' } },
    });
    if (started.kind !== 'message') throw new Error('expected a message');
    expect(started.delivery.endedAt).toBeUndefined();
    expect(started.delivery.orderKey?.slice(0, 9)).toBe('000000#1#');
    expect(started.delivery.reply).toEqual({ text: ':arrow_forward: Started', failure: false });
  });
});
