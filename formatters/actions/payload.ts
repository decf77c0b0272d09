/**
 * Slack interactivity payloads: the form body `payload=<JSON>` of a `block_actions` request, reduced to the one
 * action this app's buttons can ask for. Everything is validated against a strict shape: the signature says the
 * request came from Slack, not that the button was ours (anyone in the workspace can post a message with a
 * button carrying any value).
 */
import { ACTION_ID_PREFIX, ACTION_NAMES, type ActionName, MUTE_SECONDS } from '../../contract/actions.js';
import { type ButtonValue, stateMachineOf } from '../../contract/buttons.js';
import { ACCOUNT_ID, REGION } from '../../contract/sources.js';

const SLACK_ID = /^[A-Z0-9]{2,24}$/;
const MESSAGE_TS = /^\d{1,12}\.\d{1,8}$/;
/** Slack's response URLs; anything else is not followed (the Lambda must not be made to call arbitrary hosts). */
const RESPONSE_URL = /^https:\/\/hooks\.slack\.com\/actions\/[A-Za-z0-9/_-]{1,300}$/;
/** A Slack message posted as the parent: passed to the machine only when small (it edits the buttons away). */
const MAX_MESSAGE_CHARS = 100_000;

/** The click, as the Lambda hands it to the actions machine. */
export interface ActionRequest {
  readonly action: ActionName;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly redriveCount: number;
  /** Mute only. */
  readonly muteSeconds?: number;
  readonly userId: string;
  readonly teamId: string;
  /** The Slack app the click was sent to (`api_app_id`). */
  readonly appId: string;
  /** The account and region of the event the message came from (button value), when it records them. */
  readonly sourceAccount?: string;
  readonly sourceRegion?: string;
  readonly channelId: string;
  /** The parent message the button is on. */
  readonly messageTs: string;
  /** The parent message as Slack sent it along (text, blocks), when small enough to hand on. */
  readonly message?: { readonly text: string; readonly blocks: readonly unknown[] };
  /** Where an ephemeral answer to the clicker can be posted (hooks.slack.com only). */
  readonly responseUrl?: string;
}

/** The signed health check `sfn-slack doctor` sends (Slack never sends this type). */
export const PING_TYPE = 'sfn_slack_ping';

/** Which workspace and app a payload is from (`team.id`, else `user.team_id`; `api_app_id`); '' when absent. */
export interface PayloadOrigin {
  readonly teamId: string;
  readonly appId: string;
}

export type ParsedPayload =
  | { readonly kind: 'action'; readonly request: ActionRequest; readonly origin: PayloadOrigin }
  | { readonly kind: 'ping' }
  /** A genuine Slack request that is not one of this app's buttons: acknowledged, nothing done. */
  | { readonly kind: 'ignored'; readonly reason: string; readonly origin: PayloadOrigin };

/** A body that is not a payload at all. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const id = (value: unknown): string | undefined =>
  typeof value === 'string' && SLACK_ID.test(value) ? value : undefined;

function parseButtonValue(value: unknown): ButtonValue | undefined {
  if (typeof value !== 'string' || value.length > 2_000) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.e !== 'string' || !Number.isInteger(parsed.r)) return undefined;
  const redriveCount = parsed.r as number;
  if (redriveCount < 0 || redriveCount > 999_999 || !stateMachineOf(parsed.e)) return undefined;
  // The event's account and region: both or neither, each well formed.
  if ((parsed.a === undefined) !== (parsed.g === undefined)) return undefined;
  if (parsed.a !== undefined) {
    if (typeof parsed.a !== 'string' || !ACCOUNT_ID.test(parsed.a)) return undefined;
    if (typeof parsed.g !== 'string' || !REGION.test(parsed.g)) return undefined;
    return { executionArn: parsed.e, redriveCount, account: parsed.a, region: parsed.g };
  }
  return { executionArn: parsed.e, redriveCount };
}

/** `sfn-slack:redrive`, `sfn-slack:stop`, `sfn-slack:mute:3600`: the action and the mute duration. */
function parseActionId(actionId: unknown): { action: ActionName; muteSeconds?: number } | undefined {
  if (typeof actionId !== 'string' || !actionId.startsWith(ACTION_ID_PREFIX)) return undefined;
  const [name, seconds, ...rest] = actionId.slice(ACTION_ID_PREFIX.length).split(':');
  if (rest.length > 0 || !(ACTION_NAMES as readonly string[]).includes(name ?? '')) return undefined;
  const action = name as ActionName;
  if (action !== 'mute') return seconds === undefined ? { action } : undefined;
  const muteSeconds = Number(seconds);
  return (MUTE_SECONDS as readonly number[]).includes(muteSeconds) ? { action, muteSeconds } : undefined;
}

