/**
 * A Slack-compatible HTTP server on localhost, for tests and `sfn-slack start`.
 *
 * - `POST /api/chat.postMessage`: bearer-token auth, channel lookup, Block Kit validation; application errors
 *   are HTTP 200 `{"ok":false,"error":…}` like the Web API, rate limiting is HTTP 429 with `Retry-After`.
 *   `thread_ts` posts a reply in a message's thread (`reply_broadcast` also shows it in the channel);
 *   `metadata` (`event_type`, `event_payload`) is kept with the message.
 * - `POST /api/chat.update`: edits a message in place (channel ID and `ts`); `message_not_found`,
 *   `cant_update_message` (not posted by this app's token, e.g. a webhook's), `edit_window_closed` (with
 *   `editWindowSeconds`). A message keeps its versions in order (`edits`).
 * - `GET|POST /api/conversations.history` and `/api/conversations.replies`: a channel's messages (newest first)
 *   or a thread (parent first), `oldest`/`latest`/`limit`; metadata only with `include_all_metadata`.
 * - `POST /services/T…/B…/<secret>`: incoming webhooks; `ok` (text/plain) on success, errors as HTTP status
 *   codes with plain-text bodies.
 * - `GET /`: an HTML page of what was received; `GET /_local/messages[?channel=]`: the same as JSON.
 *
 * Defaults: bound to 127.0.0.1 on an ephemeral port, burst of 3 then one message a second per channel.
 * The bot token and webhook secrets are never logged, stored with a request or shown on a page.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClickSignature, clickBody, signedHeaders } from '../slack-clicks.js';
import { validateBlocks } from './block-kit.js';
import { type RateLimit, RateLimiter, type TimeSource } from './rate-limiter.js';

export type { RateLimit, TimeSource } from './rate-limiter.js';

/** A channel the local workspace knows. */
export interface LocalChannel {
  /** Channel ID, e.g. `C0LOCAL001`. */
  readonly id: string;
  /** Name without `#`, e.g. `alerts`; chat.postMessage accepts `#alerts` or `alerts` too. */
  readonly name: string;
  /** @default false */
  readonly archived?: boolean;
}

/** One message the server accepted. */
export interface ReceivedMessage {
  readonly channel: string;
  readonly channelName: string;
  readonly ts: string;
  readonly via: 'api' | 'webhook';
  readonly text?: string;
  readonly blocks?: unknown[];
  /** The request body as parsed (for chat.postMessage without the channel-independent auth). */
  readonly body: Record<string, unknown>;
  /** Server clock, epoch ms. */
  readonly receivedAt: number;
  /** The parent's ts, for a reply in a thread. */
  readonly threadTs?: string;
  /** A thread reply also shown in the channel. */
  readonly replyBroadcast?: boolean;
  /** Message metadata as posted: `{ event_type, event_payload }`. */
  readonly metadata?: Record<string, unknown>;
  /** Later versions from chat.update, oldest first; the current content is the last one. */
  readonly edits?: readonly MessageVersion[];
}

/** One version of a message after chat.update. */
export interface MessageVersion {
  /** When it was edited (the edit's own ts, like Slack's `edited.ts`). */
  readonly ts: string;
  readonly text?: string;
  readonly blocks?: unknown[];
}

/** A channel's conversation as `sfn-slack start --report` writes it. */
export interface ConversationMessage {
  readonly ts: string;
  readonly text?: string;
  readonly blocks?: unknown[];
  readonly metadata?: Record<string, unknown>;
  readonly edits: readonly MessageVersion[];
  readonly replies: readonly {
    readonly ts: string;
    readonly text?: string;
    readonly blocks?: unknown[];
    readonly reply_broadcast: boolean;
  }[];
}

/** An ephemeral message: chat.postEphemeral, or an answer posted to a click's response URL. */
export interface EphemeralMessage {
  readonly channel?: string;
  readonly user?: string;
  readonly text: string;
  readonly via: 'api' | 'response_url';
  readonly at: number;
}

/** A button click sent to the app's interactivity URL. */
export interface ClickRequest {
  readonly channel: string;
  /** The parent message the button is on. */
  readonly messageTs: string;
  readonly user: string;
  /** The button's `action_id`. */
  readonly actionId: string;
  /** @default 'good' */
  readonly signature?: ClickSignature;
}

