/**
 * Slack interactivity payloads: the form body `payload=<JSON>` of a `block_actions` request, reduced to the one
 * action this app's buttons can ask for. Everything is validated against a strict shape: the signature says the
 * request came from Slack, not that the button was ours (anyone in the workspace can post a message with a
 * button carrying any value).
 */
import { ACTION_ID_PREFIX, ACTION_NAMES, type ActionName, MUTE_SECONDS } from '../../contract/actions.js';

/** A Standard execution ARN; its state machine is the part before the execution name. */
const EXECUTION_ARN =
  /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:([A-Za-z0-9_-]{1,80}):([^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80})$/;
const SLACK_ID = /^[A-Z0-9]{2,24}$/;
const MESSAGE_TS = /^\d{1,12}\.\d{1,8}$/;
/** Slack's response URLs; anything else is not followed (the Lambda must not be made to call arbitrary hosts). */
const RESPONSE_URL = /^https:\/\/hooks\.slack\.com\/actions\/[A-Za-z0-9/_-]{1,300}$/;
/** A Slack message posted as the parent: passed to the machine only when small (it edits the buttons away). */
const MAX_MESSAGE_CHARS = 100_000;

/** A button's value: which execution, at which redrive count the message was rendered. */
export interface ButtonValue {
  readonly executionArn: string;
  readonly redriveCount: number;
}

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify({ e: value.executionArn, r: value.redriveCount });
}

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

export type ParsedPayload =
  | { readonly kind: 'action'; readonly request: ActionRequest }
  | { readonly kind: 'ping' }
  /** A genuine Slack request that is not one of this app's buttons: acknowledged, nothing done. */
  | { readonly kind: 'ignored'; readonly reason: string };

/** A body that is not a payload at all. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const id = (value: unknown): string | undefined =>
  typeof value === 'string' && SLACK_ID.test(value) ? value : undefined;

/** The state machine ARN of an execution ARN, or undefined when the text is not a Standard execution ARN. */
export function stateMachineOf(executionArn: string): string | undefined {
  const m = EXECUTION_ARN.exec(executionArn);
  if (!m) return undefined;
  return `arn:${m[1]}:states:${m[2]}:${m[3]}:stateMachine:${m[4]}`;
}

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

/** The `action_id` of a button. */
export function actionId(action: ActionName, muteSeconds?: number): string {
  return `${ACTION_ID_PREFIX}${action}${action === 'mute' ? `:${muteSeconds}` : ''}`;
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
  if (payload.type !== 'block_actions') return { kind: 'ignored', reason: `type ${String(payload.type)}` };
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const clicked = actions[0];
  if (actions.length !== 1 || !isRecord(clicked)) return { kind: 'ignored', reason: 'not one action' };
  const kind = parseActionId(clicked.action_id);
  if (!kind) return { kind: 'ignored', reason: 'not a sfn-slack button' };
  const value = parseButtonValue(clicked.value);
  if (!value) throw new PayloadError('the button value is not an execution of this app');
  const user = isRecord(payload.user) ? payload.user : {};
  const team = isRecord(payload.team) ? payload.team : {};
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
    request: {
      action: kind.action,
      executionArn: value.executionArn,
      stateMachineArn: stateMachineOf(value.executionArn) as string,
      redriveCount: value.redriveCount,
      ...(kind.muteSeconds === undefined ? {} : { muteSeconds: kind.muteSeconds }),
      userId,
      teamId: id(team.id) ?? id(user.team_id) ?? '',
      channelId,
      messageTs,
      ...(message ? { message } : {}),
      ...(responseUrl ? { responseUrl } : {}),
    },
  };
}
