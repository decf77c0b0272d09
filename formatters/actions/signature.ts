/**
 * Slack request signatures (v0): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with the app's
 * signing secret, sent as `X-Slack-Signature` with `X-Slack-Request-Timestamp`. A request is genuine only when
 * the timestamp is within five minutes of now and the signature matches, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../contract/actions.js';

export type SignatureRefusal = 'missing' | 'stale' | 'mismatch';

/** `v0=<hex>` for a body at a timestamp (what Slack sends; the local Slack server and `doctor` sign with it). */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * The timestamp check, which needs no secret: done first, so a stale or malformed request costs no secret read.
 * @returns undefined when the timestamp is usable
 */
export function checkTimestamp(
  timestamp: string | undefined,
  nowSeconds: number,
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS
): SignatureRefusal | undefined {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return 'missing';
  return Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds ? 'stale' : undefined;
}

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The body exactly as received: re-serialising a parsed body would change it. */
  readonly rawBody: string;
}

/**
 * Verifies a request against the signing secret.
 * @returns undefined when genuine, else why it is refused
 */
export function verifySlackSignature(
  request: SignedRequest,
  signingSecret: string,
  nowSeconds: number,
  toleranceSeconds: number = SIGNATURE_TOLERANCE_SECONDS
): SignatureRefusal | undefined {
  const timing = checkTimestamp(request.timestamp, nowSeconds, toleranceSeconds);
  if (timing) return timing;
  const given = request.signature;
  if (given === undefined || !/^v0=[0-9a-f]{64}$/.test(given)) return 'missing';
  const expected = signSlackRequest(signingSecret, request.timestamp as string, request.rawBody);
  // Same length by construction (both v0= + 64 hex), as timingSafeEqual requires.
  return timingSafeEqual(Buffer.from(given, 'utf8'), Buffer.from(expected, 'utf8')) ? undefined : 'mismatch';
}