/** What the app answered (status 0: no such button, nothing sent). */
export interface ClickAnswer {
  readonly status: number;
  readonly body: string;
}

/** What happened to one request, for tests and logs. Paths are redacted: no webhook secret in here. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  /** The channel the call named (a Web API call's `channel`, a webhook's own channel), when it named one. */
  readonly channel?: string;
  readonly status: number;
  /** The Slack error code, `ok`, or the fault/rate-limit reason. */
  readonly outcome: string;
  readonly at: number;
}

/** Makes the next `times` matching requests fail or answer slowly. */
export interface Fault {
  /** @default 1 */
  readonly times?: number;
  /** @default 'any' */
  readonly target?: 'api' | 'webhook' | 'any';
  /** Only requests to this Web API method, e.g. `chat.postMessage`. @default - any request */
  readonly method?: string;
  /** Answer with this HTTP status (body: plain text, or Slack JSON for the Web API when `error` is set too). */
  readonly status?: number;
  /** Answer with this Slack error code (HTTP 200 `ok:false` on the Web API unless `status` is set). */
  readonly error?: string;
  /**
   * Drop the connection without an answer: `before` the request is handled (Slack unreachable), or `after` it
   * was handled (Slack took the post, and the answer was lost).
   */
  readonly drop?: 'before' | 'after';
  /**
   * Wait this long (real milliseconds) before answering. If the client gives up meanwhile, the request is
   * dropped as if it never reached Slack (nothing recorded).
   */
  readonly delayMs?: number;
  /**
   * Hold the request this long on the server's clock (the run's virtual clock when it has one), unhandled, then drop
   * the connection: Slack never answers within the caller's timeout (the delivery's HTTP Task fails with
   * `States.Timeout`). @default - no hang
   */
  readonly hangMs?: number;
  /**
   * `message_not_found` as Slack means it: the message the call names is deleted first (someone removed it), so
   * the channel no longer shows it. @default false
   */
  readonly deletes?: boolean;
  /** The fault ends at this time of the server's clock (epoch ms), whatever `times` has left. @default - no end */
  readonly untilMs?: number;
}

export interface SlackServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (ephemeral) */
  readonly port?: number;
  /** The bot token chat.postMessage accepts. @default - a random `xoxb-local-…` token (see `token`) */
  readonly token?: string;
  /** @default [{ id: 'C0LOCAL001', name: 'alerts' }] */
  readonly channels?: readonly LocalChannel[];
  readonly rateLimit?: RateLimit;
  /**
   * chat.update's limit, per workspace (Slack's Tier 3: about 50 a minute, short bursts tolerated); past it the
   * call answers HTTP 429 `ratelimited` with `Retry-After`.
   * @default { burst: 20, perSecond: 50 / 60 }
   */
  readonly updateRateLimit?: RateLimit;
  /** @default the system clock */
  readonly clock?: TimeSource;
  /**
   * Longest `text` accepted before `msg_too_long`.
   * @default 40000 (Slack truncates longer messages; the project keeps its own text under 4,000)
   */
  readonly maxTextLength?: number;
  /** chat.update refuses edits of messages older than this. @default - no limit */
  readonly editWindowSeconds?: number;
  /** Renders the `GET /` page; the default is a plain listing. */
  readonly renderPage?: (messages: readonly ReceivedMessage[]) => string;
}

export interface SlackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The bot token it accepts (a secret: never print it). */
  readonly token: string;
  /** Messages received (thread replies included), oldest first; all channels or one (by ID or name). */
  messages(channel?: string): ReceivedMessage[];
  /** Each channel's top-level messages with their edits and thread replies, by channel ID. */
  conversations(): Record<string, ConversationMessage[]>;
  /** Every request answered, oldest first (paths redacted). */
  readonly requests: readonly RequestRecord[];
  /** Creates an incoming webhook for a channel and returns its full URL (a secret). */
  addWebhook(channel: string): string;
  addChannel(channel: LocalChannel): void;
  setArchived(channel: string, archived: boolean): void;
  removeChannel(channel: string): void;
  injectFault(fault: Fault): void;
  /** Ephemeral messages shown to single users, oldest first. */
  readonly ephemerals: readonly EphemeralMessage[];
  /** usergroups.users.list answers these members for the group. */
  setUserGroup(id: string, users: readonly string[]): void;
  /** Where clicks go, and the signing secret they are signed with (a secret: never printed). */
  setInteractivity(interactivity: { readonly url: string; readonly signingSecret: string }): void;
  /**
   * Clicks a button of a message as Slack would: a signed `block_actions` request to the interactivity URL. The
   * button is looked up in the message's latest version that has it, so a second click on a button an edit has
   * removed is a double click from a screen not yet refreshed.
   */
  click(request: ClickRequest): Promise<ClickAnswer>;
  clearFaults(): void;
  clearMessages(): void;
  close(): Promise<void>;
}

