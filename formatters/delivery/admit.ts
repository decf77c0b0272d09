/**
 * Reads the SQS record the Pipe hands the delivery (pure): a `DeliveryMessage` (contract/formatter.ts), a
 * "still running" check or a storm flush queued by the delivery itself, or one of these wrapped as a dead letter
 * by an earlier try (replayed: unwrapped, the original body kept byte for byte). Anything else, or a channel the
 * environment does not post to, is refused with the reason the dead letter carries.
 */
import type { DeliveryMessage } from '../../contract/formatter.js';

/** The part of an SQS record the delivery reads. */
export interface QueueRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly MessageGroupId?: string };
}

export type Admitted =
  | { readonly kind: 'news'; readonly channel: string; readonly message: DeliveryMessage }
  | {
      readonly kind: 'check';
      readonly channel: string;
      readonly executionArn: string;
      readonly orderKey: string;
      readonly checkId: string;
      readonly mention?: string;
    }
  /** Channel mode: the digest item's sort key in `digest`. */
  | { readonly kind: 'flush'; readonly channel: string; readonly digest: string; readonly checkId: string }
  | { readonly kind: 'refused'; readonly reason: string; readonly error: string };

export interface Unwrapped {
  /** The original body (a replayed dead letter's inner body). */
  readonly body: string;
  readonly admitted: Admitted;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

const invalid = (detail: string): Admitted => ({
  kind: 'refused',
  reason: `the body is not a delivery message (${detail})`,
  error: 'Delivery.InvalidBody',
});

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * @param allowedChannels channel mode: the channels the environment posts to; `undefined` in webhook mode
 * (every message goes to the one webhook, partition `webhook`).
 */
export function admit(record: QueueRecord, allowedChannels: readonly string[] | undefined): Unwrapped {
  let body = isString(record.body) ? record.body : '';
  let parsed = parse(body);
  if (isObject(parsed) && isObject(parsed.deadLetter) && isString(parsed.body)) {
    body = parsed.body;
    parsed = parse(body);
  }
  if (!isObject(parsed)) return { body, admitted: invalid('not a JSON object') };
  const m = parsed;
  const channelOk = (channel: string): Admitted | undefined =>
    allowedChannels === undefined || allowedChannels.includes(channel)
      ? undefined
      : {
          kind: 'refused',
          reason: `the channel ${channel} is not one this environment posts to`,
          error: 'Delivery.ChannelNotAllowed',
        };
  const webhookChannel = 'webhook';

  if (m.check === 'stormFlush') {
    const channel = allowedChannels === undefined ? webhookChannel : m.channel;
    const digest = allowedChannels === undefined ? m.digest : m.executionArn;
    if (!isString(channel) || !isString(digest) || !isString(m.checkId))
      return { body, admitted: invalid('fields missing') };
    return { body, admitted: channelOk(channel) ?? { kind: 'flush', channel, digest, checkId: m.checkId } };
  }
  if (isString(m.check)) {
    if (!isString(m.channel) || !isString(m.executionArn) || !isString(m.checkId))
      return { body, admitted: invalid('fields missing') };
    const refused = channelOk(m.channel);
    if (refused) return { body, admitted: refused };
    return {
      body,
      admitted: {
        kind: 'check',
        channel: m.channel,
        executionArn: m.executionArn,
        orderKey: isString(m.orderKey) ? m.orderKey : '',
        checkId: m.checkId,
        ...(isString(m.mention) ? { mention: m.mention } : {}),
      },
    };
  }
  const payload = m.payload;
  const channel =
    allowedChannels === undefined ? webhookChannel : isObject(payload) ? payload.channel : undefined;
  if (
    !isObject(payload) ||
    !isString(channel) ||
    !isString(m.executionArn) ||
    !isString(m.deduplicationId) ||
    !isString(m.status) ||
    m.status === ''
  ) {
    return { body, admitted: invalid('fields missing') };
  }
  const refused = channelOk(channel);
  if (refused) return { body, admitted: refused };
  return { body, admitted: { kind: 'news', channel, message: m as unknown as DeliveryMessage } };
}
