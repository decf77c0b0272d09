/**
 * Webhook mode: each news is its own post (a webhook message cannot be edited or threaded). The id is claimed in
 * the store before the post and taken back when the post fails, so the retry posts; a storm is listed in a digest
 * that a one-time schedule flushes at most once a minute. The URL stays in SSM and in the definition: never here.
 */
import { ENDED_RETENTION_SECONDS, WEBHOOK_DIGEST_MAX_CHARS } from '../../contract/message-store.js';
import type { Admitted } from './admit.js';
import {
  chunked,
  delayedNote,
  digestHeader,
  latestLines,
  stormLine,
  toDigestItem,
  withBlocks,
} from './compose.js';
import {
  type Decision,
  type DeliveryContext,
  RATELIMITED_RETRIES,
  rateLimitedWait,
  readAnswer,
  type SlackAnswer,
  startContext,
  THROTTLED_ERROR,
} from './decision.js';
import { deadLetter, done, failed, nowSeconds, OUT_OF_TIME, outOfTime, pacePost, type Run } from './run.js';
import { flushSchedule } from './schedule.js';
import { appendToDigest, markListed, stormDigestKey, takeFlush, unqueueFlush } from './storm.js';

type News = Extract<Admitted, { kind: 'news' }>;
type Flush = Extract<Admitted, { kind: 'flush' }>;

const PARTITION = 'webhook';
/** A revoked or deleted webhook, an archived channel: retrying cannot help. */
const GONE = /^States\.Http\.StatusCode\.(403|404|410)$/;
const BAD_REQUEST = 'States.Http.StatusCode.400';

const keyOf = (news: News) => ({ pk: PARTITION, sk: news.message.executionArn });

/** Takes the claim back (so the retry posts), then the given end. */
async function released(run: Run, news: News, then: Decision): Promise<Decision> {
  await run.store.release(keyOf(news), news.message.deduplicationId);
  return then;
}

export async function decideWebhook(run: Run, news: News): Promise<Decision> {
  const m = news.message;
  const claimed = await run.store.claimSent(
    keyOf(news),
    m.deduplicationId,
    nowSeconds(run) + ENDED_RETENTION_SECONDS
  );
  if (!claimed) {
    return {
      action: 'Duplicate',
      reason: 'already posted through the webhook',
      waitSeconds: 0,
      outcome: { outcome: 'duplicate', status: m.status },
    };
  }
  try {
    if (run.config.stormThreshold > 0 && typeof m.stateMachineArn === 'string') {
      const sk = await stormDigestKey(run, PARTITION, m.stateMachineArn);
      if (sk) {
        const digestKey = { pk: PARTITION, sk };
        const flush = await appendToDigest(run, digestKey, {
          line: stormLine(m.executionArn, m.payload.text ?? '', 80),
          machine: m.stateMachineArn,
          status: m.status,
          id: m.deduplicationId,
        });
        if (!flush)
          return done('listed in the storm digest; its post is scheduled', {
            outcome: 'digested',
            status: m.status,
          });
        return {
          action: 'Schedule',
          reason: 'listed in the storm digest; its post is scheduled in a minute',
          waitSeconds: 0,
          schedule: flushSchedule(run, sk),
          context: { ...startContext('schedule'), digest: { sk, ts: '', channel: PARTITION, listed: 0 } },
          outcome: { outcome: 'digested', status: m.status },
        };
      }
    }
    return await post(run, news, 0);
  } catch (error) {
    await run.store.release(keyOf(news), m.deduplicationId);
    throw error;
  }
}

async function post(run: Run, news: News, fallback: number): Promise<Decision> {
  if (outOfTime(run)) return released(run, news, OUT_OF_TIME);
  const m = news.message;
  const delayed = delayedNote(m.endedAt, run.now());
  let body: Record<string, unknown>;
  if (fallback > 0) body = { ...m.fallback, text: `${delayed ? 'Delayed: ' : ''}${m.fallback?.text ?? ''}` };
  else {
    const blocks = Array.isArray(m.payload.blocks) ? m.payload.blocks : [];
    const { blocks: _drop, ...rest } = m.payload;
    body = delayed
      ? {
          ...rest,
          ...withBlocks(`Delayed: ${m.payload.text ?? ''}`, [
            { type: 'context', elements: [{ type: 'mrkdwn', text: delayed }] },
            ...blocks,
          ]),
        }
      : { ...rest, ...withBlocks(m.payload.text ?? '', blocks) };
  }
  const wait = await pacePost(run, PARTITION);
  const request = { method: 'webhook', webhook: true, body };
  return {
    action: 'Post',
    reason:
      fallback > 0
        ? 'the plain-text fallback: the webhook refused the message'
        : 'a post through the webhook',
    waitSeconds: wait,
    request,
    context: { ...startContext('webhook'), fallback, request },
  };
}

export async function decideWebhookFlush(run: Run, flush: Flush): Promise<Decision> {
  const item = await takeFlush(run, { pk: PARTITION, sk: flush.digest }, nowSeconds(run));
  if (!item) return done('the digest is gone: nothing to flush', { outcome: 'digest-flushed', listed: 0 });
  const posted = toDigestItem(item).posted;
  return digestPost(run, flush, posted, posted, item);
}