function smallMessage(message: unknown): ActionRequest['message'] {
  if (!isRecord(message) || !Array.isArray(message.blocks)) return undefined;
  const text = typeof message.text === 'string' ? message.text : '';
  if (JSON.stringify(message.blocks).length + text.length > MAX_MESSAGE_CHARS) return undefined;
  return { text, blocks: message.blocks };
}

/**
 * Parses the raw form body. Throws PayloadError when it is not a Slack interactivity payload; answers
 * `ignored` for genuine payloads that are not one of this app's buttons.
 */
export function parseInteraction(rawBody: string): ParsedPayload {
  const form = new URLSearchParams(rawBody);
  const raw = form.get('payload');
  if (raw === null) throw new PayloadError('the body has no payload field');
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw new PayloadError('the payload is not JSON');
  }
  if (!isRecord(payload)) throw new PayloadError('the payload is not an object');
  if (payload.type === PING_TYPE) return { kind: 'ping' };
  const user = isRecord(payload.user) ? payload.user : {};
  const team = isRecord(payload.team) ? payload.team : {};
  const origin: PayloadOrigin = {
    teamId: id(team.id) ?? id(user.team_id) ?? '',
    appId: id(payload.api_app_id) ?? '',
  };
  if (payload.type !== 'block_actions') {
    return { kind: 'ignored', reason: `type ${String(payload.type)}`, origin };
  }
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const clicked = actions[0];
  if (actions.length !== 1 || !isRecord(clicked))
    return { kind: 'ignored', reason: 'not one action', origin };
  const kind = parseActionId(clicked.action_id);
  if (!kind) return { kind: 'ignored', reason: 'not a sfn-slack button', origin };
  const value = parseButtonValue(clicked.value);
  if (!value) throw new PayloadError('the button value is not an execution of this app');
  const channel = isRecord(payload.channel) ? payload.channel : {};
  const container = isRecord(payload.container) ? payload.container : {};
  const userId = id(user.id);
  const channelId = id(channel.id) ?? id(container.channel_id);
  const messageTs =
    typeof container.message_ts === 'string' && MESSAGE_TS.test(container.message_ts)
      ? container.message_ts
      : undefined;
  if (!userId || !channelId || !messageTs) {
    throw new PayloadError('the payload has no user, channel or message');
  }
  const message = smallMessage(payload.message);
  const responseUrl =
    typeof payload.response_url === 'string' && RESPONSE_URL.test(payload.response_url)
      ? payload.response_url
      : undefined;
  return {
    kind: 'action',
    origin,
    request: {
      action: kind.action,
      executionArn: value.executionArn,
      stateMachineArn: stateMachineOf(value.executionArn) as string,
      redriveCount: value.redriveCount,
      ...(kind.muteSeconds === undefined ? {} : { muteSeconds: kind.muteSeconds }),
      userId,
      teamId: origin.teamId,
      appId: origin.appId,
      ...(value.account === undefined ? {} : { sourceAccount: value.account, sourceRegion: value.region }),
      channelId,
      messageTs,
      ...(message ? { message } : {}),
      ...(responseUrl ? { responseUrl } : {}),
    },
  };
}
