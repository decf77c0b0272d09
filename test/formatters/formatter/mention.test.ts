/**
 * The formatter prints a failure mention only when it is one cdk.json may set (contract/settings.ts MENTION):
 * a forged `mentionOnFailure` in its input (a link, plain text, a mention with more after it) is dropped from the
 * message, its plain-text fallback, the event-only message and the lifecycle fields the delivery's banner reads.
 */
import { describe, expect, it } from 'vitest';
import type { NotifierSettings } from '../../../contract/formatter.js';
import { createHandler } from '../../../formatters/formatter/handler.js';
import { eventOnlyMessage } from '../../../formatters/formatter/render/event-only.js';
import { safeMention } from '../../../formatters/formatter/render/mention.js';
import { createLogger } from '../../../formatters/shared/logger.js';
import { loadFixture } from '../helpers/fixtures.js';

const channel: NotifierSettings = { environment: 'prod', destination: { type: 'channel', channel: 'C0123' } };
const FORGED = ['<https://evil.example|x>', '@here', '<@U0ABC> <!everyone>', '<@u0abc>', ''];
const EVENT = {
  detail: {
    executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42',
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
    status: 'FAILED',
  },
};

describe('safeMention', () => {
  it.each(['<@U0ABC>', '<!subteam^S0ABC>', '<!here>'])('keeps %s', (mention) => {
    expect(safeMention(mention)).toBe(mention);
  });
  it.each([...FORGED, 42, null])('drops %s', (value) => {
    expect(safeMention(value)).toBeUndefined();
  });
});

describe('a forged mentionOnFailure reaches no message', () => {
  it.each(FORGED.filter(Boolean))(
    '%s: not in the formatted message, its fallback or its fields',
    async (mention) => {
      const { page, event } = loadFixture('lambda-failure');
      const logger = createLogger();
      const out = await createHandler({ logger })({
        event,
        settings: { ...channel, mentionOnFailure: mention },
        pages: [page],
      });
      const text = JSON.stringify(out);
      expect(text).not.toContain('evil.example');
      expect(text).not.toContain('@here');
      expect(text).not.toContain('everyone');
      expect(text).not.toContain('U0ABC');
    }
  );

  it.each(FORGED.filter(Boolean))('%s: not in the event-only message', (mention) => {
    const { text } = eventOnlyMessage(EVENT, { environment: 'prod', mentionOnFailure: mention }, 'test');
    expect(text.startsWith('nightly-etl failed (prod)')).toBe(true);
  });

  it('a valid mention still leads the failure message', async () => {
    const { page, event } = loadFixture('lambda-failure');
    const out = await createHandler({ logger: createLogger() })({
      event,
      settings: { ...channel, mentionOnFailure: '<!subteam^S0ABC>' },
      pages: [page],
    });
    expect(JSON.stringify(out)).toContain('<!subteam^S0ABC>');
    const { text } = eventOnlyMessage(EVENT, { environment: 'prod', mentionOnFailure: '<@U0ABC>' }, 'test');
    expect(text.startsWith('<@U0ABC> nightly-etl failed (prod)')).toBe(true);
  });
});
