import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/asl/index.js';
import { LocalPipe, type SqsRecord, type TargetResult } from '../../local/pipe.js';
import { FifoQueue } from '../../local/queue/index.js';

function setup(target: (records: SqsRecord[]) => Promise<TargetResult>, maxReceiveCount = 3) {
  const clock = new VirtualClock(1_764_000_000_000);
  const dlq = new FifoQueue({ name: 'dlq.fifo', clock });
  const queue = new FifoQueue({
    name: 'q.fifo',
    clock,
    region: 'eu-west-1',
    visibilityTimeoutSeconds: 300,
    redrivePolicy: { deadLetterQueue: dlq, maxReceiveCount },
  });
  const lines: string[] = [];
  const pipe = new LocalPipe({ queue, clock, region: 'eu-west-1', target, log: (l) => lines.push(l) });
  return { clock, queue, dlq, pipe, lines };
}

describe('LocalPipe', () => {
  it('hands the target a one-record SQS array shaped like the Pipe’s, and deletes the message on success', async () => {
    // Prepare
    const seen: SqsRecord[][] = [];
    const { queue, pipe } = setup(async (records) => {
      seen.push(records);
      return { status: 'SUCCEEDED', output: {} };
    });
    const sent = queue.sendMessage({
      MessageBody: '{"a":1}',
      MessageGroupId: 'C1',
      MessageDeduplicationId: 'd1',
    });
    // Act
    const outcome = await pipe.pollOnce();
    // Assess
    expect(outcome).toBe('delivered');
    expect(seen).toHaveLength(1);
    const [record] = seen[0] ?? [];
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body: '{"a":1}',
      md5OfBody: sent.MD5OfMessageBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'eu-west-1',
      messageAttributes: {},
      attributes: { MessageGroupId: 'C1', MessageDeduplicationId: 'd1', ApproximateReceiveCount: '1' },
    });
    expect(record?.receiptHandle).toEqual(expect.any(String));
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0 });
    expect(await pipe.pollOnce()).toBe('empty');
  });

  it('leaves a failed message to come back after the visibility timeout, then delivers it', async () => {
    let calls = 0;
    const { clock, queue, pipe } = setup(async () => {
      calls += 1;
      return calls === 1 ? { status: 'FAILED', error: 'Slack.ratelimited' } : { status: 'SUCCEEDED' };
    });
    queue.sendMessage({ MessageBody: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'm' });
    const start = clock.now();
    const stats = await pipe.drain();
    expect(stats).toEqual({ delivered: 1, failed: 1 });
    expect(clock.now() - start).toBe(300_000);
  });

  it('says how long it waits for an in-flight message; with stopOnFailure it returns at the first failure', async () => {
    const { clock, queue, pipe, lines } = setup(async () => ({
      status: 'FAILED',
      error: 'Slack.channel_not_found',
    }));
    queue.sendMessage({ MessageBody: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'm' });
    const start = clock.now();
    expect(await pipe.drain(1000, { stopOnFailure: true })).toEqual({ delivered: 0, failed: 1 });
    expect(clock.now()).toBe(start);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1 });
    expect(lines.at(-1)).toMatch(
      /not delivered \(receive 1\): FAILED Slack\.channel_not_found; stopping here/
    );
    // Without it, the pipe waits out the 300 s visibility timeout and says so.
    await expect(pipe.drain(2)).rejects.toThrow('did not drain within 2 polls');
    expect(lines).toContain('pipe: waiting 5 min for a message to become visible again (at 16:05:00 UTC)');
  });

  it('treats a thrown target and a batchItemFailures answer as failures', async () => {
    let calls = 0;
    const { queue, pipe, lines } = setup(async (records) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      if (calls === 2)
        return {
          status: 'SUCCEEDED',
          output: { batchItemFailures: [{ itemIdentifier: records[0]?.messageId }] },
        };
      return { status: 'SUCCEEDED' };
    });
    queue.sendMessage({ MessageBody: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'm' });
    expect(await pipe.drain()).toEqual({ delivered: 1, failed: 2 });
    expect(lines.join('\n')).toContain('Pipe.TargetInvocationFailed');
  });

  it('sends a message that keeps failing to the DLQ after maxReceiveCount, and the group moves on in order', async () => {
    const delivered: string[] = [];
    const { queue, dlq, pipe } = setup(async ([record]) => {
      if (record?.body === 'poison') return { status: 'FAILED', error: 'Slack.channel_not_found' };
      delivered.push(record?.body ?? '');
      return { status: 'SUCCEEDED' };
    }, 2);
    for (const body of ['first', 'poison', 'after']) {
      queue.sendMessage({ MessageBody: body, MessageGroupId: 'C1', MessageDeduplicationId: body });
    }
    const stats = await pipe.drain();
    expect(stats).toEqual({ delivered: 2, failed: 2 });
    expect(delivered).toEqual(['first', 'after']);
    expect(dlq.peekBodies()).toEqual(['poison']);
  });
});
