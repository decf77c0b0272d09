/**
 * A scenario's Slack faults (`{"at": t, "slack": {"fail": …, "method"?, "count"?, "seconds"?}}`): what each kind
 * makes the local Slack server answer, checked with errors that say what to change.
 *
 * Each kind answers as Slack does (Web API errors are HTTP 200 `{"ok": false, "error": …}`; rate limiting is HTTP
 * 429 with `Retry-After`; webhooks answer errors with an HTTP status and a plain-text code):
 * - `msg_too_long`, `is_archived`, `internal_error`, `invalid_auth`, `channel_not_found`: that error;
 * - `cant_update_message`: chat.update refused (a message this app may not edit);
 * - `message_not_found`: the message was deleted (the server removes it), so chat.update finds nothing;
 * - `ratelimited`: HTTP 429; `ratelimited_ok_false`: `ratelimited` on HTTP 200 (as Slack sometimes answers);
 * - `lost_response`: handled, then the connection dropped; `down`: dropped before handling;
 * - `hang`: held unanswered past the delivery's HTTP Task timeout, then dropped (the task fails with
 *   `States.Timeout`; nothing was handled).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fault } from './slack-server/index.js';

export const SLACK_FAILURES = [
  'lost_response',
  'ratelimited',
  'internal_error',
  'invalid_auth',
  'channel_not_found',
  'down',
  'msg_too_long',
  'cant_update_message',
  'message_not_found',
  'is_archived',
  'ratelimited_ok_false',
  'hang',
] as const;
export type SlackFailure = (typeof SLACK_FAILURES)[number];

/** The Web API methods the delivery calls: a fault may hit only one of them. */
export const SLACK_FAULT_METHODS = [
  'chat.postMessage',
  'chat.update',
  'conversations.history',
  'conversations.replies',
] as const;
export type SlackFaultMethod = (typeof SLACK_FAULT_METHODS)[number];

/** chat.update's own refusals: they hit only that method. */
const UPDATE_ONLY: readonly SlackFailure[] = ['cant_update_message', 'message_not_found'];
/** The method a kind hits when the step names none: chat.update's own refusals hit only chat.update. */
const defaultMethod = (fail: SlackFailure): SlackFaultMethod | undefined =>
  UPDATE_ONLY.includes(fail) ? 'chat.update' : undefined;
/** Kinds a webhook cannot answer (it has no Web API errors, and 429 is its only rate limit). */
const WEB_API_ONLY: readonly SlackFailure[] = [
  ...UPDATE_ONLY,
  'msg_too_long',
  'ratelimited_ok_false',
  'invalid_auth',
];

/** The `slack` step: a fault lasting `count` calls and/or `seconds` of the run's clock, whichever ends first. */
export interface SlackFaultStep {
  readonly fail: SlackFailure;
  /** Only calls of this method. @default - every call (chat.update for cant_update_message, message_not_found) */
  readonly method?: SlackFaultMethod;
  /** The next N matching calls. @default 1 without `seconds`; with it, no limit (then `seconds` ends it) */
  readonly count?: number;
  /** The fault ends this many seconds after the step. @default - no limit (then `count` ends it) */
  readonly seconds?: number;
}

