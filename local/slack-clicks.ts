/**
 * Button clicks as Slack sends them to an app's interactivity request URL: a `block_actions` payload in a form
 * body, signed with the app's signing secret (v0). `signature` chooses a refusal to test: `bad` (signed with
 * another secret), `stale` (a timestamp ten minutes old, correctly signed), `none` (no signature headers).
 */
import { randomBytes } from 'node:crypto';
import { signSlackRequest } from '../formatters/actions/signature.js';

export type ClickSignature = 'good' | 'bad' | 'stale' | 'none';

/** The button a click presses, as the message holds it. */
export interface ClickedButton {
  readonly action_id: string;
  readonly value?: string;
  readonly block_id?: string;
  readonly text?: unknown;
}

export interface ClickOptions {
  readonly user: string;
  readonly channel: string;
  readonly message: { readonly ts: string; readonly text?: string; readonly blocks?: readonly unknown[] };
  readonly button: ClickedButton;
  /** Where the app may answer the clicker. @default - none */
  readonly responseUrl?: string;
  /** @default 'T0LOCAL' */
  readonly team?: string;
  /** The app the click is sent to (`api_app_id`). @default 'A0LOCAL' */
  readonly app?: string;
}

/** The form body of a click (`payload=<JSON>`). */
export function clickBody(options: ClickOptions): string {
  const team = options.team ?? 'T0LOCAL';
  const payload = {
    type: 'block_actions',
    team: { id: team, domain: 'local' },
    user: { id: options.user, username: options.user.toLowerCase(), team_id: team },
    api_app_id: options.app ?? 'A0LOCAL',
    container: {
      type: 'message',
      message_ts: options.message.ts,
      channel_id: options.channel,
      is_ephemeral: false,
    },
    trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
    channel: { id: options.channel, name: 'alerts' },
    message: {
      type: 'message',
      ts: options.message.ts,
      text: options.message.text ?? '',
      blocks: options.message.blocks ?? [],
    },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: options.button.action_id,
        block_id: options.button.block_id ?? 'sfn-slack-actions',
        ...(options.button.text ? { text: options.button.text } : {}),
        ...(options.button.value === undefined ? {} : { value: options.button.value }),
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The headers Slack sends with a body, signed as asked. */
export function signedHeaders(
  signingSecret: string,
  body: string,
  nowMs: number,
  signature: ClickSignature = 'good'
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature === 'none') return headers;
  const timestamp = String(Math.floor(nowMs / 1000) - (signature === 'stale' ? 600 : 0));
  const secret = signature === 'bad' ? `${signingSecret}-wrong` : signingSecret;
  headers['x-slack-request-timestamp'] = timestamp;
  headers['x-slack-signature'] = signSlackRequest(secret, timestamp, body);
  return headers;
}
