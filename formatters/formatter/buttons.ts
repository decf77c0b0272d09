/**
 * The Redrive, Stop and Mute buttons, shown only where the action can succeed:
 * - Redrive on a failed, timed-out or aborted execution that Step Functions still reports as redrivable (only
 *   Standard executions are notified at all);
 * - Stop, behind a confirm dialog, on a running one (start notices);
 * - Mute 1 h and Mute 24 h everywhere;
 * - in a central environment, no Mute button on a run of another region than the central one: the notifier keeps
 *   its count of held notifications only there (Redrive and Stop reach other regions through the act-in-region
 *   function).
 * Each button's value names the execution and the redrive count the message shows, and the account and region of
 * the event the message was made from; the interactivity endpoint trusts none of them without its own checks
 * (formatters/actions/interactivity.ts). An event whose account or region is not its execution's gets no buttons.
 */
import type { Button, PlainTextElement } from '@slack/types';
import { ACTIONS_BLOCK_ID, type ActionName, MUTE_SECONDS } from '../../contract/actions.js';
import { actionId, encodeButtonValue, executionOrigin } from '../../contract/buttons.js';
import type { SlackMessage } from '../../contract/formatter.js';
import { ACCOUNT_ID, REGION } from '../../contract/sources.js';
import { isFailingStatus } from '../../contract/statuses.js';

/** Slack's block limit per message. */
const MAX_BLOCKS = 50;

export interface ButtonContext {
  /** The actions the environment enables (settings.actions). */
  readonly actions: readonly string[];
  readonly executionArn: string;
  readonly status: string;
  readonly redriveCount: number;
  /** The event's `redriveStatus` (REDRIVABLE, NOT_REDRIVABLE, …) when it has one. */
  readonly redriveStatus?: string | null | undefined;
  /** The event's `account` and `region` (EventBridge's envelope), recorded in the buttons' value. */
  readonly account?: string | undefined;
  readonly region?: string | undefined;
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: true });

/** The buttons that apply to this news, in order; none when the environment enables no action. */
export function actionButtons(context: ButtonContext): Button[] {
  const enabled = (name: ActionName) => context.actions.includes(name);
  const envelope =
    typeof context.account === 'string' &&
    ACCOUNT_ID.test(context.account) &&
    typeof context.region === 'string' &&
    REGION.test(context.region)
      ? { account: context.account, region: context.region }
      : undefined;
  const origin = executionOrigin(context.executionArn);
  // Nobody acts across accounts: a message about another account's or region's execution carries no button.
  if (envelope && (origin?.account !== envelope.account || origin?.region !== envelope.region)) return [];
  const value = encodeButtonValue({
    executionArn: context.executionArn,
    redriveCount: context.redriveCount,
    ...(envelope ?? {}),
  });
  const buttons: Button[] = [];
  const redrivable =
    context.redriveStatus === undefined ||
    context.redriveStatus === null ||
    context.redriveStatus === 'REDRIVABLE';
  if (enabled('redrive') && isFailingStatus(context.status) && redrivable) {
    buttons.push({
      type: 'button',
      action_id: actionId('redrive'),
      text: plain('Redrive'),
      style: 'primary',
      value,
    });
  }
  if (enabled('stop') && context.status === 'RUNNING') {
    buttons.push({
      type: 'button',
      action_id: actionId('stop'),
      text: plain('Stop'),
      style: 'danger',
      value,
      confirm: {
        title: plain('Stop this run?'),
        text: plain('The execution ends ABORTED. It can be redriven later.'),
        confirm: plain('Stop'),
        deny: plain('Cancel'),
        style: 'danger',
      },
    });
  }
  if (enabled('mute')) {
    for (const seconds of MUTE_SECONDS) {
      buttons.push({
        type: 'button',
        action_id: actionId('mute', seconds),
        text: plain(`Mute ${seconds / 3600} h`),
        value,
      });
    }
  }
  return buttons;
}

/** The message with an actions block of its buttons appended (within Slack's 50 blocks). */
export function withActionButtons(message: SlackMessage, context: ButtonContext): SlackMessage {
  const buttons = actionButtons(context);
  if (buttons.length === 0) return message;
  const blocks = [...(message.blocks ?? [])].slice(0, MAX_BLOCKS - 1);
  return {
    ...message,
    blocks: [...blocks, { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: buttons }],
  };
}