async function digestPost(
  run: Run,
  flush: Flush,
  start: number,
  listed: number,
  item?: Record<string, unknown>
): Promise<Decision> {
  const digest = toDigestItem(item ?? (await run.store.get({ pk: PARTITION, sk: flush.digest })) ?? {});
  const pending = digest.entries.slice(start);
  const lines = digest.entries.slice(listed);
  if (lines.length === 0)
    return done('every notification of the storm is posted', {
      outcome: 'digest-flushed',
      listed: listed - start,
    });
  if (outOfTime(run)) return OUT_OF_TIME;
  const chunk = chunked(lines, Number.POSITIVE_INFINITY, WEBHOOK_DIGEST_MAX_CHARS)[0] ?? [];
  const header = digestHeader(digest);
  const text =
    listed === start
      ? `${header}\n*Latest:*\n${latestLines(pending)}\n*${pending.length} since the last digest:*\n${chunk.join('\n')}`
      : `${header} (continued)\n${chunk.join('\n')}`;
  const wait = await pacePost(run, PARTITION);
  const request = { method: 'webhook', webhook: true, body: { text, unfurl_links: false } };
  return {
    action: 'Post',
    reason: `the storm digest: ${chunk.length} notifications`,
    waitSeconds: wait,
    request,
    context: {
      ...startContext('digest'),
      request,
      digest: { sk: flush.digest, ts: String(start), channel: PARTITION, listed: listed + chunk.length },
    },
  };
}

/**
 * A webhook post that failed on the way (5xx, socket, timeout) is posted again after a backoff, up to
 * RATELIMITED_RETRIES times: a webhook cannot be read back, so this is the retry the HTTP Task would make. A 429 the
 * HTTP Task's own retries could not get through is posted again too, after a new pacing slot: Slack took nothing,
 * and failing would hold the webhook's message group for the queue's visibility timeout (6 minutes).
 */
async function repost(run: Run, ctx: DeliveryContext, answer: SlackAnswer): Promise<Decision | undefined> {
  if (answer.kind !== 'failed' || ctx.rateAttempt >= RATELIMITED_RETRIES || !ctx.request) return undefined;
  const throttled = answer.error === THROTTLED_ERROR;
  if (!answer.lost && !throttled) return undefined;
  if (outOfTime(run)) return undefined;
  const backoff = rateLimitedWait(ctx.rateAttempt, run.random);
  return {
    action: 'Post',
    reason: `the webhook post failed (${answer.error}): posted again after a backoff`,
    waitSeconds: throttled ? Math.max(backoff, await pacePost(run, PARTITION)) : backoff,
    request: ctx.request,
    context: { ...ctx, rateAttempt: ctx.rateAttempt + 1 },
    resend: { error: answer.error, attempt: ctx.rateAttempt + 1 },
  };
}

export async function recordWebhook(
  run: Run,
  news: News,
  ctx: DeliveryContext,
  raw: unknown
): Promise<Decision> {
  const answer = readAnswer(raw);
  const again = ctx.phase === 'schedule' ? undefined : await repost(run, ctx, answer);
  if (again) return again;
  if (ctx.phase === 'schedule') {
    // The flush could not be scheduled: clear the mark and take the claim back, so the retry asks again.
    const error = answer.kind === 'failed' ? answer.error : 'Scheduler.Unknown';
    if (ctx.digest) await unqueueFlush(run, { pk: PARTITION, sk: ctx.digest.sk });
    return released(
      run,
      news,
      failed(error, 'the storm digest could not be scheduled; the notification returns to the queue')
    );
  }
  if (answer.kind === 'answered') {
    if (answer.ok)
      return done('posted', {
        outcome: 'delivered',
        status: news.message.status,
        fallback: ctx.fallback > 0,
      });
    return released(
      run,
      news,
      failed(
        'Slack.unexpected_response',
        "the webhook answered 2xx without the body 'ok'; the message goes back to the queue"
      )
    );
  }
  if (answer.error === BAD_REQUEST && ctx.fallback === 0) {
    try {
      return await post(run, news, 1);
    } catch (error) {
      await run.store.release(keyOf(news), news.message.deduplicationId);
      throw error;
    }
  }
  if (answer.error === BAD_REQUEST || GONE.test(answer.error)) {
    const what = ctx.fallback > 0 ? 'the plain-text fallback' : 'the message';
    return released(
      run,
      news,
      deadLetter(
        run,
        `Slack refused the webhook post of ${what} (${answer.error}): a revoked, deleted or archived webhook; retrying cannot help`,
        answer.error
      )
    );
  }
  return released(
    run,
    news,
    // The HTTP Task's own cause is kept: it says what Slack answered.
    failed(
      answer.error,
      answer.cause !== '' ? answer.cause : 'the webhook post failed; the message goes back to the queue'
    )
  );
}

export async function recordWebhookFlush(
  run: Run,
  flush: Flush,
  ctx: DeliveryContext,
  raw: unknown
): Promise<Decision> {
  const answer = readAnswer(raw);
  const again = await repost(run, ctx, answer);
  if (again) return again;
  const state = ctx.digest;
  if (answer.kind === 'failed') {
    if (answer.error === BAD_REQUEST || GONE.test(answer.error)) {
      return deadLetter(
        run,
        `Slack refused the storm digest (${answer.error}): a revoked, deleted or archived webhook, or a digest it cannot take; retrying cannot help`,
        answer.error
      );
    }
    return failed(answer.error, 'the storm digest post failed; the flush returns to the queue');
  }
  if (!answer.ok || !state) {
    return failed(
      'Slack.unexpected_response',
      "the webhook answered 2xx without the body 'ok'; the flush goes back to the queue"
    );
  }
  await markListed(run, { pk: PARTITION, sk: flush.digest }, state.listed);
  return digestPost(run, flush, Number(state.ts) || 0, state.listed);
}
