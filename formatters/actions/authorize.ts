/**
 * Who may do what. The environment lists, per action, Slack user IDs and user group IDs. A listed user is allowed
 * at once; a user who is not listed can only be allowed through a listed group, which the actions machine checks
 * with usergroups.users.list (the bot token lives in the EventBridge connection, not in this Lambda). Nobody else.
 */
import { type ActionName, type ActionsPolicy, isWatchedStateMachine } from '../../contract/actions.js';
import type { ActionRequest } from './payload.js';

export type Decision =
  | { readonly kind: 'allowed' }
  /** Allowed only if the user is in one of these groups (the machine asks Slack). */
  | { readonly kind: 'check-groups'; readonly userGroups: readonly string[] }
  | { readonly kind: 'refused'; readonly reason: 'not-allowed' | 'not-watched' };

/** The decision for one click: the execution must belong to a watched machine, the user must be allowed. */
export function authorize(
  request: Pick<ActionRequest, 'action' | 'userId' | 'stateMachineArn'>,
  policy: ActionsPolicy,
  watched: readonly string[]
): Decision {
  if (!isWatchedStateMachine(request.stateMachineArn, watched))
    return { kind: 'refused', reason: 'not-watched' };
  const allow = policy[request.action as ActionName];
  if (!allow) return { kind: 'refused', reason: 'not-allowed' };
  if (allow.users.includes(request.userId)) return { kind: 'allowed' };
  if (allow.userGroups.length > 0) return { kind: 'check-groups', userGroups: allow.userGroups };
  return { kind: 'refused', reason: 'not-allowed' };
}

/** The ephemeral line a refused user sees (no detail an attacker could use). */
export function refusalText(
  reason: 'not-allowed' | 'not-watched',
  action: ActionName,
  environment: string
): string {
  return reason === 'not-allowed'
    ? `:no_entry: You are not allowed to ${action} runs from Slack in ${environment}. Ask the notifier's owners to add you.`
    : `:no_entry: This run does not belong to a state machine ${environment} watches; nothing was done.`;
}