const webhookPath = /^\/services\/(T[A-Z0-9]+)\/(B[A-Z0-9]+)\/([A-Za-z0-9]+)$/;
const maxBodyBytes = 1024 * 1024;

class BadRequest extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) reject(new BadRequest('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a Web API or webhook body: JSON, or form-encoded (with JSON-in-string `blocks` / `payload`). */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === 'string') return parseJsonObject(form.payload);
    return form;
  }
  return parseJsonObject(raw);
}

function parseJsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new BadRequest('invalid json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('not an object');
  return value as Record<string, unknown>;
}

const apiMethods = [
  'chat.postMessage',
  'chat.update',
  'conversations.history',
  'conversations.replies',
  'chat.postEphemeral',
  'usergroups.users.list',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Slack reads booleans from JSON, and `true`/`1` from forms and query strings. */
const isTrue = (value: unknown): boolean => value === true || value === 'true' || value === '1';

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function defaultPage(messages: readonly ReceivedMessage[]): string {
  const items = messages
    .map(
      (m) =>
        `<li><b>#${escapeHtml(m.channelName)}</b> ${escapeHtml(m.ts)}<pre>${escapeHtml(
          JSON.stringify({ text: m.text, blocks: m.blocks }, null, 2)
        )}</pre></li>`
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Local Slack</title></head><body><h1>Received messages</h1><ol>${items}</ol></body></html>`;
}

/** Starts the server; resolves once it listens. */
export async function startSlackServer(options: SlackServerOptions = {}): Promise<SlackServer> {
  const clock = options.clock ?? { now: () => Date.now() };
  const token = options.token ?? `xoxb-local-${randomBytes(12).toString('hex')}`;
  const maxText = options.maxTextLength ?? 40_000;
  const channels = new Map<string, LocalChannel>();
  for (const c of options.channels ?? [{ id: 'C0LOCAL001', name: 'alerts' }]) channels.set(c.id, c);
  const webhooks = new Map<string, string>(); // path → channel ID
  const limiter = new RateLimiter(clock, options.rateLimit);
  const updateLimiter = new RateLimiter(clock, options.updateRateLimit ?? { burst: 20, perSecond: 50 / 60 });
  const received: ReceivedMessage[] = [];
  const requests: RequestRecord[] = [];
  /** The channel each request named, for its record (read where the body is parsed). */
  const requestChannel = new WeakMap<IncomingMessage, string>();
  const faults: { fault: Fault; left: number }[] = [];
  let tsCounter = 0;
  const ephemerals: EphemeralMessage[] = [];
  const userGroups = new Map<string, readonly string[]>();
  let interactivity: { url: string; signingSecret: string } | undefined;

  const findChannel = (ref: string): LocalChannel | undefined => {
    const byId = channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    return [...channels.values()].find((c) => c.name === name);
  };

  const nextTs = (): string => {
    tsCounter += 1;
    return `${Math.floor(clock.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };

  const takeFault = (target: 'api' | 'webhook', apiMethod: string): Fault | undefined => {
    // A fault that lasts a while ends when the clock passes its end.
    for (let j = faults.length - 1; j >= 0; j -= 1) {
      const until = faults[j]?.fault.untilMs;
      if (until !== undefined && clock.now() >= until) faults.splice(j, 1);
    }
    const i = faults.findIndex(
      (f) =>
        ((f.fault.target ?? 'any') === 'any' || f.fault.target === target) &&
        (f.fault.method === undefined || f.fault.method === apiMethod)
    );
    const entry = faults[i];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) faults.splice(i, 1);
    return entry.fault;
  };

  /** Checks the message content common to both APIs; returns the Slack error, if any. */
  const checkContent = (
    body: Record<string, unknown>
  ): { error: string; messages?: string[] } | undefined => {
    let blocks = body.blocks;
    if (typeof blocks === 'string') {
      try {
        blocks = JSON.parse(blocks);
        body.blocks = blocks;
      } catch {
        return { error: 'invalid_blocks_format' };
      }
    }
    const text = body.text;
    if (text !== undefined && typeof text !== 'string') return { error: 'invalid_arguments' };
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    if (!hasBlocks && (text === undefined || text.trim() === '') && body.attachments === undefined) {
      return { error: 'no_text' };
    }
    if (typeof text === 'string' && text.length > maxText) return { error: 'msg_too_long' };
    if (blocks !== undefined) {
      if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format' };
      const problems = validateBlocks(blocks);
      if (problems.length > 0) return { error: 'invalid_blocks', messages: problems };
    }
    return undefined;
  };

  const store = (
    channel: LocalChannel,
    via: 'api' | 'webhook',
    body: Record<string, unknown>
  ): ReceivedMessage => {
    const metadata = typeof body.metadata === 'string' ? safeJson(body.metadata) : body.metadata;
    const message: ReceivedMessage = {
      channel: channel.id,
      channelName: channel.name,
      ts: nextTs(),
      via,
      ...(typeof body.text === 'string' ? { text: body.text } : {}),
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
      body,
      receivedAt: clock.now(),
      ...(typeof body.thread_ts === 'string' ? { threadTs: body.thread_ts } : {}),
      ...(typeof body.thread_ts === 'string' && isTrue(body.reply_broadcast) ? { replyBroadcast: true } : {}),
      ...(isRecord(metadata) && typeof metadata.event_type === 'string' ? { metadata } : {}),
    };
    received.push(message);
    return message;
  };

  const handleApi = async (
    req: IncomingMessage,
    fault: Fault | undefined
  ): Promise<{ status: number; json: Record<string, unknown>; headers?: Record<string, string> }> => {
    const fail = (error: string, extra: Record<string, unknown> = {}) => ({
      status: 200,
      json: { ok: false, error, ...extra },
    });
    if (fault?.error) return { status: fault.status ?? 200, json: { ok: false, error: fault.error } };
    const auth = req.headers.authorization;
    if (!auth) return fail('not_authed');
    if (auth !== `Bearer ${token}`) return fail('invalid_auth');
    let body: Record<string, unknown>;
    try {
      body = parseBody(await readBody(req), req.headers['content-type']);
    } catch {
      return fail('invalid_json');
    }
    if (typeof body.channel === 'string') requestChannel.set(req, body.channel);
    if (typeof body.channel !== 'string' || body.channel === '') return fail('channel_not_found');
    const channel = findChannel(body.channel);
    if (!channel) return fail('channel_not_found');
    if (channel.archived) return fail('is_archived');
    const wait = limiter.take(channel.id);
    if (wait > 0) {
      return {
        status: 429,
        json: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(wait) },
      };
    }
    const problem = checkContent(body);
    if (problem) {
      return fail(
        problem.error,
        problem.messages ? { response_metadata: { messages: problem.messages } } : {}
      );
    }
    if (typeof body.thread_ts === 'string') {
      const parent = received.find((m) => m.channel === channel.id && m.ts === body.thread_ts);
      if (!parent || parent.threadTs !== undefined) return fail('thread_not_found');
    }
    const message = store(channel, 'api', body);
    // Slack accepts a JSON body without a charset but warns about it.
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const missingCharset = contentType.startsWith('application/json') && !contentType.includes('charset=');
    return {
      status: 200,
      json: {
        ok: true,
        channel: channel.id,
        ts: message.ts,
        message: {
          type: 'message',
          subtype: 'bot_message',
          bot_id: 'B0LOCALBOT',
          ts: message.ts,
          ...(message.text !== undefined ? { text: message.text } : {}),
          ...(message.blocks ? { blocks: message.blocks } : {}),
        },
        ...(missingCharset
          ? { warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } }
          : {}),
      },
    };
  };

  /** The current version of a message (its last edit, or itself). */
  const current = (m: ReceivedMessage): { text?: string; blocks?: unknown[] } => {
    const last = m.edits?.at(-1);
    if (last)
      return {
        ...(last.text !== undefined ? { text: last.text } : {}),
        ...(last.blocks ? { blocks: last.blocks } : {}),
      };
    return { ...(m.text !== undefined ? { text: m.text } : {}), ...(m.blocks ? { blocks: m.blocks } : {}) };
  };

  /** A message as conversations.history and .replies show it. */
  const shown = (m: ReceivedMessage, withMetadata: boolean): Record<string, unknown> => {
    const replies = received.filter((r) => r.channel === m.channel && r.threadTs === m.ts);
    return {
      type: 'message',
      ...(m.via === 'api'
        ? {
            subtype: m.threadTs && m.replyBroadcast ? 'thread_broadcast' : 'bot_message',
            bot_id: 'B0LOCALBOT',
          }
        : {}),
      ts: m.ts,
      ...current(m),
      ...(m.threadTs
        ? { thread_ts: m.threadTs }
        : replies.length > 0
          ? { thread_ts: m.ts, reply_count: replies.length }
          : {}),
      ...(m.edits?.length ? { edited: { user: 'B0LOCALBOT', ts: m.edits.at(-1)?.ts } } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  };

  /** chat.update, conversations.history, conversations.replies. */
  const handleOther = async (
    name: string,
    req: IncomingMessage,
    url: URL,
    fault: Fault | undefined
  ): Promise<{ status: number; json: Record<string, unknown>; headers?: Record<string, string> }> => {
    const fail = (error: string) => ({ status: 200, json: { ok: false, error } });
    if (fault?.error && !fault.deletes) {
      return fault.error === 'ratelimited' && fault.status === 429
        ? { status: 429, json: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } }
        : { status: fault.status ?? 200, json: { ok: false, error: fault.error } };
    }
    const auth = req.headers.authorization;
    if (!auth) return fail('not_authed');
    if (auth !== `Bearer ${token}`) return fail('invalid_auth');
    let args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') {
      try {
        const raw = await readBody(req);
        if (raw.trim() !== '') args = { ...args, ...parseBody(raw, req.headers['content-type']) };
      } catch {
        return fail('invalid_json');
      }
    }
    if (typeof args.channel === 'string') requestChannel.set(req, args.channel);
    if (name === 'usergroups.users.list') {
      const members = typeof args.usergroup === 'string' ? userGroups.get(args.usergroup) : undefined;
      return members ? { status: 200, json: { ok: true, users: [...members] } } : fail('no_such_subteam');
    }
    // These methods take a channel ID, not a name.
    const channel = typeof args.channel === 'string' ? channels.get(args.channel) : undefined;
    if (!channel) return fail('channel_not_found');
    if (name === 'chat.postEphemeral') {
      if (typeof args.user !== 'string' || typeof args.text !== 'string') return fail('invalid_arguments');
      ephemerals.push({ channel: channel.id, user: args.user, text: args.text, via: 'api', at: clock.now() });
      return { status: 200, json: { ok: true, message_ts: nextTs() } };
    }
    if (name === 'chat.update') {
      // Tier 3: one workspace-wide bucket (this server is one workspace).
      const wait = updateLimiter.take('workspace');
      if (wait > 0) {
        return {
          status: 429,
          json: { ok: false, error: 'ratelimited' },
          headers: { 'retry-after': String(wait) },
        };
      }
      if (channel.archived) return fail('is_archived');
      if (fault?.deletes) {
        // Someone deleted the message (and with it its thread, as this server shows it).
        for (let i = received.length - 1; i >= 0; i -= 1) {
          const m = received[i] as ReceivedMessage;
          if (m.channel === channel.id && (m.ts === args.ts || m.threadTs === args.ts)) received.splice(i, 1);
        }
      }
      const message = received.find((m) => m.channel === channel.id && m.ts === args.ts);
      if (!message) return fail('message_not_found');
      if (message.via !== 'api') return fail('cant_update_message');
      if (
        options.editWindowSeconds !== undefined &&
        clock.now() - message.receivedAt > options.editWindowSeconds * 1000
      ) {
        return fail('edit_window_closed');
      }
      // An empty blocks list removes the blocks: only the text is checked then.
      const removesBlocks = Array.isArray(args.blocks) && args.blocks.length === 0;
      const problem = checkContent(removesBlocks ? { ...args, blocks: undefined } : args);
      if (problem) return fail(problem.error);
      const version: MessageVersion = {
        ts: nextTs(),
        ...(typeof args.text === 'string' ? { text: args.text } : {}),
        // Without blocks, Slack keeps the message's blocks; an empty list removes them.
        ...(Array.isArray(args.blocks)
          ? args.blocks.length > 0
            ? { blocks: args.blocks }
            : {}
          : current(message).blocks
            ? { blocks: current(message).blocks as unknown[] }
            : {}),
      };
      (message as { edits?: MessageVersion[] }).edits = [...(message.edits ?? []), version];
      return {
        status: 200,
        json: {
          ok: true,
          channel: channel.id,
          ts: message.ts,
          text: version.text ?? '',
          message: shown(message, false),
        },
      };
    }
    const oldest = Number(args.oldest ?? 0);
    const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(args.latest);
    const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
    const withMetadata = isTrue(args.include_all_metadata);
    const inRange = (m: ReceivedMessage) => Number(m.ts) > oldest && Number(m.ts) < latest;
    if (name === 'conversations.history') {
      const messages = received
        .filter(
          (m) => m.channel === channel.id && (m.threadTs === undefined || m.replyBroadcast) && inRange(m)
        )
        .reverse()
        .slice(0, limit);
      return {
        status: 200,
        json: {
          ok: true,
          messages: messages.map((m) => shown(m, withMetadata)),
          has_more: false,
          pin_count: 0,
        },
      };
    }
    const parent = received.find((m) => m.channel === channel.id && m.ts === args.ts);
    if (!parent) return fail('thread_not_found');
    const replies = received.filter(
      (m) => m.channel === channel.id && m.threadTs === parent.ts && inRange(m)
    );
    return {
      status: 200,
      json: {
        ok: true,
        messages: [parent, ...replies].slice(0, limit).map((m) => shown(m, withMetadata)),
        has_more: false,
      },
    };
  };

  const handleWebhook = async (
    req: IncomingMessage,
    path: string,
    fault: Fault | undefined
  ): Promise<{ status: number; text: string; headers?: Record<string, string> }> => {
    if (fault?.error === 'is_archived') return { status: 410, text: 'channel_is_archived' };
    if (fault?.error) return { status: fault.status ?? 400, text: fault.error };
    const channelId = webhooks.get(path);
    if (channelId === undefined) return { status: 404, text: 'no_service' };
    requestChannel.set(req, channelId);
    const channel = channels.get(channelId);
    if (!channel) return { status: 404, text: 'channel_not_found' };
    if (channel.archived) return { status: 410, text: 'channel_is_archived' };
    let body: Record<string, unknown>;
    try {
      body = parseBody(await readBody(req), req.headers['content-type']);
    } catch {
      return { status: 400, text: 'invalid_payload' };
    }
    if (typeof body.channel === 'string' && findChannel(body.channel)?.id !== channel.id) {
      // A webhook posts only to its own channel.
      return { status: 403, text: 'action_prohibited' };
    }
    const wait = limiter.take(channel.id);
    if (wait > 0) return { status: 429, text: 'rate_limited', headers: { 'retry-after': String(wait) } };
    const problem = checkContent(body);
    if (problem) {
      const text =
        problem.error === 'no_text'
          ? 'no_text'
          : problem.error.startsWith('invalid_blocks')
            ? 'invalid_blocks'
            : 'invalid_payload';
      return { status: 400, text };
    }
    store(channel, 'webhook', body);
    return { status: 200, text: 'ok' };
  };

  const send = (
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    headers: Record<string, string> = {}
  ): void => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const record = (path: string, status: number, outcome: string): void => {
      const channel = requestChannel.get(req);
      requests.push({ method, path, ...(channel ? { channel } : {}), status, outcome, at: clock.now() });
    };

    if (method === 'GET' && url.pathname === '/') {
      send(res, 200, 'text/html; charset=utf-8', (options.renderPage ?? defaultPage)(received));
      return;
    }
    if (method === 'GET' && url.pathname === '/_local/messages') {
      const channel = url.searchParams.get('channel') ?? undefined;
      send(res, 200, 'application/json', JSON.stringify(api.messages(channel)));
      return;
    }

    if (method === 'POST' && url.pathname === '/_local/click' && interactivity) {
      // The page's click forms (start --serve): click as Slack would, then show the page again.
      const form = new URLSearchParams(await readBody(req));
      const answer = await api.click({
        channel: form.get('channel') ?? '',
        messageTs: form.get('ts') ?? '',
        user: form.get('user') ?? '',
        actionId: form.get('action_id') ?? '',
      });
      record('/_local/click', answer.status, `click answered ${answer.status}`);
      res.writeHead(303, { location: '/' });
      res.end();
      return;
    }
    if (method === 'POST' && url.pathname.startsWith('/actions/')) {
      // A click's response URL (hooks.slack.com/actions/…): the app answers the clicker.
      const body = safeJson(await readBody(req));
      const text = isRecord(body) && typeof body.text === 'string' ? body.text : '';
      ephemerals.push({ text, via: 'response_url', at: clock.now() });
      record('/actions/***', 200, 'ok');
      send(res, 200, 'application/json', JSON.stringify({ ok: true }));
      return;
    }
    const apiMethod = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    const isApi = apiMethods.includes(apiMethod);
    const hook = webhookPath.exec(url.pathname);
    const target = isApi ? 'api' : hook ? 'webhook' : undefined;
    const shownPath = hook ? `/services/${hook[1]}/${hook[2]}/***` : url.pathname;
    if (!target) {
      // Slack answers unknown methods with 404 and unknown hook paths with no_service.
      const text = url.pathname.startsWith('/services/') ? 'no_service' : 'unknown_method';
      record(shownPath, 404, text);
      send(res, 404, 'text/plain', text);
      return;
    }
    const readMethod = apiMethod.startsWith('conversations.') || apiMethod === 'usergroups.users.list';
    if (method !== 'POST' && !(readMethod && method === 'GET')) {
      record(shownPath, 405, 'apiMethodnot_allowed');
      send(res, 405, 'text/plain', 'apiMethodnot_allowed');
      return;
    }

    const fault = takeFault(target, apiMethod);
    if (fault?.drop === 'before') {
      record(shownPath, 0, 'fault: connection dropped before handling');
      req.socket.destroy();
      return;
    }
    if (fault?.hangMs !== undefined) {
      // Slack holds the request and never answers in time; nothing is handled.
      record(shownPath, 0, 'fault: no answer (hang)');
      await (clock.sleep
        ? clock.sleep(fault.hangMs)
        : new Promise((resolve) => setTimeout(resolve, fault.hangMs)));
      req.socket.destroy();
      return;
    }
    if (fault?.delayMs) {
      // Answer after the delay unless the client goes first: listen for the close instead of sampling it.
      const gaveUp = await new Promise<boolean>((resolve) => {
        const onClose = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          res.off('close', onClose);
          resolve(req.socket.destroyed || res.destroyed);
        }, fault.delayMs);
        res.once('close', onClose);
      });
      if (gaveUp) {
        record(shownPath, 0, 'client gave up (slow response)');
        return;
      }
    }
    if (fault?.status !== undefined && fault.error === undefined) {
      const text = target === 'webhook' && fault.status >= 500 ? 'rollup_error' : `http_${fault.status}`;
      record(shownPath, fault.status, `fault ${text}`);
      send(res, fault.status, 'text/plain', text);
      return;
    }

    if (target === 'api') {
      const answer =
        apiMethod === 'chat.postMessage'
          ? await handleApi(req, fault)
          : await handleOther(apiMethod, req, url, fault);
      record(shownPath, answer.status, answer.json.ok === true ? 'ok' : String(answer.json.error));
      if (fault?.drop === 'after') {
        record(shownPath, 0, 'fault: answer lost after handling');
        req.socket.destroy();
        return;
      }
      send(
        res,
        answer.status,
        'application/json; charset=utf-8',
        JSON.stringify(answer.json),
        answer.headers
      );
    } else {
      const answer = await handleWebhook(req, url.pathname, fault);
      record(shownPath, answer.status, answer.text);
      if (fault?.drop === 'after') {
        record(shownPath, 0, 'fault: answer lost after handling');
        req.socket.destroy();
        return;
      }
      send(res, answer.status, 'text/plain; charset=utf-8', answer.text, answer.headers);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      send(res, 500, 'text/plain', 'internal_error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const base = `http://${address.address}:${address.port}`;

  const resolveId = (ref: string): string | undefined => findChannel(ref)?.id;

  const api: SlackServer = {
    url: base,
    token,
    requests,
    conversations() {
      const out: Record<string, ConversationMessage[]> = {};
      for (const m of received) {
        if (m.threadTs !== undefined) continue;
        const replies = received
          .filter((r) => r.channel === m.channel && r.threadTs === m.ts)
          .map((r) => ({
            ts: r.ts,
            ...(r.text !== undefined ? { text: r.text } : {}),
            ...(r.blocks ? { blocks: r.blocks } : {}),
            reply_broadcast: r.replyBroadcast === true,
          }));
        const list = out[m.channel] ?? [];
        out[m.channel] = list;
        list.push({
          ts: m.ts,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.blocks ? { blocks: m.blocks } : {}),
          ...(m.metadata ? { metadata: m.metadata } : {}),
          edits: [...(m.edits ?? [])],
          replies,
        });
      }
      return out;
    },
    messages(channel?: string) {
      if (channel === undefined) return [...received];
      const id = resolveId(channel) ?? channel;
      return received.filter((m) => m.channel === id);
    },
    addWebhook(channel: string) {
      const id = resolveId(channel);
      if (!id) throw new Error(`unknown channel ${channel}`);
      const path = `/services/T0LOCAL/B${randomBytes(5).toString('hex').toUpperCase()}/${randomBytes(12).toString('hex')}`;
      webhooks.set(path, id);
      return `${base}${path}`;
    },
    addChannel(channel: LocalChannel) {
      channels.set(channel.id, channel);
    },
    setArchived(channel: string, archived: boolean) {
      const found = findChannel(channel);
      if (!found) throw new Error(`unknown channel ${channel}`);
      channels.set(found.id, { ...found, archived });
    },
    removeChannel(channel: string) {
      const found = findChannel(channel);
      if (found) channels.delete(found.id);
    },
    ephemerals,
    setUserGroup(id: string, users: readonly string[]) {
      userGroups.set(id, users);
    },
    setInteractivity(value: { url: string; signingSecret: string }) {
      interactivity = { ...value };
    },
    async click(request: ClickRequest): Promise<ClickAnswer> {
      if (!interactivity) throw new Error('no interactivity URL: call setInteractivity first');
      const message = received.find((m) => m.channel === request.channel && m.ts === request.messageTs);
      const versions = message ? [...(message.edits ?? [])].reverse().concat([message]) : [];
      const hasButton = (blocks: unknown[] | undefined) =>
        (blocks ?? []).some(
          (b) =>
            isRecord(b) &&
            Array.isArray(b.elements) &&
            b.elements.some((e) => isRecord(e) && e.action_id === request.actionId)
        );
      const version = versions.find((v) => hasButton(v.blocks));
      const button = version?.blocks
        ?.flatMap((b) => (isRecord(b) && Array.isArray(b.elements) ? b.elements : []))
        .find((e) => isRecord(e) && e.action_id === request.actionId) as Record<string, unknown> | undefined;
      if (!message || !version || !button) return { status: 0, body: 'no_such_button' };
      const body = clickBody({
        user: request.user,
        channel: request.channel,
        message: { ts: message.ts, ...current(message), blocks: version.blocks ?? [] },
        button: {
          action_id: request.actionId,
          ...(typeof button.value === 'string' ? { value: button.value } : {}),
        },
        responseUrl: `https://hooks.slack.com/actions/T0LOCAL/${tsCounter}/${randomBytes(8).toString('hex')}`,
      });
      const response = await fetch(interactivity.url, {
        method: 'POST',
        headers: signedHeaders(interactivity.signingSecret, body, clock.now(), request.signature),
        body,
      });
      return { status: response.status, body: await response.text() };
    },
    injectFault(fault: Fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    clearMessages() {
      received.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return api;
}
