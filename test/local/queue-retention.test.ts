import { describe, expect, it } from 'vitest';
import { QUEUE_DEFAULTS } from '../../contract/queue.js';
import { VirtualClock } from '../../local/asl/index.js';
import { FifoQueue } from '../../local/queue/index.js';

const DAY = 86_400_000;

function queues(clock: VirtualClock) {
  const dlq = new FifoQueue({
    name: 'r-dlq.fifo',
    clock,
    retentionSeconds: QUEUE_DEFAULTS.deadLetterRetentionSeconds,
  });
  const queue = new FifoQueue({
    name: 'r.fifo',
    clock,
    retentionSeconds: QUEUE_DEFAULTS.retentionSeconds,
    visibilityTimeoutSeconds: 60,
    redrivePolicy: { deadLetterQueue: dlq, maxReceiveCount: 1 },
  });
  return { queue, dlq };
}

describe('queue retention', () => {
  it('a message older than the retention period vanishes, in flight or not, and its lifetime says when', async () => {
    const clock = new VirtualClock(0);
    const { queue } = queues(clock);
    queue.sendMessage({ MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' });
    await clock.sleep(DAY);
    queue.sendMessage({ MessageBody: 'b', MessageGroupId: 'h', MessageDeduplicationId: 'b' });
    expect(queue.receiveMessage(1)).toHaveLength(1);
    await clock.sleep(3 * DAY);
    expect(queue.peekBodies()).toEqual(['b']);
    expect(queue.lifetimes()).toEqual([{ sentAt: 0, goneAt: 4 * DAY }, { sentAt: DAY }]);
  });

  it('a FIFO dead-letter queue counts its 14 days from the move, not the first send', async () => {
    const clock = new VirtualClock(0);
    const { queue, dlq } = queues(clock);
    queue.sendMessage({ MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'a' });
    queue.receiveMessage(1);
    await clock.sleep(2 * DAY);
    // The second receive moves it (maxReceiveCount 1).
    expect(queue.receiveMessage(1)).toEqual([]);
    expect(dlq.peekBodies()).toEqual(['a']);
    await clock.sleep(14 * DAY - 1);
    expect(dlq.peekBodies()).toEqual(['a']);
    await clock.sleep(1);
    expect(dlq.peekBodies()).toEqual([]);
    expect(dlq.startMessageMoveTask(queue)).toBe(0);
  });
});
