/**
 * What this app's Slack buttons carry, written by the formatter (formatters/formatter/buttons.ts) and read back by
 * the actions endpoint (formatters/actions/payload.ts): the button's value and `action_id`, and the execution ARN
 * shape both sides check.
 */
import { ACTION_ID_PREFIX, type ActionName } from './actions.js';

/** A Standard execution ARN; its state machine is the part before the execution name. */
const EXECUTION_ARN =
  /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:([A-Za-z0-9_-]{1,80}):([^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80})$/;
/**
 * A button's value: which execution, at which redrive count the message was rendered, and the account and region
 * of the event the message was made from (EventBridge's envelope): the endpoint and the actions machine refuse a
 * click whose execution is not of that account and region. Values rendered before the envelope was recorded have
 * no `a`/`g` and are checked as before (watched machine, allowed user).
 */
export interface ButtonValue {
  readonly executionArn: string;
  readonly redriveCount: number;
  /** The event's `account`. */
  readonly account?: string;
  /** The event's `region`. */
  readonly region?: string;
}

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify({
    e: value.executionArn,
    r: value.redriveCount,
    ...(value.account === undefined ? {} : { a: value.account }),
    ...(value.region === undefined ? {} : { g: value.region }),
  });
}

/** The account and region of an execution ARN (undefined when it is not one). */
export function executionOrigin(executionArn: string): { account: string; region: string } | undefined {
  const m = EXECUTION_ARN.exec(executionArn);
  return m ? { account: m[3] as string, region: m[2] as string } : undefined;
}

/** The state machine ARN of an execution ARN, or undefined when the text is not a Standard execution ARN. */
export function stateMachineOf(executionArn: string): string | undefined {
  const m = EXECUTION_ARN.exec(executionArn);
  if (!m) return undefined;
  return `arn:${m[1]}:states:${m[2]}:${m[3]}:stateMachine:${m[4]}`;
}

/** The `action_id` of a button. */
export function actionId(action: ActionName, muteSeconds?: number): string {
  return `${ACTION_ID_PREFIX}${action}${action === 'mute' ? `:${muteSeconds}` : ''}`;
}
