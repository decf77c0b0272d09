import { describe, expect, it } from 'vitest';
import { eventOnlyMessage } from '../../../formatters/formatter/render/event-only.js';

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';

/** Deterministic pseudo-random JSON values, odd shapes included. */
function* oddValues(seed: number, count: number): Generator<unknown> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const leaf = (): unknown =>
    [null, 0, -1, true, '', '<!channel>', '&'.repeat(Math.floor(next() * 9000)), ARN, [], {}, 'FAILED'][
      Math.floor(next() * 11)
    ];
  for (let i = 0; i < count; i++) {
    const detail: Record<string, unknown> = {};
    for (const key of ['executionArn', 'stateMachineArn', 'name', 'status', 'error', 'cause']) {
      if (next() < 0.7) detail[key] = leaf();
    }
    yield [leaf(), { detail: leaf() }, { detail }][Math.floor(next() * 3)];
  }
}

describe('eventOnlyMessage', () => {
  it('says what ran, how it ended, why the details are missing, with the console link', () => {
    const { text } = eventOnlyMessage(
      {
        detail: {
          executionArn: ARN,
          stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
          status: 'TIMED_OUT',
          error: 'States.Timeout',
        },
      },
      { environment: 'prod', mentionOnFailure: '<!here>' },
      'the formatter failed (TypeError)'
    );
    expect(text.split('\n')).toEqual([
      '<!here> nightly-etl timed out (prod)',
      'Execution: run-42',
      'Error: States.Timeout',
      'Details are missing: the formatter failed (TypeError).',
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`,
    ]);
  });

  it('mentions only failures and escapes every value from the execution', () => {
    const { text } = eventOnlyMessage(
      { detail: { executionArn: ARN, status: 'SUCCEEDED', cause: '<!channel> & <http://x|y>' } },
      { environment: 'prod', mentionOnFailure: '<!here>' },
      'why <b>'
    );
    expect(text).not.toContain('<!here>');
    expect(text).toContain('Cause: &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
    expect(text).toContain('why &lt;b&gt;');
  });

  it('never throws and stays within 4,000 characters whatever the input', () => {
    let checked = 0;
    for (const event of oddValues(7, 500)) {
      const message = eventOnlyMessage(event, { environment: 'e', mentionOnFailure: 3 }, 'w'.repeat(500));
      expect(typeof message.text).toBe('string');
      expect(message.text.length).toBeLessThanOrEqual(4000);
      expect(message.text).toContain('Details are missing');
      checked += 1;
    }
    expect(checked).toBe(500);
    expect(eventOnlyMessage(undefined, undefined as never, 'x').text).toContain('Details are missing: x.');
  });
});
