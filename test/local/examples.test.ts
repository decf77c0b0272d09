/** The bundled examples as the tests and the bench build runs from them (local/examples.ts). */
import { describe, expect, it } from 'vitest';
import { bundledExample, historiesOf, ranIn, renamed } from '../../local/examples.js';

describe('bundled examples', () => {
  it('ranIn moves every ARN and the envelope to the account and region, under the new name', () => {
    const moved = ranIn(bundledExample('failed'), '777788889999', 'ap-southeast-2', 'run-1');
    const text = JSON.stringify(moved);
    expect(text).not.toContain('123456789012');
    expect(text).not.toContain('eu-west-1');
    expect(moved.event).toMatchObject({ account: '777788889999', region: 'ap-southeast-2' });
    expect(moved.event.detail.executionArn).toBe(
      'arn:aws:states:ap-southeast-2:777788889999:execution:nightly-etl:run-1'
    );
    expect(moved.event.detail.name).toBe('run-1');
  });

  it('historiesOf serves each execution its own pages and refuses any other', async () => {
    const failed = renamed(bundledExample('failed'), 'a');
    const succeeded = renamed(bundledExample('succeeded'), 'b');
    const source = historiesOf([failed, succeeded]);
    const page = await source({ executionArn: succeeded.event.detail.executionArn });
    expect(page.events.at(-1)?.type).toBe('ExecutionSucceeded');
    await expect(source({ executionArn: 'arn:aws:states:eu-west-1:1:execution:x:y' })).rejects.toThrow(
      'no history for arn:aws:states:eu-west-1:1:execution:x:y'
    );
  });
});
