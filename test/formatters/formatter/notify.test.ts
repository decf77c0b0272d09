/**
 * formatters/formatter/notify.ts and formatters/formatter/tags.ts, the pure parts of the notifier's decision: tags in either member
 * casing, the cross-account refusal, the queue batch bound (10 entries, 200 KiB of bodies), and mute decisions
 * when no store is there to count in.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '../../../contract/formatter.js';
import { QUEUE_BATCH_BUDGET_BYTES, QUEUE_BATCH_MAX } from '../../../contract/formatter.js';
import {
  createNotifyHandler,
  foreignExecution,
  machineOf,
  queueEntries,
} from '../../../formatters/formatter/notify.js';
import { tagMap } from '../../../formatters/formatter/tags.js';
import { createLogger } from '../../../formatters/shared/logger.js';
import { historyUnavailableInput } from '../../fixtures/formatter-input.js';

describe('tagMap', () => {
  it('reads the SDK’s camelCase and the aws-sdk integration’s PascalCase alike', () => {
    const want = { team: 'data', 'sfn-slack:channel': '#data' };
    expect(
      tagMap({
        tags: [
          { key: 'team', value: 'data' },
          { key: 'sfn-slack:channel', value: '#data' },
        ],
      })
    ).toEqual(want);
    expect(
      tagMap({
        Tags: [
          { Key: 'team', Value: 'data' },
          { Key: 'sfn-slack:channel', Value: '#data' },
        ],
      })
    ).toEqual(want);
    expect(tagMap({ tags: [{ key: 'a' }, { value: 'b' }, null] })).toEqual({});
    expect(tagMap(undefined)).toEqual({});
  });
});

describe('the event', () => {
  const arn = 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-1';
  it('names its machine by stateMachineArn, else by the execution ARN', () => {
    expect(machineOf({ detail: { executionArn: arn, status: 'FAILED' } })).toBe(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:etl'
    );
    expect(machineOf({ detail: { executionArn: 'x', status: 'FAILED' } })).toBe('');
  });

  it('is foreign when its account is not the execution ARN’s (an event without an account is not)', () => {
    expect(
      foreignExecution({ account: '111122223333', detail: { executionArn: arn, status: 'FAILED' } })
    ).toBe(false);
    expect(
      foreignExecution({ account: '444455556666', detail: { executionArn: arn, status: 'FAILED' } })
    ).toBe(true);
    expect(foreignExecution({ detail: { executionArn: arn, status: 'FAILED' } })).toBe(false);
  });
});

describe('queueEntries', () => {
  const message = (text: string, blocks?: unknown[]): DeliveryMessage => ({
    payload: { text, ...(blocks ? { blocks: blocks as never } : {}), unfurl_links: false },
    fallback: { text },
    executionArn: 'a',
    status: 'FAILED',
    deduplicationId: 'd',
  });

  it('one entry per destination, in its group, with the deduplication id', () => {
    const entries = queueEntries([
      { group: '#a', message: message('x') },
      { group: 'webhook', message: message('y') },
    ]);
    expect(entries.map((e) => [e.Id, e.MessageGroupId, e.MessageDeduplicationId])).toEqual([
      ['m0', '#a', 'd'],
      ['m1', 'webhook', 'd'],
    ]);
  });

  it('keeps the bodies within the budget: the largest go as their plain text', () => {
    const big = [{ type: 'section', text: { type: 'mrkdwn', text: 'b'.repeat(3000) } }];
    const messages = Array.from({ length: 10 }, (_, i) => ({
      group: `#c${i}`,
      message: message(
        `text ${i}`,
        Array.from({ length: 10 }, () => big[0])
      ),
    }));
    const entries = queueEntries(messages);
    const bytes = entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0);
    expect(bytes).toBeLessThanOrEqual(QUEUE_BATCH_BUDGET_BYTES);
    const bodies = entries.map((e) => JSON.parse(e.MessageBody) as DeliveryMessage);
    expect(bodies.some((b) => b.payload.blocks === undefined)).toBe(true);
    expect(bodies.every((b) => b.payload.text.startsWith('text '))).toBe(true);
  });

  it(`sends at most ${QUEUE_BATCH_MAX} entries (SendMessageBatch's limit)`, () => {
    const messages = Array.from({ length: 12 }, (_, i) => ({ group: `#c${i}`, message: message('x') }));
    expect(queueEntries(messages, createLogger())).toHaveLength(QUEUE_BATCH_MAX);
  });
});

describe('createNotifyHandler', () => {
  it('refuses a foreign event before reading anything', async () => {
    const input = historyUnavailableInput();
    const decide = createNotifyHandler({
      format: async () => {
        throw new Error('must not format');
      },
      sfnClient: async () => {
        throw new Error('must not read');
      },
      logger: createLogger(),
    });
    const foreign = {
      ...input,
      event: { ...input.event, account: '999999999999' },
    } as unknown as Parameters<typeof decide>[0];
    await expect(decide(foreign)).resolves.toEqual({
      action: 'none',
      reason: "refused: the event's account is not the execution's",
    });
  });

  it('a formatter that fails makes the decision fail (the notifier then sends its event-only fallback)', async () => {
    const decide = createNotifyHandler({
      format: async () => {
        throw new TypeError('boom');
      },
      sfnClient: async () => {
        throw new Error('no reads');
      },
      logger: createLogger(),
    });
    await expect(
      decide(historyUnavailableInput() as unknown as Parameters<typeof decide>[0])
    ).rejects.toThrow('boom');
  });
});
