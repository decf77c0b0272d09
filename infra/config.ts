/**
 * Per-environment configuration, read from cdk.json context `environments.<name>` and validated at synth.
 * Every error names the key that is wrong and says how to fix it, so a typo fails `cdk synth` with one line.
 */

import { ACTION_NAMES, type ActionName, type ActionsPolicy, enabledActions } from './actions-schema.js';
import { isoDurationSeconds, STORM_THRESHOLD } from './message-store-schema.js';
import { checkWatchedArnsInSources, parseSources, type SourcesConfig } from './source-config.js';

/** Execution statuses the EventBridge rule can match. */
export const EXECUTION_STATUSES = [
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'SUCCEEDED',
  'RUNNING',
  'PENDING_REDRIVE',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** The statuses notified when an environment does not list its own. */
export const DEFAULT_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'];

export const DEFAULT_TEMPLATE = 'detailed';

export type DestinationConfig =
  | {
      readonly type: 'channel';
      /** Channel ID (C…) or name (#alerts). */
      readonly channel: string;
      /**
       * Name of an existing Secrets Manager secret holding the bot token.
       * @default - the stack creates one; `sfn-slack setup` writes the token into it
       */
      readonly botTokenSecretName?: string;
    }
  | {
      readonly type: 'webhook';
      /**
       * SSM SecureString parameter holding the incoming-webhook URL.
       * @default `/{env}/SLACK_URL`
       */
      readonly parameterName: string;
      /**
       * ARN of the customer managed KMS key the parameter is encrypted with.
       * @default - the AWS managed key aws/ssm (it lets every principal of the account decrypt, so no grant)
       */
      readonly kmsKeyArn?: string;
    };

export interface EnvironmentConfig {
  /** The environment name (the key under `environments`). */
  readonly name: string;
  /** AWS account to deploy to. @default - the CLI's current account (environment-agnostic stack) */
  readonly account?: string;
  /** AWS region to deploy to. @default - the CLI's current region (environment-agnostic stack) */
  readonly region?: string;
  /** Full ARNs of watched Standard state machines. @default [] */
  readonly stateMachineArns: readonly string[];
  /** Name prefixes of watched state machines in the stack's account and region. @default [] */
  readonly stateMachineNamePrefixes: readonly string[];
  /** @default FAILED, TIMED_OUT, ABORTED, SUCCEEDED */
  readonly statuses: readonly ExecutionStatus[];
  readonly destination: DestinationConfig;
  /** Slack mention for failed, timed-out and aborted runs. @default - no mention */
  readonly mentionOnFailure?: string;
  /** Formatter template name. @default 'detailed' */
  readonly template: string;
  /** SNS topic for the alarms. @default - a topic the stack creates (stack output `AlarmTopicArn`) */
  readonly alarmTopicArn?: string;
  /**
   * Keep the watched executions' data in the notifier's and delivery's log groups (for debugging).
   * @default false
   */
  readonly logExecutionData: boolean;
  /**
   * A failure's thread reply is also shown in the channel (`reply_broadcast`). @default true
   */
  readonly replyBroadcast: boolean;
  /**
   * ISO 8601 duration (`PT2H`): a run still running then gets "still running" on its message (channel mode).
   * @default - no check
   */
  readonly runningLongerThan?: string;
  /**
   * Redrive, Stop and Mute buttons (channel mode): who may do each, and the signing secret of the Slack app.
   * @default - no buttons, no interactivity endpoint
   */
  readonly actions?: ActionsConfig;
  /**
   * A central environment: the accounts and regions whose status changes are forwarded to this environment's
   * event bus (infra/source-config.ts). Requires `account` and `region`.
   * @default - a single-account environment (the rule on the default bus of its own account and region)
   */
  readonly sources?: SourcesConfig;
  /**
   * Storm digests (channel mode): more than `threshold` new executions of one state machine in the channel within
   * `window` (ISO 8601) go into one digest message. `threshold` 0 turns digests off.
   * @default - threshold 5, window PT5M
   */
  readonly storm?: StormSettings;
}

/** `environments.<name>.actions`. */
export interface ActionsConfig {
  /** Who may do each action; an action nobody may do shows no button. */
  readonly policy: ActionsPolicy;
  /**
   * Name of an existing Secrets Manager secret holding the Slack app's signing secret.
   * @default - the stack creates one; `sfn-slack setup --signing-secret` writes it
   */
  readonly signingSecretName?: string;
}

export interface StormSettings {
  readonly threshold: number;
  readonly windowSeconds: number;
}

/** A configuration mistake; the message is one line meant for the person editing cdk.json. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const NAME_PREFIX = /^[A-Za-z0-9_-]{1,80}$/;
const CHANNEL = /^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$/;
const MENTION = /^<(@[UW][A-Z0-9]+|!subteam\^[A-Z0-9]+|!here|!channel|!everyone)>$/;
const TEMPLATE = /^[a-z][a-z0-9-]{0,63}$/;
const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;
/** An environment name: it becomes part of stack, log group and parameter names. */
export const ENV_NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

const KNOWN_KEYS = [
  'account',
  'region',
  'stateMachineArns',
  'stateMachineNamePrefixes',
  'statuses',
  'destination',
  'mentionOnFailure',
  'template',
  'alarmTopicArn',
  'logExecutionData',
  'replyBroadcast',
  'runningLongerThan',
  'actions',
  'sources',
  'storm',
] as const;

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const SLACK_USER_GROUP = /^S[A-Z0-9]{2,20}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(where: string, value: unknown, pattern: RegExp, hint: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${where} must be a list of strings; ${hint}`);
  return value.map((item, index) => {
    if (typeof item !== 'string' || !pattern.test(item)) {
      throw new ConfigError(`${where}[${index}] is ${JSON.stringify(item)}; ${hint}`);
    }
    return item;
  });
}

function optionalString(where: string, value: unknown, pattern: RegExp, hint: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(`${where} is ${JSON.stringify(value)}; ${hint}`);
  }
  return value;
}

function parseDestination(where: string, envName: string, value: unknown): DestinationConfig {
  if (!isRecord(value)) {
    throw new ConfigError(
      `${where} is missing; set it to {"type": "channel", "channel": "C0123456789"} or {"type": "webhook"}`
    );
  }
  if (value.type === 'channel') {
    for (const key of Object.keys(value)) {
      if (!['type', 'channel', 'botTokenSecretName'].includes(key)) {
        throw new ConfigError(
          `${where}.${key} is not a channel-destination setting; use type, channel, botTokenSecretName`
        );
      }
    }
    const channel = optionalString(
      `${where}.channel`,
      value.channel,
      CHANNEL,
      'use a channel ID like "C0123456789" or a name like "#alerts"'
    );
    if (channel === undefined) {
      throw new ConfigError(
        `${where}.channel is missing; use a channel ID like "C0123456789" or a name like "#alerts"`
      );
    }
    const botTokenSecretName = optionalString(
      `${where}.botTokenSecretName`,
      value.botTokenSecretName,
      SECRET_NAME,
      'use the name of an existing Secrets Manager secret, or remove the key to let the stack create one'
    );
    return botTokenSecretName === undefined
      ? { type: 'channel', channel }
      : { type: 'channel', channel, botTokenSecretName };
  }
  if (value.type === 'webhook') {
    for (const key of Object.keys(value)) {
      if (!['type', 'parameterName', 'kmsKeyArn'].includes(key)) {
        throw new ConfigError(
          `${where}.${key} is not a webhook-destination setting; use type, parameterName, kmsKeyArn`
        );
      }
    }
    const parameterName =
      optionalString(
        `${where}.parameterName`,
        value.parameterName,
        PARAMETER_NAME,
        `use an SSM parameter name starting with "/", e.g. "/${envName}/SLACK_URL"`
      ) ?? `/${envName}/SLACK_URL`;
    const kmsKeyArn = optionalString(
      `${where}.kmsKeyArn`,
      value.kmsKeyArn,
      KMS_KEY_ARN,
      'use the ARN of the KMS key the parameter is encrypted with, or remove the key for aws/ssm'
    );
    return kmsKeyArn === undefined
      ? { type: 'webhook', parameterName }
      : { type: 'webhook', parameterName, kmsKeyArn };
  }
  throw new ConfigError(`${where}.type is ${JSON.stringify(value.type)}; use "channel" or "webhook"`);
}

function parseActions(where: string, value: unknown, destination: DestinationConfig): ActionsConfig {
  if (!isRecord(value)) {
    throw new ConfigError(
      `${where} must be an object like {"redrive": {"users": ["U0123ABCD"], "userGroups": ["S0123ABCD"]}}`
    );
  }
  if (destination.type !== 'channel') {
    throw new ConfigError(
      `${where} needs a channel destination (buttons edit the message, which a webhook cannot); remove it or use {"type": "channel", ...}`
    );
  }
  for (const key of Object.keys(value)) {
    if (!([...ACTION_NAMES, 'signingSecretName'] as string[]).includes(key)) {
      throw new ConfigError(
        `${where}.${key} is not an actions setting; use ${ACTION_NAMES.join(', ')}, signingSecretName`
      );
    }
  }
  const allow = (name: ActionName) => {
    const raw = value[name];
    if (raw === undefined) return { users: [], userGroups: [] };
    if (!isRecord(raw) || Object.keys(raw).some((k) => k !== 'users' && k !== 'userGroups')) {
      throw new ConfigError(`${where}.${name} must be {"users": [...], "userGroups": [...]}`);
    }
    return {
      users: stringList(
        `${where}.${name}.users`,
        raw.users,
        SLACK_USER,
        'use Slack user IDs like "U0123ABCD"'
      ),
      userGroups: stringList(
        `${where}.${name}.userGroups`,
        raw.userGroups,
        SLACK_USER_GROUP,
        'use Slack user group IDs like "S0123ABCD"'
      ),
    };
  };
  const policy: ActionsPolicy = { redrive: allow('redrive'), stop: allow('stop'), mute: allow('mute') };
  if (enabledActions(policy).length === 0) {
    throw new ConfigError(
      `${where} allows nobody anything; list users or userGroups under redrive, stop or mute, or remove the key`
    );
  }
  const signingSecretName = optionalString(
    `${where}.signingSecretName`,
    value.signingSecretName,
    SECRET_NAME,
    'use the name of an existing Secrets Manager secret, or remove the key to let the stack create one'
  );
  return signingSecretName === undefined ? { policy } : { policy, signingSecretName };
}

/** Validates one environment's raw context value. */
export function parseEnvironment(name: string, raw: unknown): EnvironmentConfig {
  const where = `cdk.json context environments.${name}`;
  if (!ENV_NAME.test(name)) {
    throw new ConfigError(
      `${where}: the environment name must start with a letter and hold only letters, digits and "-" (at most 32)`
    );
  }
  if (!isRecord(raw)) throw new ConfigError(`${where} must be an object with the environment's settings`);
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${where}.${key} is not a setting; use one of ${KNOWN_KEYS.join(', ')}`);
    }
  }
  const account = optionalString(
    `${where}.account`,
    raw.account,
    /^\d{12}$/,
    'use a 12-digit AWS account ID'
  );
  const region = optionalString(
    `${where}.region`,
    raw.region,
    /^[a-z]{2}(-[a-z]+)+-\d$/,
    'use a region code like "eu-west-1"'
  );
  const stateMachineArns = stringList(
    `${where}.stateMachineArns`,
    raw.stateMachineArns,
    STATE_MACHINE_ARN,
    'use full state machine ARNs like "arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl"'
  );
  const stateMachineNamePrefixes = stringList(
    `${where}.stateMachineNamePrefixes`,
    raw.stateMachineNamePrefixes,
    NAME_PREFIX,
    'use state machine name prefixes like "etl-" (letters, digits, "-" and "_")'
  );
  if (stateMachineArns.length === 0 && stateMachineNamePrefixes.length === 0) {
    throw new ConfigError(
      `${where} watches no state machine; set stateMachineArns and/or stateMachineNamePrefixes`
    );
  }
  const statuses =
    raw.statuses === undefined
      ? [...DEFAULT_STATUSES]
      : stringList(
          `${where}.statuses`,
          raw.statuses,
          new RegExp(`^(${EXECUTION_STATUSES.join('|')})$`),
          `use some of ${EXECUTION_STATUSES.join(', ')}`
        );
  if (statuses.length === 0) {
    throw new ConfigError(
      `${where}.statuses is empty; list at least one status or remove the key for the default`
    );
  }
  const destination = parseDestination(`${where}.destination`, name, raw.destination);
  const mentionOnFailure = optionalString(
    `${where}.mentionOnFailure`,
    raw.mentionOnFailure,
    MENTION,
    'use a Slack mention like "<!subteam^S0123ABCD>", "<@U0123ABCD>" or "<!here>"'
  );
  const template =
    optionalString(
      `${where}.template`,
      raw.template,
      TEMPLATE,
      'use a template name like "detailed" or "compact"'
    ) ?? DEFAULT_TEMPLATE;
  const alarmTopicArn = optionalString(
    `${where}.alarmTopicArn`,
    raw.alarmTopicArn,
    SNS_TOPIC_ARN,
    'use an SNS topic ARN like "arn:aws:sns:eu-west-1:111122223333:ops-alarms"'
  );
  if (raw.logExecutionData !== undefined && typeof raw.logExecutionData !== 'boolean') {
    throw new ConfigError(
      `${where}.logExecutionData is ${JSON.stringify(raw.logExecutionData)}; use true (keep execution data in the logs, for debugging) or false (the default)`
    );
  }
  const logExecutionData = raw.logExecutionData === true;
  if (raw.replyBroadcast !== undefined && typeof raw.replyBroadcast !== 'boolean') {
    throw new ConfigError(
      `${where}.replyBroadcast is ${JSON.stringify(raw.replyBroadcast)}; use true or false`
    );
  }
  const runningLongerThan = raw.runningLongerThan;
  if (runningLongerThan !== undefined) {
    if (typeof runningLongerThan !== 'string' || isoDurationSeconds(runningLongerThan) === undefined) {
      throw new ConfigError(
        `${where}.runningLongerThan is ${JSON.stringify(runningLongerThan)}; use an ISO 8601 duration in days, hours, minutes or seconds, like "PT2H" or "P1DT12H"`
      );
    }
    if (destination.type !== 'channel') {
      throw new ConfigError(
        `${where}.runningLongerThan needs a channel destination (a webhook message cannot be edited); remove it or use {"type": "channel", ...}`
      );
    }
  }
  const actions =
    raw.actions === undefined ? undefined : parseActions(`${where}.actions`, raw.actions, destination);
  const sources = raw.sources === undefined ? undefined : parseSources(`${where}.sources`, raw.sources);
  if (sources !== undefined) {
    if (account === undefined || region === undefined) {
      throw new ConfigError(
        `${where}.sources needs ${where}.account and .region: the source accounts forward to the central bus by its ARN`
      );
    }
    checkWatchedArnsInSources(where, stateMachineArns, sources);
  }
  if (sources !== undefined && actions !== undefined) {
    throw new ConfigError(
      `${where} sets both sources and actions; Slack actions in a central environment are not supported yet: remove actions (or sources)`
    );
  }
  const storm = parseStorm(raw.storm, where, destination.type);
  return {
    name,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    stateMachineArns,
    stateMachineNamePrefixes,
    statuses: [...new Set(statuses)] as ExecutionStatus[],
    destination,
    ...(mentionOnFailure === undefined ? {} : { mentionOnFailure }),
    template,
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    logExecutionData,
    replyBroadcast: raw.replyBroadcast !== false,
    ...(typeof runningLongerThan === 'string' ? { runningLongerThan } : {}),
    ...(actions === undefined ? {} : { actions }),
    ...(sources === undefined ? {} : { sources }),
    ...(storm === undefined ? {} : { storm }),
  };
}

const STORM_WINDOW_MAX_SECONDS = 86_400;

/** `{"threshold": 5, "window": "PT5M"}`, both optional; undefined when absent. */
function parseStorm(raw: unknown, where: string, destinationType: string): StormSettings | undefined {
  if (raw === undefined) return undefined;
  const usage = 'use {"threshold": 5, "window": "PT5M"} (threshold 0 turns storm digests off)';
  if (!isRecord(raw) || Object.keys(raw).some((k) => k !== 'threshold' && k !== 'window')) {
    throw new ConfigError(`${where}.storm is ${JSON.stringify(raw)}; ${usage}`);
  }
  const threshold = raw.threshold ?? STORM_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0 || threshold > 1000) {
    throw new ConfigError(
      `${where}.storm.threshold is ${JSON.stringify(raw.threshold)}; use a whole number from 0 (off) to 1000`
    );
  }
  const window = raw.window ?? 'PT5M';
  const windowSeconds = typeof window === 'string' ? isoDurationSeconds(window) : undefined;
  if (windowSeconds === undefined || windowSeconds < 60 || windowSeconds > STORM_WINDOW_MAX_SECONDS) {
    throw new ConfigError(
      `${where}.storm.window is ${JSON.stringify(raw.window)}; use an ISO 8601 duration from PT1M to P1D, like "PT5M"`
    );
  }
  if (destinationType !== 'channel' && threshold > 0) {
    throw new ConfigError(
      `${where}.storm needs a channel destination (a webhook message cannot be edited into a digest); remove it`
    );
  }
  return { threshold, windowSeconds };
}

/**
 * Validates the `environments` context and selects the ones to synthesize.
 * @param selected the `env` context value; undefined selects every environment
 */
export function loadEnvironments(environments: unknown, selected?: unknown): EnvironmentConfig[] {
  if (!isRecord(environments) || Object.keys(environments).length === 0) {
    throw new ConfigError(
      'cdk.json context "environments" is missing or empty; add at least one, e.g. "environments": {"dev": {...}} (see docs/infra.md)'
    );
  }
  const names = Object.keys(environments);
  if (selected === undefined) return names.map((name) => parseEnvironment(name, environments[name]));
  if (typeof selected !== 'string' || !names.includes(selected)) {
    throw new ConfigError(
      `-c env=${String(selected)} is not configured; use one of ${names.join(', ')} or add it under "environments" in cdk.json`
    );
  }
  return [parseEnvironment(selected, environments[selected])];
}
