/**
 * Channel mode (bot token): one message per execution and channel, edited in place, each change a thread reply.
 * `decide` starts a delivery from the queued record; `record` reads Slack's answer to the request it asked for
 * and returns the next one (the thread reply after an edit, the look-up after a lost answer, the plain-text
 * fallback) or the end. The store (claim, record, pacing) is touched here only.
 */
import {
  EDIT_PACE_BURST,
  EDIT_PACE_INTERVAL_MS,
  EDIT_PACE_KEY,
  LOOKUP_LIMIT,
} from '../../contract/delivery.js';
import type { DeliveryMessage, SlackMessage } from '../../contract/formatter.js';
import {
  durationText,
  ENDED_RETENTION_SECONDS,
  RUNNING_RETENTION_SECONDS,
} from '../../contract/message-store.js';
import type { Admitted } from './admit.js';
import {
  delayedNote,
  framedParent,
  type ParentMessage,
  shortened,
  stillRunningBanner,
  stormLine,
} from './compose.js';
import {
  CONTENT_ERRORS,
  type Decision,
  type DeliveryContext,
  PERMANENT_ERRORS,
  RATELIMITED_RETRIES,
  rateLimitedWait,
  readAnswer,
  type SlackAnswer,
  type SlackRequest,
  startContext,
  THROTTLED_ERROR,
  TOO_LONG_ERRORS,
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
import { checkSchedule } from './schedule.js';
import type { ItemKey, StoredItem } from './store.js';
import { appendToDigest, stormDigestKey } from './storm.js';

/** The Slack message metadata `event_type` that carries a message's deduplication id. */
export const METADATA_EVENT_TYPE = 'sfn_slack_notification';

type News = Extract<Admitted, { kind: 'news' | 'check' }>;

const key = (news: News): ItemKey => ({
  pk: news.channel,
  sk:
    news.kind === 'check'
      ? news.executionArn
      : news.message.status === 'MUTE_SUMMARY'
        ? `summary#${news.message.deduplicationId}`
        : news.message.executionArn,
});
const dedupOf = (news: News): string => (news.kind === 'check' ? news.checkId : news.message.deduplicationId);
const executionOf = (news: News): string =>
  news.kind === 'check' ? news.executionArn : news.message.executionArn;

const withoutSent = ({ sent: _sent, ...rest }: StoredItem): DeliveryContext['stored'] => rest;

const freshContext = (stored: StoredItem): DeliveryContext => startContext('parent', withoutSent(stored));

/** What the channel must show for this news, given what it shows now. */
function compose(run: Run, news: News, stored: DeliveryContext['stored']) {
  const config = run.config;
  if (news.kind === 'check') {
    const base: SlackMessage =
      stored.payload !== '' ? JSON.parse(stored.payload) : { text: 'The execution is running.' };
    const banner = stillRunningBanner(config.runningLongerThanSeconds, news.mention ?? config.mention);
    const prefix = `Still running after ${durationText(config.runningLongerThanSeconds)}: `;
    return {
      parent: framedParent(base, banner, prefix),
      fallback: { text: `${prefix}${base.text ?? ''}` } as ParentMessage,
      reply: { text: banner, broadcast: config.replyBroadcast },
      quiet: false,
      schedule: false,
      shown: { status: stored.status, orderKey: stored.orderKey, payload: stored.payload },
    };
  }
  const m: DeliveryMessage = news.message;
  const delayed = delayedNote(m.endedAt, run.now());
  const prefix = delayed !== '' ? 'Delayed: ' : '';
  const running = m.status === 'RUNNING';
  const keep = running && config.runningLongerThanSeconds > 0;
  return {
    parent: framedParent(m.payload, delayed, prefix),
    fallback: { text: `${prefix}${m.fallback?.text ?? m.payload.text ?? ''}` } as ParentMessage,
    reply: {
      text: `${delayed !== '' ? '(delayed) ' : ''}${m.reply?.text ?? m.payload.text ?? ''}`,
      broadcast: m.reply?.failure === true && config.replyBroadcast,
    },
    quiet: running && !config.startNotices && stored.ts === '',
    schedule: keep,
    shown: {
      status: m.status,
      orderKey: m.orderKey ?? '',
      payload: keep ? JSON.stringify({ text: m.payload.text, blocks: m.payload.blocks ?? [] }) : '',
    },
  };
}

const metadata = (news: News) => ({
  event_type: METADATA_EVENT_TYPE,
  event_payload: { dedup: dedupOf(news), execution_arn: executionOf(news) },
});

function ask(
  action: 'Post' | 'Edit' | 'LookUp',
  reason: string,
  waitSeconds: number,
  request: SlackRequest,
  context: DeliveryContext
): Decision {
  return { action, reason, waitSeconds, request, context: { ...context, request } };
}

/** Starts a delivery: duplicate, stale, ignored, a storm's digest, or the first Slack request. */
export async function decideChannel(run: Run, news: News): Promise<Decision> {
  for (;;) {
    const stored = await run.store.load(key(news));
    const dedup = dedupOf(news);
    if (stored.sent.includes(dedup)) {
      return {
        action: 'Duplicate',
        reason: 'already sent to this channel',
        waitSeconds: 0,
        outcome: { outcome: 'duplicate' },
      };
    }
    if (news.kind === 'check') {
      if (!(stored.status === 'RUNNING' && stored.orderKey === news.orderKey)) {
        return done('the run moved on: no late "still running"', {
          outcome: 'ignored',
          shown: stored.status,
        });
      }
    } else if (stored.orderKey !== '' && stored.orderKey >= (news.message.orderKey ?? '')) {
      return {
        action: 'Stale',
        reason: `older than the ${stored.status} shown`,
        waitSeconds: 0,
        outcome: { outcome: 'stale', status: news.message.status, shown: stored.status },
      };
    }
    const digest = await stormListing(run, news, stored);
    if (digest) return digest;
    const context = freshContext(stored);
    const next = await send(run, news, context, stored.sent);
    if (next !== 'reload') return next;
    // The news was recorded meanwhile (or the item changed): read it again, within the time budget.
    if (outOfTime(run)) return OUT_OF_TIME;
  }
}

/** A new execution during a storm is listed in the digest instead of getting a message. */
async function stormListing(run: Run, news: News, stored: StoredItem): Promise<Decision | undefined> {
  if (news.kind !== 'news' || run.config.stormThreshold <= 0) return undefined;
  const m = news.message;
  if (typeof m.stateMachineArn !== 'string' || stored.ts !== '' || stored.pending !== '') return undefined;
  const sk = await stormDigestKey(run, news.channel, m.stateMachineArn);
  if (!sk) return undefined;
  const digestKey = { pk: news.channel, sk };
  const flush = await appendToDigest(run, digestKey, {
    line: stormLine(m.executionArn, m.reply?.text ?? m.payload.text ?? '', 200),
    machine: m.stateMachineArn,
    status: m.status,
    id: m.deduplicationId,
  });
  // Recorded as sent in the execution's own item: a duplicate or older news is then dropped.
  await recordShown(
    run,
    news,
    { ...withoutSent(stored) },
    { ts: '', channel: '' },
    { status: m.status, orderKey: m.orderKey ?? '', payload: '' }
  );
  if (!flush)
    return done('listed in the storm digest; a flush is coming', { outcome: 'digest', status: m.status });
  return {
    action: 'Digest',
    reason: 'listed in the storm digest; its flush is queued behind the channel',
    waitSeconds: 0,
    message: {
      MessageBody: JSON.stringify({
        check: 'stormFlush',
        channel: news.channel,
        executionArn: sk,
        checkId: `flush-${run.record.messageId}`,
      }),
      MessageGroupId: run.record.attributes?.MessageGroupId ?? news.channel,
      MessageDeduplicationId: `flush-${run.record.messageId}`,
    },
    outcome: { outcome: 'digest', status: m.status },
  };
}

/** Claims the news (or looks for a post an earlier try may have made) and asks for the first request. */
async function send(
  run: Run,
  news: News,
  context: DeliveryContext,
  sent: readonly string[]
): Promise<Decision | 'reload'> {
  const stored = context.stored;
  const dedup = dedupOf(news);
  if (stored.pending === dedup) {
    return lookUp(run, news, { ...context, since: stored.pendingSince, lookingFor: 'own' });
  }
  if (stored.pending !== '' && stored.ts === '' && context.lookingFor === '') {
    return lookUp(run, news, { ...context, since: stored.pendingSince, lookingFor: 'earlier' });
  }
  if (sent.includes(dedup)) return 'reload';
  const now = nowSeconds(run);
  if (!(await run.store.claim(key(news), dedup, now, now + RUNNING_RETENTION_SECONDS))) return 'reload';
  return dispatch(run, news, { ...context, since: now });
}

/** The parent when the execution has no message here yet, else its edit (then the reply); nothing when quiet. */
async function dispatch(run: Run, news: News, context: DeliveryContext): Promise<Decision> {
  const composed = compose(run, news, context.stored);
  if (composed.quiet)
    return afterSlack(
      run,
      news,
      context,
      { ts: '', channel: '' },
      'a quiet start: recorded without a message'
    );
  if (outOfTime(run)) return OUT_OF_TIME;
  if (context.stored.ts === '') return postParent(run, news, context);
  return edit(run, news, context);
}

/**
 * The plain text a post or an edit sends at fallback level 1 (as composed) or 2 (its start: Slack refused it as
 * too long).
 */
function plainTextAt(text: string, fallback: number): string {
  return fallback === 1 ? text : shortened(text);
}

async function postParent(run: Run, news: News, context: DeliveryContext): Promise<Decision> {
  if (outOfTime(run)) return OUT_OF_TIME;
  const composed = compose(run, news, context.stored);
  const message =
    context.fallback === 0
      ? composed.parent
      : { ...composed.fallback, text: plainTextAt(composed.fallback.text, context.fallback) };
  const wait = await pacePost(run, news.channel);
  return ask(
    'Post',
    context.fallback === 0
      ? 'the execution has no message here yet'
      : context.fallback === 1
        ? 'the plain-text fallback: Slack refused the blocks'
        : 'a shorter plain text: Slack refused the fallback as too long',
    wait,
    {
      method: 'chat.postMessage',
      webhook: false,
      body: {
        ...message,
        channel: context.stored.channelId !== '' ? context.stored.channelId : news.channel,
        unfurl_links: false,
        metadata: metadata(news),
      },
    },
    { ...context, phase: 'parent' }
  );
}

async function edit(run: Run, news: News, context: DeliveryContext): Promise<Decision> {
  if (outOfTime(run)) return OUT_OF_TIME;
  const composed = compose(run, news, context.stored);
  // An empty blocks list removes the blocks (plain text), which chat.update accepts.
  const message: Record<string, unknown> =
    context.fallback === 0
      ? { ...composed.parent, ...(composed.parent.blocks ? {} : { blocks: [] }) }
      : { text: plainTextAt(composed.fallback.text, context.fallback), blocks: [] };
  const wait = await paceEdit(run, EDIT_PACE_KEY, EDIT_PACE_INTERVAL_MS, EDIT_PACE_BURST);
  return ask(
    'Edit',
    context.fallback === 0
      ? 'the message shows the latest status'
      : 'a plain-text edit: Slack refused the last one',
    wait,
    {
      method: 'chat.update',
      webhook: false,
      body: { ...message, channel: context.stored.channelId, ts: context.stored.ts },
    },
    { ...context, phase: 'edit' }
  );
}

async function postReply(run: Run, news: News, context: DeliveryContext): Promise<Decision> {
  if (outOfTime(run)) return OUT_OF_TIME;
  const reply = compose(run, news, context.stored).reply;
  const wait = await pacePost(run, news.channel);
  return ask(
    'Post',
    'the thread reply that says what changed',
    wait,
    {
      method: 'chat.postMessage',
      webhook: false,
      body: {
        channel: context.stored.channelId,
        thread_ts: context.stored.ts,
        text: reply.text,
        reply_broadcast: reply.broadcast || context.broadcast,
        unfurl_links: false,
        metadata: metadata(news),
      },
    },
    { ...context, phase: 'reply' }
  );
}

/** Looks in Slack for a post carrying the id in its metadata, since the claim (at most LOOKUP_LIMIT messages). */
function lookUp(run: Run, news: News, context: DeliveryContext): Decision {
  if (outOfTime(run)) return OUT_OF_TIME;
  const stored = context.stored;
  const common = {
    oldest: String(context.since - 60),
    limit: String(LOOKUP_LIMIT),
    include_all_metadata: 'true',
  };
  const request: SlackRequest =
    stored.ts === ''
      ? {
          method: 'conversations.history',
          webhook: false,
          query: { channel: stored.channelId !== '' ? stored.channelId : news.channel, ...common },
        }
      : {
          method: 'conversations.replies',
          webhook: false,
          query: { channel: stored.channelId, ts: stored.ts, ...common },
        };
  return ask(
    'LookUp',
    context.lookingFor === 'earlier'
      ? 'an earlier news may have posted the parent: look before posting'
      : 'the answer to a post was lost: look before posting again',
    0,
    request,
    { ...context, phase: 'lookup' }
  );
}

/** Records what the channel shows, then asks for the "still running" check when the news needs one. */
async function afterSlack(
  run: Run,
  news: News,
  context: DeliveryContext,
  posted: { ts: string; channel: string },
  reason: string
): Promise<Decision> {
  const composed = compose(run, news, context.stored);
  await recordShown(run, news, context.stored, posted, composed.shown);
  const outcome = {
    outcome: composed.quiet ? 'recorded' : news.kind === 'check' ? 'still-running' : 'delivered',
    ts: posted.ts !== '' ? posted.ts : context.stored.ts,
    status: composed.shown.status,
    fallback: context.fallback > 0,
  };
  if (composed.schedule && news.kind === 'news') {
    return {
      action: 'Schedule',
      reason: `${reason}; a "still running" check is scheduled`,
      waitSeconds: 0,
      schedule: checkSchedule(run, news.channel, news.message),
      context: { ...context, phase: 'schedule' },
      outcome,
    };
  }
  return done(reason, outcome);
}

async function recordShown(
  run: Run,
  news: News,
  stored: DeliveryContext['stored'],
  posted: { ts: string; channel: string },
  shown: { status: string; orderKey: string; payload: string }
): Promise<void> {
  const ended = !['RUNNING', 'PENDING_REDRIVE'].includes(shown.status);
  await run.store.record(key(news), {
    channelId: posted.channel !== '' ? posted.channel : stored.channelId,
    ts: posted.ts !== '' ? posted.ts : stored.ts,
    status: shown.status,
    orderKey: shown.orderKey,
    payload: shown.payload,
    id: dedupOf(news),
    expiresAt: nowSeconds(run) + (ended ? ENDED_RETENTION_SECONDS : RUNNING_RETENTION_SECONDS),
  });
}

/**
 * The same request again after a backoff: `ratelimited` with HTTP 200 is retried like a 429, and a 429 the HTTP
 * Task's own retries could not get through is retried here too, after a new slot of the call's bucket (the edit
 * bucket is per workspace): failing instead would hold the channel for the queue's visibility timeout (6 minutes).
 */
async function retryRateLimited(
  run: Run,
  news: News,
  context: DeliveryContext,
  error: string
): Promise<Decision | undefined> {
  if (
    ![...['ratelimited', 'rate_limited'], THROTTLED_ERROR].includes(error) ||
    context.rateAttempt >= RATELIMITED_RETRIES ||
    !context.request
  ) {
    return undefined;
  }
  if (outOfTime(run)) return OUT_OF_TIME;
  const edit = context.request.method === 'chat.update';
  const backoff = rateLimitedWait(context.rateAttempt, run.random);
  const slot =
    error !== THROTTLED_ERROR
      ? 0
      : edit
        ? await paceEdit(run, EDIT_PACE_KEY, EDIT_PACE_INTERVAL_MS, EDIT_PACE_BURST)
        : await pacePost(run, news.channel);
  return {
    ...ask(
      edit ? 'Edit' : 'Post',
      `Slack answered ${error}: the same request after a backoff`,
      Math.max(backoff, slot),
      context.request,
      { ...context, rateAttempt: context.rateAttempt + 1 }
    ),
    resend: { error, attempt: context.rateAttempt + 1 },
  };
}

/** Slack refused: the dead-letter queue for a permanent error, else back to the queue. */
function refused(run: Run, error: string): Decision {
  if (UNAVAILABLE_ERRORS.includes(error)) {
    return failed(
      `Slack.${error}`,
      'Slack asked to try again later; the message goes back to the queue and is retried'
    );
  }
  if (PERMANENT_ERRORS.includes(error))
    return deadLetter(run, `Slack refused the message: ${error}`, `Slack.${error}`);
  return failed(
    `Slack.${error}`,
    `Slack refused the message (${error}); it returns to the queue and is tried again`
  );
}

/** Reads Slack's answer to the request `context` says was made, and decides what comes next. */
export async function recordChannel(
  run: Run,
  news: News,
  context: DeliveryContext,
  rawAnswer: unknown
): Promise<Decision> {
  const answer: SlackAnswer = readAnswer(rawAnswer);
  const fresh = { ...context, rateAttempt: 0 };
  if (answer.kind === 'failed') {
    if (answer.lost && (context.phase === 'parent' || context.phase === 'reply')) {
      return lookUp(run, news, { ...fresh, attempt: context.attempt + 1 });
    }
    if (context.phase !== 'lookup') {
      const retry = await retryRateLimited(run, news, context, answer.error);
      if (retry) return retry;
    }
    return failed(answer.error, `the Slack call failed (${answer.error}); the message returns to the queue`);
  }
  if (answer.ok) return answered(run, news, fresh, answer.body);
  const retry = await retryRateLimited(run, news, context, answer.error);
  if (retry) return retry;
  // A look-up Slack refuses (a channel configured by name: conversations.history takes IDs) finds nothing.
  if (context.phase === 'lookup') return lookedUp(run, news, fresh, {});
  const error = answer.error;
  if (context.phase === 'parent' && CONTENT_ERRORS.includes(error) && context.fallback === 0) {
    return postParent(run, news, { ...fresh, fallback: 1 });
  }
  if (context.phase === 'parent' && TOO_LONG_ERRORS.includes(error) && context.fallback === 1) {
    // The plain-text fallback was too long too: its start is posted, not dead-lettered.
    return postParent(run, news, { ...fresh, fallback: 2 });
  }
  if (context.phase === 'edit') {
    if (error === 'message_not_found') {
      // The parent was deleted: a new one shows the latest status.
      return postParent(run, news, { ...fresh, fallback: 0, stored: { ...context.stored, ts: '' } });
    }
    if (['cant_update_message', 'edit_window_closed'].includes(error)) {
      return postReply(run, news, { ...fresh, broadcast: true });
    }
    if (CONTENT_ERRORS.includes(error)) {
      // The fallback, then a shorter text; the thread reply goes out whatever the edit's fate.
      if (context.fallback < 2) return edit(run, news, { ...fresh, fallback: context.fallback + 1 });
      return postReply(run, news, fresh);
    }
  }
  return refused(run, error);
}

async function answered(
  run: Run,
  news: News,
  context: DeliveryContext,
  body: Record<string, unknown>
): Promise<Decision> {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (context.phase) {
    case 'parent':
      return afterSlack(run, news, context, { ts: str(body.ts), channel: str(body.channel) }, 'posted');
    case 'edit':
      return postReply(run, news, context);
    case 'reply':
      return afterSlack(
        run,
        news,
        context,
        { ts: context.stored.ts, channel: context.stored.channelId },
        'edited and replied'
      );
    case 'lookup':
      return lookedUp(run, news, context, body);
    default:
      return done('nothing left to do', { outcome: 'delivered' });
  }
}

async function lookedUp(
  run: Run,
  news: News,
  context: DeliveryContext,
  body: Record<string, unknown>
): Promise<Decision> {
  const stored = context.stored;
  const messages = Array.isArray(body.messages) ? (body.messages as Record<string, unknown>[]) : [];
  const tsOf = (id: string): string => {
    if (id === '') return '';
    const found = messages.find(
      (m) =>
        ((m.metadata as { event_payload?: { dedup?: unknown } } | undefined)?.event_payload?.dedup ?? '') ===
        id
    );
    return typeof found?.ts === 'string' ? found.ts : '';
  };
  const found = tsOf(dedupOf(news));
  const channelId = stored.channelId !== '' ? stored.channelId : news.channel;
  if (found !== '') {
    // Slack had it: recorded as sent, never posted again.
    return afterSlack(
      run,
      news,
      context,
      { ts: stored.ts === '' ? found : stored.ts, channel: channelId },
      'found in Slack after a lost answer'
    );
  }
  const earlier = tsOf(stored.pending);
  if (stored.ts === '' && earlier !== '') {
    // An earlier news's post is in the channel: it is the parent; this news becomes its edit and reply.
    const next = await send(run, news, { ...context, stored: { ...stored, ts: earlier, channelId } }, []);
    return next === 'reload' ? decideChannel(run, news) : next;
  }
  if (context.lookingFor === 'earlier') {
    const next = await send(run, news, context, []);
    return next === 'reload' ? decideChannel(run, news) : next;
  }
  if (context.attempt >= 3) {
    return failed(
      'Slack.Unreachable',
      'Slack did not answer and the message was not found in the channel; the claim stays, so the retry looks again before posting'
    );
  }
  return dispatch(run, news, context);
}

/** The Schedule state could not create the check: the message is out; the check is dropped, said once in the log. */
export function scheduleRefused(error: string): Decision {
  return done(
    `the "still running" check could not be scheduled (${error}); the message was posted without it`,
    {
      outcome: 'delivered',
      checkScheduled: false,
    }
  );
}
