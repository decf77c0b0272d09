/**
 * Who may do what. The environment lists, per action, Slack user IDs and user group IDs. A listed user is allowed
 * at once; a user who is not listed can only be allowed through a listed group, which the actions machine checks
 * with usergroups.users.list (the bot token lives in the EventBridge connection, not in this Lambda). Nobody else.
 */
import { type ActionName, type ActionsPolicy, isWatchedStateMachine } from '../../contract/actions.js';
import { executionOrigin } from '../../contract/buttons.js';
import type { ActionRequest } from './payload.js';

export type Refusal = 'not-allowed' | 'not-watched' | 'wrong-source';

export type Decision =
  | { readonly kind: 'allowed' }
  /** Allowed only if the user is in one of these groups (the machine asks Slack). */
  | { readonly kind: 'check-groups'; readonly userGroups: readonly string[] }
  | { readonly kind: 'refused'; readonly reason: Refusal };

/**
 * The decision for one click: the execution must be of the account and region of the event its message came from
 * (when the button records them), belong to a watched machine, and the user must be allowed.
 */
export function authorize(
  request: Pick<ActionRequest, 'action' | 'userId' | 'stateMachineArn'> &
    Partial<Pick<ActionRequest, 'executionArn' | 'sourceAccount' | 'sourceRegion'>>,
  policy: ActionsPolicy,
  watched: readonly string[]
): Decision {
  if (request.sourceAccount !== undefined || request.sourceRegion !== undefined) {
    const origin = executionOrigin(request.executionArn ?? '');
    if (origin?.account !== request.sourceAccount || origin?.region !== request.sourceRegion) {
      return { kind: 'refused', reason: 'wrong-source' };
    }
  }
  if (!isWatchedStateMachine(request.stateMachineArn, watched))
    return { kind: 'refused', reason: 'not-watched' };
  const allow = policy[request.action as ActionName];
  if (!allow) return { kind: 'refused', reason: 'not-allowed' };
  if (allow.users.includes(request.userId)) return { kind: 'allowed' };
  if (allow.userGroups.length > 0) return { kind: 'check-groups', userGroups: allow.userGroups };
  return { kind: 'refused', reason: 'not-allowed' };
}

/** The ephemeral line a refused user sees (no detail an attacker could use). */
export function refusalText(reason: Refusal, action: ActionName, environment: string): string {
  if (reason === 'not-allowed') {
    return `:no_entry: You are not allowed to ${action} runs from Slack in ${environment}. Ask the notifier's owners to add you.`;
  }
  if (reason === 'wrong-source') {
    return `:no_entry: This button names a run of another account or region than the event its message came from; nothing was done.`;
  }
  return `:no_entry: This run does not belong to a state machine ${environment} watches; nothing was done.`;
}
