/**
 * Slack actions (Redrive, Stop, Mute) in one dependency-free place: the action names and their buttons' ids, the
 * mute durations, how the actions share the message store's table, and the Slack methods the actions machine
 * calls. The CDK construct (infra/constructs/slack-actions.ts), the interactivity Lambda (formatters/actions/), the
 * formatter's buttons, the local pipeline and the tests all import it.
 */

/** What a button can ask for. */
export const ACTION_NAMES = ['redrive', 'stop', 'mute'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** A button's `action_id`: `sfn-slack:<action>`, so the machine can remove exactly its own buttons. */
export const ACTION_ID_PREFIX = 'sfn-slack:';
/** The `block_id` of the actions block the formatter appends. */
export const ACTIONS_BLOCK_ID = 'sfn-slack-actions';

/** The Mute buttons, in seconds: 1 h and 24 h. Nothing else is accepted from a payload. */
export const MUTE_SECONDS = [3_600, 86_400] as const;

/** Slack's replay window: a request whose timestamp is further than this from now is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Items the actions keep in the message store's table (contract/message-store.ts), beside the messages:
 * - a request already answered: `pk` = `slack-request`, `sk` = SHA-256 of its signature (replay guard);
 * - an action claimed on an execution: `pk` = `action#<execution ARN>`, `sk` = `redrive#<redrive count>` or
 *   `stop#<redrive count>` (a double click acts once).
 * A mute is no item: the Mute buttons set the watched machine's `sfn-slack:mute-until` tag (contract/routes.ts
 * TAG_KEYS), as `sfn-slack mute` does.
 */
export const REQUEST_PARTITION = 'slack-request';
export const ACTION_PARTITION_PREFIX = 'action#';
/** A request's replay-guard item outlives the signature window. */
export const REQUEST_RETENTION_SECONDS = 2 * SIGNATURE_TOLERANCE_SECONDS;
/** A claim outlives the 14 days in which an execution can be redriven. */
export const CLAIM_RETENTION_SECONDS = 15 * 86_400;

/** The Slack Web API methods the actions machine calls through the EventBridge connection (and nothing else). */
export const SLACK_ACTION_METHODS = [
  { url: 'https://slack.com/api/chat.update', method: 'POST', scope: 'chat:write' },
  { url: 'https://slack.com/api/chat.postMessage', method: 'POST', scope: 'chat:write' },
  { url: 'https://slack.com/api/chat.postEphemeral', method: 'POST', scope: 'chat:write' },
  { url: 'https://slack.com/api/usergroups.users.list', method: 'GET', scope: 'usergroups:read' },
] as const;

/** Who may do one action: Slack user IDs (U…/W…) and user group IDs (S…). */
export interface ActionAllowList {
  readonly users: readonly string[];
  readonly userGroups: readonly string[];
}

/** Who may do each action; an action nobody may do shows no button. */
export type ActionsPolicy = Readonly<Record<ActionName, ActionAllowList>>;

/** The stack outputs of the actions (`sfn-slack setup` and `doctor` look them up by these names). */
export const ACTIONS_OUTPUTS = {
  interactivityUrl: 'InteractivityUrl',
  signingSecretArn: 'SigningSecretArn',
  stateMachineArn: 'ActionsStateMachineArn',
} as const;

/** The environment of the interactivity Lambda (set by the construct, read by formatters/actions/handler.ts). */
export const INTERACTIVITY_ENV = {
  signingSecretArn: 'SIGNING_SECRET_ARN',
  stateMachineArn: 'ACTIONS_STATE_MACHINE_ARN',
  tableName: 'MESSAGE_TABLE_NAME',
  /** JSON: the watched state machine ARNs and ARN prefixes (`…:stateMachine:etl-*`). */
  watched: 'WATCHED_STATE_MACHINES',
  /** JSON: the ActionsPolicy. */
  policy: 'ACTIONS_POLICY',
  environment: 'SFN_SLACK_ENVIRONMENT',
  /** The Slack workspace ID whose clicks are accepted (settings actions.teamId); unset: any. */
  teamId: 'SLACK_TEAM_ID',
  /** The Slack app ID whose clicks are accepted (settings actions.appId); unset: any. */
  appId: 'SLACK_APP_ID',
} as const;

/** The actions somebody may do: the buttons worth showing. */
export function enabledActions(policy: ActionsPolicy): ActionName[] {
  return ACTION_NAMES.filter((name) => policy[name].users.length + policy[name].userGroups.length > 0);
}

/** A central environment's watched name prefix, in every source account and region, as the actions see it. */
export function watchedAnywhere(partition: string, namePrefix: string): string {
  return `arn:${partition}:states:*:*:stateMachine:${namePrefix}*`;
}

/**
 * The watched machines as the actions see them: full state machine ARNs, and name prefixes as ARN prefixes
 * ending in `*`. A comma-separated list in the actions machine's definition, JSON in the Lambda's environment.
 */
export function isWatchedStateMachine(stateMachineArn: string, watched: readonly string[]): boolean {
  // A central environment's name prefixes hold in every source account and region (watchedAnywhere).
  const anywhere = stateMachineArn.replace(/^((?:[^:]*:){3})[^:]*:[^:]*:/, '$1*:*:');
  const fits = (arn: string, w: string) => (w.endsWith('*') ? arn.startsWith(w.slice(0, -1)) : arn === w);
  return watched.some((w) => fits(stateMachineArn, w) || fits(anywhere, w));
}

/**
 * The Slack endpoint's bundle carries the AWS SDK clients instead of loading the runtime's: Slack waits 3 s for the
 * answer, a cold start included, and the SDK's import was most of it (docs/performance.md). The construct, the
 * package build and the bench bundle it alike.
 */
export const INTERACTIVITY_BUNDLES_AWS_SDK = true;
