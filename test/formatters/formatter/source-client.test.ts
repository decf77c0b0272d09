/**
 * formatters/formatter/source-client.ts: in a central environment the formatter reads a history itself in the execution's
 * account and region, with that account's read role; in a single-account environment it keeps its own client.
 */
import { describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../../contract/formatter.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../../contract/sources.js';
import { sourceAccess, sourceSfnClient } from '../../../formatters/formatter/source-client.js';

const event = (envelope: Partial<StatusChangeEvent>, arn: string): StatusChangeEvent => ({
  ...envelope,
  detail: { executionArn: arn, status: 'FAILED' },
});
const ARN = 'arn:aws:states:us-east-1:111122223333:execution:etl:run-1';

describe('sourceAccess', () => {
  it("is the read role of the event's account and region, in the execution's partition", () => {
    expect(sourceAccess(event({ account: '111122223333', region: 'us-east-1' }, ARN), 'org')).toEqual({
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::111122223333:role/sfn-slack-org-read-us-east-1',
    });
  });

  it('takes the account from the envelope EventBridge sets, not from the ARN a sender chose', () => {
    expect(sourceAccess(event({ account: '777788889999', region: 'us-east-1' }, ARN), 'org').roleArn).toBe(
      'arn:aws:iam::777788889999:role/sfn-slack-org-read-us-east-1'
    );
  });

  it.each([
    [{ region: 'us-east-1' }, 'no source account'],
    [{ account: '111122223333' }, 'no source region'],
    [{ account: '111122223333', region: 'us-east-1"' }, 'no source region'],
  ])('refuses an event without a usable envelope (%j)', (envelope, message) => {
    expect(() => sourceAccess(event(envelope, ARN), 'org')).toThrow(message);
  });
});

describe('sourceSfnClient', () => {
  it('is undefined in a single-account environment (the formatter reads with its own role)', async () => {
    expect(
      await sourceSfnClient(event({ account: '111122223333', region: 'us-east-1' }, ARN), {})
    ).toBeUndefined();
  });

  it("in a central environment, is a client for the execution's region, one per role", async () => {
    const env = { [CENTRAL_ENVIRONMENT_ENV]: 'org' };
    const first = await sourceSfnClient(event({ account: '111122223333', region: 'us-east-1' }, ARN), env);
    const again = await sourceSfnClient(event({ account: '111122223333', region: 'us-east-1' }, ARN), env);
    const other = await sourceSfnClient(event({ account: '111122223333', region: 'eu-west-1' }, ARN), env);
    expect(await first?.config.region()).toBe('us-east-1');
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(await other?.config.region()).toBe('eu-west-1');
  });
});
