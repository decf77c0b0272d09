import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkTimestamp,
  signSlackRequest,
  verifySlackSignature,
} from '../../../formatters/actions/signature.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const now = 1_531_420_618;
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&payload=%7B%7D';

describe('Slack v0 signatures', () => {
  it('signs v0:<timestamp>:<raw body> with HMAC-SHA256 of the signing secret', () => {
    const expected = createHmac('sha256', secret).update(`v0:${now}:${body}`).digest('hex');
    expect(signSlackRequest(secret, String(now), body)).toBe(`v0=${expected}`);
  });

  it('accepts a request signed now, and one signed 5 minutes ago', () => {
    for (const ts of [now, now - 300]) {
      const request = {
        timestamp: String(ts),
        signature: signSlackRequest(secret, String(ts), body),
        rawBody: body,
      };
      expect(verifySlackSignature(request, secret, now)).toBeUndefined();
    }
  });

  it('refuses a timestamp more than 5 minutes away, in the past or the future, however well signed', () => {
    for (const ts of [now - 301, now + 301]) {
      const request = {
        timestamp: String(ts),
        signature: signSlackRequest(secret, String(ts), body),
        rawBody: body,
      };
      expect(verifySlackSignature(request, secret, now)).toBe('stale');
    }
    expect(checkTimestamp(String(now - 301), now)).toBe('stale');
  });

  it('refuses another secret, a changed body, a changed timestamp and a truncated signature', () => {
    const ts = String(now);
    const good = signSlackRequest(secret, ts, body);
    expect(
      verifySlackSignature(
        { timestamp: ts, signature: signSlackRequest('other', ts, body), rawBody: body },
        secret,
        now
      )
    ).toBe('mismatch');
    expect(
      verifySlackSignature({ timestamp: ts, signature: good, rawBody: `${body}&x=1` }, secret, now)
    ).toBe('mismatch');
    expect(
      verifySlackSignature({ timestamp: String(now - 1), signature: good, rawBody: body }, secret, now)
    ).toBe('mismatch');
    expect(
      verifySlackSignature({ timestamp: ts, signature: good.slice(0, -1), rawBody: body }, secret, now)
    ).toBe('missing');
  });

  it('refuses missing or malformed headers without comparing anything', () => {
    expect(
      verifySlackSignature({ timestamp: undefined, signature: 'v0=00', rawBody: body }, secret, now)
    ).toBe('missing');
    expect(verifySlackSignature({ timestamp: '12ab', signature: 'v0=00', rawBody: body }, secret, now)).toBe(
      'missing'
    );
    expect(
      verifySlackSignature({ timestamp: String(now), signature: undefined, rawBody: body }, secret, now)
    ).toBe('missing');
    expect(
      verifySlackSignature(
        { timestamp: String(now), signature: `v1=${'0'.repeat(64)}`, rawBody: body },
        secret,
        now
      )
    ).toBe('missing');
  });
});
