import { ACTIONS_OUTPUTS } from './actions.js';

/** The CfnOutputs every healthy stack has (infra/stacks/notifier-stack.ts); the CLI looks them up by name. */
const REQUIRED_OUTPUTS = [
  'NotifierStateMachineArn',
  'DeliveryStateMachineArn',
  'QueueUrl',
  'QueueArn',
  'DeadLetterQueueUrl',
  'DeadLetterQueueArn',
  'ConnectionArn',
  'ConnectionName',
] as const;

/**
 * Outputs a healthy stack may lack: one of BotTokenSecretArn (channel mode, with SlackChannel) and
 * WebhookParameterName (webhook mode, with WebhookParameterKeyArn only for a customer managed key); the three
 * Slack-actions outputs (only with `actions`); FormatterFunctionName, which no command uses; AlarmTopicArn and
 * ReplayRoleArn, which stacks deployed before them lack (replay runs as whatever the profile gives it);
 * CentralEventBusArn and SourceStackSetTargets, which only a central environment (cdk.json `sources`) has.
 */
const OPTIONAL_OUTPUT_NAMES = [
  'BotTokenSecretArn',
  'SlackChannel',
  'WebhookParameterName',
  'WebhookParameterKeyArn',
  'FormatterFunctionName',
  'AlarmTopicArn',
  'ReplayRoleArn',
  ACTIONS_OUTPUTS.interactivityUrl,
  ACTIONS_OUTPUTS.signingSecretArn,
  ACTIONS_OUTPUTS.stateMachineArn,
  'CentralEventBusArn',
  'SourceStackSetTargets',
] as const;

/** The CfnOutputs of an environment's stack (infra/stacks/notifier-stack.ts), which the CLI looks up by name. */
export const OUTPUT_NAMES = [...REQUIRED_OUTPUTS, ...OPTIONAL_OUTPUT_NAMES] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

/** The outputs a healthy stack may lack (see OPTIONAL_OUTPUT_NAMES); every other output must be there. */
export const OPTIONAL_OUTPUTS: ReadonlySet<OutputName> = new Set<OutputName>(OPTIONAL_OUTPUT_NAMES);

/** The stack name of an environment. */
export function notifierStackName(environmentName: string): string {
  return `SfnSlackNotifier-${environmentName}`;
}