export class SlackFaultError extends Error {
  override readonly name = 'SlackFaultError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a step's `slack` object; `where` names the step in the message (`step 3`). */
export function parseSlackFault(raw: unknown, where: string, webhook: boolean): SlackFaultStep {
  if (!isRecord(raw) || !SLACK_FAILURES.includes(raw.fail as SlackFailure)) {
    throw new SlackFaultError(`${where}.slack.fail must be one of ${SLACK_FAILURES.join(', ')}`);
  }
  const fail = raw.fail as SlackFailure;
  const known = ['fail', 'method', 'count', 'seconds'];
  const extra = Object.keys(raw).filter((k) => !known.includes(k));
  if (extra.length > 0) {
    throw new SlackFaultError(
      `${where}.slack has ${extra.map((k) => `"${k}"`).join(', ')}, which a Slack fault does not take: use ${known.join(', ')}`
    );
  }
  if (webhook && WEB_API_ONLY.includes(fail)) {
    throw new SlackFaultError(
      `${where}.slack.fail ${fail} is a Web API answer; the scenario posts through a webhook, which answers errors with an HTTP status: use lost_response, ratelimited, internal_error, channel_not_found, is_archived, down or hang`
    );
  }
  if (raw.method !== undefined) {
    if (webhook) {
      throw new SlackFaultError(
        `${where}.slack.method: a webhook has no methods (the scenario posts through a webhook): remove "method"`
      );
    }
    if (!SLACK_FAULT_METHODS.includes(raw.method as SlackFaultMethod)) {
      throw new SlackFaultError(`${where}.slack.method must be one of ${SLACK_FAULT_METHODS.join(', ')}`);
    }
    if (UPDATE_ONLY.includes(fail) && raw.method !== 'chat.update') {
      throw new SlackFaultError(
        `${where}.slack.fail ${fail} is an answer of chat.update only: set "method": "chat.update" or leave it out`
      );
    }
  }
  if (raw.count !== undefined && !(Number.isInteger(raw.count) && (raw.count as number) > 0)) {
    throw new SlackFaultError(`${where}.slack.count must be a whole number of calls, 1 or more`);
  }
  if (
    raw.seconds !== undefined &&
    !(typeof raw.seconds === 'number' && Number.isFinite(raw.seconds) && raw.seconds > 0)
  ) {
    throw new SlackFaultError(`${where}.slack.seconds must be a number of seconds, more than 0`);
  }
  const method = (raw.method as SlackFaultMethod | undefined) ?? defaultMethod(fail);
  return {
    fail,
    ...(method ? { method } : {}),
    // Neither: the next call only (as before `seconds` existed).
    ...(raw.count === undefined
      ? raw.seconds === undefined
        ? { count: 1 }
        : {}
      : { count: raw.count as number }),
    ...(raw.seconds === undefined ? {} : { seconds: raw.seconds as number }),
  };
}

const machinesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'statemachines');
let slackTimeoutSeconds: number | undefined;

/**
 * The longest `TimeoutSeconds` of the delivery definition's HTTP Task states (its Slack calls): a hung request
 * is held a second past it, so the task times out as it would on AWS.
 */
export function slackTaskTimeoutSeconds(): number {
  if (slackTimeoutSeconds === undefined) {
    const definition = JSON.parse(readFileSync(path.join(machinesDir, 'deliver.asl.json'), 'utf8')) as {
      States: Record<string, { Resource?: string; TimeoutSeconds?: number }>;
    };
    const timeouts = Object.values(definition.States)
      .filter((s) => s.Resource === 'arn:aws:states:::http:invoke')
      .map((s) => s.TimeoutSeconds ?? 60);
    // The HTTP Task gives up after 60 seconds whatever the state says.
    slackTimeoutSeconds = Math.min(60, Math.max(...timeouts));
  }
  return slackTimeoutSeconds;
}

/** The local Slack server's fault for a step that starts at `atMs` on the run's clock. */
export function slackFault(step: SlackFaultStep, atMs = 0): Fault {
  const times = step.count ?? Number.POSITIVE_INFINITY;
  const method = step.method ?? defaultMethod(step.fail);
  const common: Fault = {
    times,
    ...(method ? { method, target: 'api' as const } : {}),
    ...(step.seconds === undefined ? {} : { untilMs: atMs + step.seconds * 1000 }),
  };
  switch (step.fail) {
    case 'lost_response':
      return { ...common, drop: 'after' };
    case 'down':
      return { ...common, drop: 'before' };
    case 'hang':
      return { ...common, hangMs: (slackTaskTimeoutSeconds() + 1) * 1000 };
    case 'ratelimited':
      return { ...common, status: 429, error: 'ratelimited' };
    case 'ratelimited_ok_false':
      return { ...common, status: 200, error: 'ratelimited' };
    case 'message_not_found':
      return { ...common, error: 'message_not_found', deletes: true };
    case 'is_archived':
      // A webhook says it with HTTP 410 and its own code; the Web API with HTTP 200.
      return { ...common, error: 'is_archived' };
    default:
      return { ...common, error: step.fail };
  }
}
