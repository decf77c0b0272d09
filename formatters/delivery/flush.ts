/**
 * Channel mode's storm flush: the digest message (posted once, then edited with the latest counts) and the
 * executions not yet listed, as thread replies of up to DIGEST_REPLY_LINES each. The flush holds the channel's
 * message group, so nothing is appended while it waits for its turn.
 */
import { EDIT_PACE_BURST, EDIT_PACE_INTERVAL_MS, EDIT_PACE_KEY } from '../../contract/delivery.js';
import { STORM_FLUSH_SECONDS } from '../../contract/message-store.js';
import type { Admitted } from './admit.js';
import { chunked, digestHeader, latestLines, toDigestItem } from './compose.js';
import {
  type Decision,
  type DeliveryContext,
  PERMANENT_ERRORS,
  readAnswer,
  startContext,
  UNAVAILABLE_ERRORS,
} from './decision.js';
import {
  deadLetter,
  done,
  failed,
  nowSeconds,
  OUT_OF_TIME,
  outOfTime,
  paceEdit,
  pacePost,
  type Run,
} from './run.js';
import { markListed, takeFlush } from './storm.js';

type Flush = Extract<Admitted, { kind: 'flush' }>;

/** Executions per thread reply. */
export const DIGEST_REPLY_LINES = 40;
/** Slack truncates a message past 40,000 characters. */
const REPLY_MAX_CHARS = 38_000;

function context(
  flush: Flush,
  phase: DeliveryContext['phase'],
  digest: NonNullable<DeliveryContext['digest']>
): DeliveryContext {
  return { ...startContext(phase), digest: { ...digest, sk: digest.sk || flush.digest } };
}

export async function decideFlush(run: Run, flush: Flush): Promise<Decision> {
  const key = { pk: flush.channel, sk: flush.digest };
  const before = await run.store.get(key);
  const last = Number(before?.lastFlushAt ?? 0) || 0;
  const now = nowSeconds(run);
  // Flushes are at least STORM_FLUSH_SECONDS apart: the channel's later messages wait in the queue meanwhile.
  const wait = Math.min(STORM_FLUSH_SECONDS, Math.max(0, last + STORM_FLUSH_SECONDS - now));
  const item = await takeFlush(run, key, now + wait);
  if (!item) return done('the digest is gone: nothing to flush', { outcome: 'digest-flushed', listed: 0 });
  const digest = toDigestItem(item);
  const text = `${digestHeader(digest)}\n*Latest:*\n${latestLines(digest.entries)}\nEvery execution is listed in the thread.`;
  const ts = typeof item.ts === 'string' ? item.ts : '';
  const channel = typeof item.channelId === 'string' ? item.channelId : flush.channel;
  const state = { sk: flush.digest, ts, channel, listed: digest.posted };
  if (ts === '') {
    const pace = await pacePost(run, flush.channel, run.now() + wait * 1000);
    const request = {
      method: 'chat.postMessage',
      webhook: false,
      body: {
        channel,
        text,
        unfurl_links: false,
        metadata: { event_type: 'sfn_slack_storm', event_payload: { digest: flush.digest } },
      },
    };
    return {
      action: 'Post',
      reason: 'the storm digest message',
      waitSeconds: Math.max(wait, pace),
      request,
      context: { ...context(flush, 'digest', state), request },
    };
  }
  const pace = await paceEdit(run, EDIT_PACE_KEY, EDIT_PACE_INTERVAL_MS, EDIT_PACE_BURST);
  const request = { method: 'chat.update', webhook: false, body: { channel, ts, text } };
  return {
    action: 'Edit',
    reason: 'the storm digest shows the latest counts',
    waitSeconds: Math.max(wait, pace),
    request,
    context: { ...context(flush, 'digestEdit', state), request },
  };
}

/** The next thread reply of executions not yet listed, or the end. */
async function nextChunk(
  run: Run,
  flush: Flush,
  state: NonNullable<DeliveryContext['digest']>
): Promise<Decision> {
  const item = await run.store.get({ pk: flush.channel, sk: flush.digest });
  const lines = toDigestItem(item ?? {}).entries.slice(state.listed);
  if (lines.length === 0)
    return done('every execution is listed in the thread', { outcome: 'digest-flushed' });
  if (outOfTime(run)) return OUT_OF_TIME;
  const chunk = chunked(lines, DIGEST_REPLY_LINES, REPLY_MAX_CHARS)[0] ?? [];
  const wait = await pacePost(run, flush.channel);
  const request = {
    method: 'chat.postMessage',
    webhook: false,
    body: { channel: state.channel, thread_ts: state.ts, text: chunk.join('\n'), unfurl_links: false },
  };
  return {
    action: 'Post',
    reason: `${chunk.length} executions in the digest's thread`,
    waitSeconds: wait,
    request,
    context: { ...context(flush, 'digestReply', { ...state, listed: state.listed + chunk.length }), request },
  };
}

export async function recordFlush(
  run: Run,
  flush: Flush,
  ctx: DeliveryContext,
  raw: unknown
): Promise<Decision> {
  const answer = readAnswer(raw);
  const state = ctx.digest ?? { sk: flush.digest, ts: '', channel: flush.channel, listed: 0 };
  if (answer.kind === 'failed') {
    return failed(answer.error, 'the storm digest could not be posted; the flush returns to the queue');
  }
  if (!answer.ok) {
    // A digest that cannot be edited still gets its thread replies.
    if (ctx.phase === 'digestEdit' && !UNAVAILABLE_ERRORS.includes(answer.error)) {
      return nextChunk(run, flush, state);
    }
    if (PERMANENT_ERRORS.includes(answer.error)) {
      return deadLetter(run, `Slack refused the storm digest: ${answer.error}`, `Slack.${answer.error}`);
    }
    return failed(
      `Slack.${answer.error}`,
      'Slack refused the storm digest for now; the flush returns to the queue'
    );
  }
  if (ctx.phase === 'digest') {
    const ts = typeof answer.body.ts === 'string' ? answer.body.ts : '';
    const channel = typeof answer.body.channel === 'string' ? answer.body.channel : state.channel;
    await run.store.update(
      { pk: flush.channel, sk: flush.digest },
      {
        UpdateExpression: 'SET #ts = :ts, #channelId = :channelId',
        ExpressionAttributeNames: { '#ts': 'ts', '#channelId': 'channelId' },
        ExpressionAttributeValues: { ':ts': ts, ':channelId': channel },
      }
    );
    return nextChunk(run, flush, { ...state, ts, channel });
  }
  if (ctx.phase === 'digestReply') {
    await markListed(run, { pk: flush.channel, sk: flush.digest }, state.listed);
  }
  return nextChunk(run, flush, state);
}
