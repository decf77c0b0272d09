/**
 * Settings reach the definitions as JSON strings (contract/definition-values.ts, as deployed): quotes,
 * backslashes and apostrophes arrive unchanged; values no substitution can carry are refused before anything runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError, LocalPipeline } from '../../local/pipeline.js';
import { allText, examples, type Harness, harness, historiesOf } from './helpers.js';

/** `${`, which would start a definition placeholder. */
const placeholderStart = '$\u007b';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('settings with JSON and JSONata special characters', () => {
  it('a channel and environment with " \\ and \' (and a mention) run end to end and arrive unchanged', async () => {
    // Prepare: a channel whose name needs escaping (the local server accepts any name it knows).
    const channel = 'ops "eu" \\ it\'s';
    const environment = 'prod "blue" \\ it\'s';
    // A mention cannot carry such characters: the formatter prints only one matching contract/settings.ts MENTION
    // (test/formatters/mention.test.ts), so this one is a plain user-group mention.
    const mention = '<!subteam^S0123>';
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), channel, environment, mentionOnFailure: mention });
    h.slack.addChannel({ id: 'C0ODDNAME', name: channel });
    // Act
    const { notifier, delivery } = await h.pipeline.run(example.event);
    // Assess: the notifier passed the settings through; Slack got the message in that channel.
    expect(notifier.status).toBe('SUCCEEDED');
    expect(delivery).toEqual({ delivered: 1, failed: 0 });
    const [message] = h.slack.messages('C0ODDNAME');
    expect(message).toBeDefined();
    const body = message?.body as { channel?: unknown };
    expect(body.channel).toBe(channel);
    const text = allText(message ?? {});
    expect(text).toContain(environment);
    expect(text).toContain(mention);
  });

  it.each([
    ['environment', { environment: "{% 'evaluated' %}" }, /Settings\.environment .* is a JSONata expression/],
    [
      'channel',
      { channel: `#a${placeholderStart}b}` },
      /Settings\.routes\[0\]\.destination\.channel .* contains "\$\{"/,
    ],
    [
      'mention',
      { mentionOnFailure: `${placeholderStart}Environment}` },
      /Settings\.routes\[0\]\.mention .* contains "\$\{"/,
    ],
  ])('refuses a %s no substitution can carry, before anything runs', async (_what, settings, pattern) => {
    const example = examples.failed();
    const error = await LocalPipeline.create({
      history: historiesOf([example]),
      formatter: async () => {
        throw new Error('the formatter must not run');
      },
      ...settings,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect((error as Error).message).toMatch(pattern);
  });
});
