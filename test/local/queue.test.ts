import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FifoQueue, QueueError } from '../../local/queue/index.js';

function setup(maxReceiveCount = 3) {
  const clock = { t: 1_764_000_000_000, now: () => clock.t };
  const dlq = new FifoQueue({ name: 'notify-dlq.fifo', clock });
  const queue = new FifoQueue({
    name: 'notify.fifo',
    clock,
    visibilityTimeoutSeconds: 30,
    redrivePolicy: { deadLetterQueue: dlq, maxReceiveCount },
  });
  const send = (body: string, group = 'g1', dedup = body) =>
    queue.sendMessage({ MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup });
  return { clock, queue, dlq, send };
}

describe('FifoQueue', () => {
  it('keeps order within a group and holds the group while one message is in flight', () => {
    const { queue, send } = setup();
    send('a1');
    send('a2');
    send('b1', 'g2');
    const [first] = queue.receiveMessage();
    expect(first?.Body).toBe('a1');
    // g1 is blocked by a1 in flight: the next receive skips to g2.
    expect(queue.receiveMessage().map((m) => m.Body)).toEqual(['b1']);
    expect(queue.receiveMessage()).toEqual([]);
    queue.deleteMessage(first?.ReceiptHandle ?? '');
    expect(queue.receiveMessage().map((m) => m.Body)).toEqual(['a2']);
  });

  it('returns several messages of one group in order in one batch, never mixing groups', () => {
    const { queue, send } = setup();
    send('a1');
    send('a2');
    send('b1', 'g2');
    expect(queue.receiveMessage(10).map((m) => m.Body)).toEqual(['a1', 'a2']);
  });

  it('drops a duplicate sent within 5 minutes, even after the first was deleted, and answers with its ids', () => {
    const { clock, queue, send } = setup();
    const first = send('x', 'g1', 'dedup-1');
    const [m] = queue.receiveMessage();
    queue.deleteMessage(m?.ReceiptHandle ?? '');
    clock.t += 4 * 60_000;
    const again = send('x', 'g1', 'dedup-1');
    expect(again).toEqual(first);
    expect(queue.receiveMessage()).toEqual([]);
    clock.t += 60_000 + 1;
    const later = send('x', 'g1', 'dedup-1');
    expect(later.MessageId).not.toBe(first.MessageId);
    expect(queue.receiveMessage().map((x) => x.Body)).toEqual(['x']);
  });

  it('requires a group id and a deduplication id unless content-based deduplication is on', () => {
    const { queue } = setup();
    expect(() => queue.sendMessage({ MessageBody: 'x', MessageGroupId: '' })).toThrow(QueueError);
    expect(() => queue.sendMessage({ MessageBody: 'x', MessageGroupId: 'g' })).toThrow(
      /ContentBasedDeduplication/
    );
    const cbd = new FifoQueue({ name: 'cbd.fifo', contentBasedDeduplication: true });
    const a = cbd.sendMessage({ MessageBody: 'same', MessageGroupId: 'g' });
    expect(cbd.sendMessage({ MessageBody: 'same', MessageGroupId: 'g' })).toEqual(a);
    expect(a.MD5OfMessageBody).toBe(createHash('md5').update('same').digest('hex'));
  });

  it('makes an undeleted message visible again after the visibility timeout, counting receives', () => {
    const { clock, queue, send } = setup();
    send('x');
    const [r1] = queue.receiveMessage();
    expect(r1?.Attributes.ApproximateReceiveCount).toBe('1');
    clock.t += 29_999;
    expect(queue.receiveMessage()).toEqual([]);
    expect(queue.nextVisibleAt()).toBe(clock.t + 1);
    clock.t += 1;
    const [r2] = queue.receiveMessage();
    expect(r2?.Attributes.ApproximateReceiveCount).toBe('2');
    expect(r2?.MessageId).toBe(r1?.MessageId);
    expect(() => queue.deleteMessage(r1?.ReceiptHandle ?? '')).toThrow(/receipt handle/);
    queue.changeMessageVisibility(r2?.ReceiptHandle ?? '', 0);
    expect(queue.receiveMessage()[0]?.Attributes.ApproximateReceiveCount).toBe('3');
  });

  it('moves a message received maxReceiveCount times to the DLQ at its next receive, and lets the group go on', () => {
    const { clock, queue, dlq, send } = setup(2);
    const sent = send('poison');
    send('next');
    for (let i = 0; i < 2; i += 1) {
      expect(queue.receiveMessage().map((m) => m.Body)).toEqual(['poison']);
      clock.t += 30_000;
    }
    expect(queue.receiveMessage().map((m) => m.Body)).toEqual(['next']);
    const [dead] = dlq.receiveMessage();
    expect(dead?.Body).toBe('poison');
    expect(dead?.Attributes.DeadLetterQueueSourceArn).toBe(queue.arn);
    // FIFO DLQ: the deduplication ID becomes the original message ID.
    expect(dead?.Attributes.MessageDeduplicationId).toBe(sent.MessageId);
    expect(dead?.Attributes.MessageGroupId).toBe('g1');
  });

  it('moves DLQ messages back to their source queue, in order, with a fresh receive count', () => {
    const { clock, queue, dlq, send } = setup(1);
    send('p1');
    send('p2');
    for (const _ of [1, 2]) {
      queue.receiveMessage();
      clock.t += 30_000;
    }
    queue.receiveMessage();
    expect(dlq.peekBodies()).toEqual(['p1', 'p2']);
    expect(dlq.startMessageMoveTask()).toBe(2);
    expect(dlq.peekBodies()).toEqual([]);
    const [back] = queue.receiveMessage();
    expect(back?.Body).toBe('p1');
    expect(back?.Attributes.ApproximateReceiveCount).toBe('1');
  });

  it('refuses to move messages out of a queue that is nobody’s DLQ', () => {
    const { queue, send } = setup();
    send('x');
    expect(() => queue.startMessageMoveTask()).toThrow(/not a dead-letter queue/);
  });
});
