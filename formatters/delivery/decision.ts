/**
 * What the decision step returns to the delivery definition (statemachines/deliver.asl.json), and how it reads
 * Slack's answer. Pure. The definition routes on `action` (a Choice into the state of that name), waits
 * `waitSeconds` first, and hands `context` back to the record step with Slack's answer.
 */
import type { DeliveryAction } from '../../contract/delivery.js';
import type { StoredItem } from './store.js';

/** The one Slack request to make next (bot token: a Web API method; webhook: the webhook URL, read in SSM). */
export interface SlackRequest {
  /** `chat.postMessage`, `chat.update`, `conversations.history`, `conversations.replies`, or `webhook`. */
  readonly method: string;
  readonly webhook: boolean;
  /** POST body. */
  readonly body?: Record<string, unknown>;
  /** GET query parameters. */
  readonly query?: Record<string, string>;
}

/** Where the delivery is, handed back with Slack's answer. Small: the message itself is re-read from the record. */
export interface DeliveryContext {
  readonly phase:
    | 'parent'
    | 'edit'
    | 'reply'
    | 'lookup'
    | 'webhook'
    | 'digest'
    | 'digestEdit'
    | 'digestReply'
    | 'schedule';
  /** The execution's item as this delivery knows it. */
  readonly stored: Omit<StoredItem, 'sent'>;
  /** 0: the message; 1: its plain-text fallback; 2: a shorter plain text (a post or edit refused as too long). */
  readonly fallback: number;
  /** Lost answers looked up so far. */
  readonly attempt: number;
  /** `ratelimited` answers with HTTP 200 retried so far. */
  readonly rateAttempt: number;
  /** When the claim was taken (epoch s): the look-up reads from a minute before. */
  readonly since: number;
  /** The look-up is for this news's own post, or for an earlier news's post that would be the parent. */
  readonly lookingFor: '' | 'own' | 'earlier';
  /** The edit could not be made: the thread reply is shown in the channel. */
  readonly broadcast: boolean;
  /** The request that was made (a ratelimited answer repeats it). */
  readonly request?: SlackRequest;
  /** Storm digests: the digest item, where its message is, how many lines are in its thread. */
  readonly digest?: {
    readonly sk: string;
    readonly ts: string;
    readonly channel: string;
    readonly listed: number;
  };
}

/** An execution's item before anything is stored: what a webhook post or a digest flush starts from. */
const NOTHING_STORED: DeliveryContext['stored'] = {
  channelId: '',
  ts: '',
  status: '',
  orderKey: '',
  pending: '',
  pendingSince: 0,
  payload: '',
};

/** The context a delivery starts a phase with: nothing tried yet, no look-up, no fallback. */
export function startContext(
  phase: DeliveryContext['phase'],
  stored: DeliveryContext['stored'] = NOTHING_STORED
): DeliveryContext {
  return {
    phase,
    stored,
    fallback: 0,
    attempt: 0,
    rateAttempt: 0,
    since: 0,
    lookingFor: '',
    broadcast: false,
  };
}

export interface Decision {
  readonly action: DeliveryAction;
  /** Why, in a few words (logged with the action). */
  readonly reason: string;
  /** Seconds the definition waits before acting (pacing, backoff). */
  readonly waitSeconds: number;
  readonly request?: SlackRequest;
  /** CreateSchedule's arguments (Schedule). */
  readonly schedule?: Record<string, unknown>;
  /** SendMessage's arguments without the queue (Digest, DeadLetter). */
  readonly message?: Record<string, unknown>;
  /** Failed: the error and cause the execution fails with (the message returns to the queue). */
  readonly error?: string;
  readonly cause?: string;
  /** Done, Duplicate, Stale: the execution's output. */
  readonly outcome?: Record<string, unknown>;
  readonly context?: DeliveryContext;
  /**
   * The same request again after a backoff the function decided (Slack's `ratelimited` on HTTP 200, a webhook post
   * failed on the way): what failed, and which of RATELIMITED_RETRIES this is.
   */
  readonly resend?: { readonly error: string; readonly attempt: number };
}

/** Slack asks to try again later. */
export const UNAVAILABLE_ERRORS: readonly string[] = [
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
];
/** The message's blocks or length: the plain-text fallback may pass. */
export const CONTENT_ERRORS: readonly string[] = [
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
];
/** The text is too long (Slack's error codes for chat.postMessage): a shorter text may pass. */
export const TOO_LONG_ERRORS: readonly string[] = ['msg_too_long'];
/** Retrying cannot help: the dead-letter queue at once, with the reason. */
export const PERMANENT_ERRORS: readonly string[] = [
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  ...CONTENT_ERRORS,
  'no_text',
  'invalid_metadata_format',
];

/** Step Functions errors after which a post's answer may be lost (Slack may have taken it). */
const LOST_ANSWER = /^(States\.Http\.Socket|States\.Http\.StatusCode\.5\d\d|States\.Timeout)$/;

/** Slack's answer as the record step reads it. */
export type SlackAnswer =
  /** HTTP 2xx: the Web API's JSON (`ok`, `error`, `ts`, `channel`, `messages`), or a webhook's text. */
  | {
      readonly kind: 'answered';
      readonly ok: boolean;
      readonly error: string;
      readonly body: Record<string, unknown>;
      readonly text: string;
    }
  /** The HTTP Task failed: `States.Http.StatusCode.<NNN>`, `States.Http.Socket`, `States.Timeout`… */
  | {
      readonly kind: 'failed';
      readonly error: string;
      readonly lost: boolean;
      /** The failure's cause as Step Functions gave it (passed on to the execution's failure). */
      readonly cause: string;
    };

export function readAnswer(answer: unknown): SlackAnswer {
  const a = (answer ?? {}) as Record<string, unknown>;
  if (typeof a.Error === 'string') {
    return {
      kind: 'failed',
      error: a.Error,
      lost: LOST_ANSWER.test(a.Error),
      cause: typeof a.Cause === 'string' ? a.Cause : '',
    };
  }
  let body: unknown = a.body;
  const text = typeof body === 'string' ? body : '';
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = {};
    }
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    kind: 'answered',
    ok: b.ok === true || text.trim() === 'ok',
    error: typeof b.error === 'string' ? b.error : 'unknown_error',
    body: b,
    text,
  };
}

/** The HTTP Task's error once its own retries of a 429 are spent (Slack took nothing: safe to send again). */
export const THROTTLED_ERROR = 'States.Http.StatusCode.429';

/** Full-jitter backoff for a `ratelimited` answer on HTTP 200, as the definition retries a 429: 2, 4, 8 s. */
export const RATELIMITED_RETRIES = 3;
export function rateLimitedWait(attempt: number, random: () => number): number {
  return Math.max(1, Math.ceil(random() * 2 ** (attempt + 1)));
}
