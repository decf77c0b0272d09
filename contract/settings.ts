/**
 * Per-environment settings: their types, defaults and validation, read from cdk.json context
 * `environments.<name>` at synth and by the CLI. Every error is one line that names the key and the fix.
 * Dependency-free: infra, formatters, local, cli and bench import it.
 */
import { ACTION_NAMES, type ActionName, type ActionsPolicy, enabledActions } from './actions.js';
import { parseArn } from './arns.js';
import { type DigestPlan, digestPlans, parseDigest } from './digest.js';
import { ConfigError } from './errors.js';
import { QUEUE_BATCH_MAX } from './formatter.js';
import { isoDurationSeconds, STORM_THRESHOLD } from './message-store.js';
import {
  derivePattern,
  destinationKey,
  EVENT_PATTERN_LIMIT,
  patternSize,
  type Route,
  type RouteDestination,
  type RouteMatch,
  readsTags,
} from './routes.js';
import {
  ACCOUNT_ID,
  checkWatchedArnsInSources,
  parseSources,
  REGION,
  type SourcesConfig,
} from './sources.js';
import { DEFAULT_STATUSES, EXECUTION_STATUSES, type ExecutionStatus } from './statuses.js';
import { suggestion } from './suggest.js';
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE, isBuiltInTemplate, isTemplatePath } from './templates.js';

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
  /**
   * The connection: a channel destination's bot token, or the webhook. Routes without a destination post here.
   */
  readonly destination: DestinationConfig;
  /**
   * The routes, in order, every default filled in. `routes` in cdk.json, or one route named `default` built from
   * the shorthand keys (stateMachineArns, stateMachineNamePrefixes, statuses, mentionOnFailure, template).
   */
  readonly routes: readonly Route[];
  /**
   * Channels a `sfn-slack:channel` tag may send to. @default the channels the routes name (a tag can only pick
   * one of them)
   */
  readonly allowedChannels: readonly string[];
  /**
   * The environment's mention (the default of its routes' `mention`); the "still running" banner uses it.
   * @default - none
   */
  readonly mentionOnFailure?: string;
  /** `sfn-slack mute` works here: the notifier reads the `sfn-slack:mute-until` tag. @default false */
  readonly mute: boolean;
  /** Whether the notifier reads the watched machine's tags (some route needs them, mute is on, or a Mute button). */
  readonly readTags: boolean;
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
   * Storm digests: more than `threshold` new executions of one state machine in the channel within `window`
   * (ISO 8601) go into one digest message (webhook mode: digest posts, at most one a minute). `threshold` 0 turns
   * digests off.
   * @default - threshold 5, window PT5M
   */
  readonly storm?: StormSettings;
  /**
   * Redrive, Stop and Mute buttons (channel mode): who may do each, and the signing secret of the Slack app.
   * @default - no buttons, no interactivity endpoint
   */
  readonly actions?: ActionsConfig;
  /**
   * Who may assume the replay role (`sfn-slack replay`): IAM role or user ARNs of the environment's account,
   * `*` allowed (IAM Identity Center's generated role names: `…:role/aws-reserved/sso.amazonaws.com/` + `*`).
   * @default - principals tagged `sfn-slack:replay` = the environment name (REPLAY_PRINCIPAL_TAG): nobody until
   *   an administrator tags one
   */
  readonly replayPrincipals?: readonly string[];
  /**
   * Customer managed KMS keys the watched state machines are encrypted with: the roles that read their history
   * and definition or stop them get `kms:Decrypt` on these keys through Step Functions only
   * (`kms:ViaService` = `states.<region>.amazonaws.com`).
   * @default - none (watched machines use AWS owned keys)
   */
  readonly kmsKeyArns?: readonly string[];
  /**
   * A central environment: the accounts and regions whose status changes are forwarded to this environment's
   * event bus (contract/sources.ts). Requires `account` and `region`.
   * @default - a single-account environment (the rule on the default bus of its own account and region)
   */
  readonly sources?: SourcesConfig;
  /** Custom template files the routes name (relative to cdk.json), by the id the formatter knows them as. */
  readonly customTemplates: Readonly<Record<string, string>>;
  /**
   * The notifier state machine's type: `express` for millions of notifications a month (no redrive of a
   * notification, its runs seen through the log group only, 5 minutes at most, no mute holds: docs/infra.md).
   * @default 'standard'
   */
  readonly notifierType: NotifierType;
  /**
   * Daily digests, one per destination (`digest` on the environment or a route, contract/digest.ts).
   * @default [] (off)
   */
  readonly digests: readonly DigestPlan[];
  /** Things that are allowed but probably not meant, each one line with the reason. */
  readonly warnings: readonly string[];
}

export { ConfigError };

/** The notifier state machine's types (`notifierType`). */
export const NOTIFIER_TYPES = ['standard', 'express'] as const;
export type NotifierType = (typeof NOTIFIER_TYPES)[number];

/** `environments.<name>.actions`. */
export interface ActionsConfig {
  /** Who may do each action; an action nobody may do shows no button. */
  readonly policy: ActionsPolicy;
  /**
   * Name of an existing Secrets Manager secret holding the Slack app's signing secret.
   * @default - the stack creates one; `sfn-slack setup --signing-secret` writes it
   */
  readonly signingSecretName?: string;
  /**
   * The Slack workspace (`team_id`, `T…`; `E…` for an Enterprise Grid organization) whose clicks are accepted.
   * @default - any workspace the app is installed in (synth warns)
   */
  readonly teamId?: string;
  /**
   * The Slack app (`api_app_id`, `A…`) whose clicks are accepted.
   * @default - any app that holds the signing secret (synth warns)
   */
  readonly appId?: string;
}

/** The principal tag that lets a role or user assume the replay role when `replayPrincipals` is not set. */
export const REPLAY_PRINCIPAL_TAG = 'sfn-slack:replay';
/** An IAM role or user ARN, `*` allowed in the path and name (aws:PrincipalArn, matched with ArnLike). */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[A-Za-z0-9+=,.@_/*-]{1,512}$/;
/** A Slack workspace or Enterprise Grid organization ID, and an app ID. */
export const SLACK_TEAM = /^[TE][A-Z0-9]{2,20}$/;
export const SLACK_APP = /^A[A-Z0-9]{2,20}$/;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const NAME_PREFIX = /^[A-Za-z0-9_-]{1,80}$/;
export const CHANNEL = /^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,})$/;
const PERSON_MENTION = '@[UW][A-Z0-9]+|!subteam\\^[A-Z0-9]+';
/** A Slack mention cdk.json may set: a user, a user group, or @here/@channel/@everyone (the formatter checks it too). */
export const MENTION = new RegExp(`^<(${PERSON_MENTION}|!here|!channel|!everyone)>$`);
/**
 * A mention the `sfn-slack:mention` tag may set: a user or a user group only. Whoever may tag a watched machine is
 * not trusted to notify a whole channel; any other value is ignored as if the tag were absent. Its source is the
 * notifier's MentionPattern substitution, inside a JSONata regex literal (`/${MentionPattern}/`: the file parses
 * before substitution too), JSON-escaped like every substitution (contract/definition-values.ts).
 */
export const TAG_MENTION = new RegExp(`^<(${PERSON_MENTION})>$`);

const TEMPLATE = /^[a-z][a-z0-9-]{0,63}$/;
export const PARAMETER_NAME = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]{1,128}$/;
/** An environment name: it becomes part of stack, log group and parameter names. */
export const ENV_NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

/** Every key an environment of cdk.json may have (README.md lists them all: test/docs.test.ts). */
export const KNOWN_KEYS = [
  'account',
  'region',
  'stateMachineArns',
  'stateMachineNamePrefixes',
  'statuses',
  'destination',
  'mentionOnFailure',
  'template',
  'routes',
  'allowedChannels',
  'mute',
  'alarmTopicArn',
  'logExecutionData',
  'replyBroadcast',
  'runningLongerThan',
  'actions',
  'sources',
  'storm',
  'replayPrincipals',
  'kmsKeyArns',
  'notifierType',
  'digest',
] as const;

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const SLACK_USER_GROUP = /^S[A-Z0-9]{2,20}$/;

const ROUTE_KEYS = [
  'name',
  'match',
  'statuses',
  'destination',
  'mention',
  'template',
  'stop',
  'tagOverrides',
  'digest',
];
const MATCH_KEYS = ['stateMachineArns', 'stateMachineNamePrefixes', 'tags', 'accounts', 'regions'];
/** A shorter prefix catches machines nobody meant (a one-letter prefix watches a third of an account). */
export const MIN_PREFIX_LENGTH = 3;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
const CUSTOM_TEMPLATE_PATH = /^[A-Za-z0-9_.\-/]{1,200}\.jsonata$/;

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
    if (!([...ACTION_NAMES, 'signingSecretName', 'teamId', 'appId'] as string[]).includes(key)) {
      throw new ConfigError(
        `${where}.${key} is not an actions setting; use ${ACTION_NAMES.join(', ')}, signingSecretName, teamId, appId`
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
  const teamId = optionalString(
    `${where}.teamId`,
    value.teamId,
    SLACK_TEAM,
    'use the Slack workspace ID the app is installed in, like "T0123ABCD" (an Enterprise Grid organization: "E0123ABCD")'
  );
  const appId = optionalString(
    `${where}.appId`,
    value.appId,
    SLACK_APP,
    'use the Slack app ID from Basic Information → App Credentials, like "A0123ABCD"'
  );
  return {
    policy,
    ...(signingSecretName === undefined ? {} : { signingSecretName }),
    ...(teamId === undefined ? {} : { teamId }),
    ...(appId === undefined ? {} : { appId }),
  };
}

/** `replayPrincipals`: role or user ARNs of the environment's account (when it is known). */
function parseReplayPrincipals(where: string, value: unknown, account: string | undefined): string[] {
  const principals = stringList(
    where,
    value,
    IAM_PRINCIPAL_ARN,
    'use IAM role or user ARNs like "arn:aws:iam::111122223333:role/ops-oncall" (* allowed in the name)'
  );
  for (const [index, arn] of principals.entries()) {
    const owner = IAM_PRINCIPAL_ARN.exec(arn)?.[1];
    if (account !== undefined && owner !== account) {
      throw new ConfigError(
        `${where}[${index}] is in account ${owner}, not the environment's ${account}; the replay role trusts its own account's principals only`
      );
    }
  }
  return principals;
}

/**
 * `kmsKeyArns`: key ARNs (not aliases: a grant on an alias ARN does not cover the key) in the environment's
 * region or, for a central environment, a source region.
 */
function parseKmsKeyArns(where: string, value: unknown, regions: readonly string[] | undefined): string[] {
  const keys = stringList(
    where,
    value,
    KMS_KEY_ARN,
    'use KMS key ARNs like "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" (not an alias)'
  );
  for (const [index, arn] of keys.entries()) {
    const keyRegion = KMS_KEY_ARN.exec(arn)?.[1] as string;
    if (regions !== undefined && !regions.includes(keyRegion)) {
      throw new ConfigError(
        `${where}[${index}] is a key of ${keyRegion}, where this environment watches no state machine (${regions.join(', ')}); a state machine's key is in its own region`
      );
    }
  }
  return keys;
}

/**
 * Validates one environment's settings (the cdk.json shape) and fills in the defaults.
 * @param where how errors name the settings: the cdk.json path, or the construct's props (SlackNotifier validates
 *   its props with these same rules: infra/constructs/notifier-props.ts)
 */
export function parseEnvironment(
  name: string,
  raw: unknown,
  where = `cdk.json context environments.${name}`
): EnvironmentConfig {
  if (!ENV_NAME.test(name)) {
    throw new ConfigError(
      `${where}: the environment name must start with a letter and hold only letters, digits and "-" (at most 32)`
    );
  }
  if (!isRecord(raw)) throw new ConfigError(`${where} must be an object with the environment's settings`);
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${where}.${key} is not a setting: ${suggestion(key, KNOWN_KEYS)}`);
    }
  }
  const warnings: string[] = [];
  const account = optionalString(
    `${where}.account`,
    raw.account,
    ACCOUNT_ID,
    'use a 12-digit AWS account ID'
  );
  const region = optionalString(`${where}.region`, raw.region, REGION, 'use a region code like "eu-west-1"');
  const destination = parseDestination(`${where}.destination`, name, raw.destination);
  const sources = raw.sources === undefined ? undefined : parseSources(`${where}.sources`, raw.sources);
  if (sources !== undefined && (account === undefined || region === undefined)) {
    throw new ConfigError(
      `${where}.sources needs ${where}.account and .region: the source accounts forward to the central bus by its ARN`
    );
  }
  const defaults = {
    statuses: parseStatuses(`${where}.statuses`, raw.statuses) ?? [...DEFAULT_STATUSES],
    mention: parseMention(`${where}.mentionOnFailure`, raw.mentionOnFailure),
    template: parseTemplate(`${where}.template`, raw.template) ?? DEFAULT_TEMPLATE,
    destination: routeDestinationOf(destination),
  };
  // A central environment watches its sources' accounts and regions (checked against sources below).
  const context: MatchContext = { where, account, region, warnings, central: sources !== undefined };
  let routes: Route[];
  if (raw.routes === undefined) {
    const match = parseMatch(where, raw, context);
    if (match.stateMachineArns.length === 0 && match.stateMachineNamePrefixes.length === 0) {
      throw new ConfigError(
        `${where} watches no state machine; set stateMachineArns and/or stateMachineNamePrefixes, or routes`
      );
    }
    routes = [
      {
        name: 'default',
        match,
        statuses: defaults.statuses,
        destination: defaults.destination,
        ...(defaults.mention === undefined ? {} : { mention: defaults.mention }),
        template: defaults.template,
        stop: false,
        tagOverrides: false,
      },
    ];
  } else {
    for (const key of ['stateMachineArns', 'stateMachineNamePrefixes'] as const) {
      if (raw[key] !== undefined) {
        throw new ConfigError(
          `${where}.${key} cannot be used with routes; move it into a route's "match" (each route says which machines it takes)`
        );
      }
    }
    if (!Array.isArray(raw.routes) || raw.routes.length === 0) {
      throw new ConfigError(
        `${where}.routes must be a non-empty list like [{"name": "data", "match": {"stateMachineNamePrefixes": ["data-"]}}]`
      );
    }
    routes = raw.routes.map((value, index) =>
      parseRoute(`${where}.routes[${index}]`, value, defaults, destination, context)
    );
    const names = new Set<string>();
    for (const [index, route] of routes.entries()) {
      if (names.has(route.name)) {
        throw new ConfigError(
          `${where}.routes[${index}].name "${route.name}" is used twice; give each route its own name`
        );
      }
      names.add(route.name);
    }
  }
  const routeChannels = routes.flatMap((r) =>
    r.destination.type === 'channel' ? [r.destination.channel] : []
  );
  const allowedChannels =
    raw.allowedChannels === undefined
      ? [...new Set(routeChannels)]
      : stringList(
          `${where}.allowedChannels`,
          raw.allowedChannels,
          CHANNEL,
          'use channel IDs like "C0123456789" or names like "#alerts"'
        );
  for (const channel of routeChannels) {
    if (!allowedChannels.includes(channel)) {
      throw new ConfigError(
        `${where}.allowedChannels does not list ${channel}, which a route sends to; add it, or remove allowedChannels to allow exactly the routes' channels`
      );
    }
  }
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
  const size = patternSize(
    derivePattern(routes, {
      partition: 'aws-iso-b',
      region: region ?? 'ap-southeast-5',
      account: account ?? '000000000000',
    })
  );
  if (size > EVENT_PATTERN_LIMIT) {
    throw new ConfigError(
      `${where}.routes derive an EventBridge pattern of about ${size} characters, over its ${EVENT_PATTERN_LIMIT}-character quota; replace listed ARNs by name prefixes (or fewer routes), or split the environment (docs/infra.md, "The derived rule")`
    );
  }
  if (raw.mute !== undefined && typeof raw.mute !== 'boolean') {
    throw new ConfigError(
      `${where}.mute is ${JSON.stringify(raw.mute)}; use true (sfn-slack mute can hold a machine's notifications; tags are read for every notification) or false`
    );
  }
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
  if (sources !== undefined) {
    checkWatchedArnsInSources(
      where,
      routes.flatMap((r) => r.match.stateMachineArns),
      sources
    );
  }
  const storm = parseStorm(raw.storm, where);
  const replayPrincipals =
    raw.replayPrincipals === undefined
      ? undefined
      : parseReplayPrincipals(`${where}.replayPrincipals`, raw.replayPrincipals, account);
  const kmsKeyArns =
    raw.kmsKeyArns === undefined
      ? undefined
      : parseKmsKeyArns(
          `${where}.kmsKeyArns`,
          raw.kmsKeyArns,
          sources !== undefined ? sources.regions : region === undefined ? undefined : [region]
        );
  if (actions !== undefined && (actions.teamId === undefined || actions.appId === undefined)) {
    warnings.push(
      `${where}.actions has no ${actions.teamId === undefined ? 'teamId' : 'appId'}: clicks are checked by signature only, so any workspace the app is installed in (or any app sharing the signing secret) can press the buttons; set teamId and appId (docs/actions.md)`
    );
  }
  const notifierType = raw.notifierType ?? 'standard';
  if (!(NOTIFIER_TYPES as readonly unknown[]).includes(notifierType)) {
    throw new ConfigError(
      `${where}.notifierType is ${JSON.stringify(raw.notifierType)}; use "standard" (the default) or "express"`
    );
  }
  if (
    notifierType === 'express' &&
    (raw.mute === true || (actions && enabledActions(actions.policy).includes('mute')))
  ) {
    throw new ConfigError(
      `${where}.notifierType "express" cannot hold a muted machine's notifications (an Express run lasts 5 minutes at most); remove "mute" and the Mute action, or use "standard"`
    );
  }
  const environmentDigest = raw.digest === undefined ? undefined : parseDigest(`${where}.digest`, raw.digest);
  const routeDigests = Array.isArray(raw.routes)
    ? raw.routes.map((route, index) =>
        isRecord(route) && route.digest !== undefined
          ? parseDigest(`${where}.routes[${index}].digest`, route.digest)
          : undefined
      )
    : [];
  const digests = digestPlans(routes, environmentDigest, routeDigests);
  // One notification queues every destination's message in one SendMessageBatch (formatters/formatter/notify.ts).
  const destinations = new Set(routes.map((route) => destinationKey(route.destination)));
  if (destinations.size > QUEUE_BATCH_MAX) {
    throw new ConfigError(
      `${where}.routes name ${destinations.size} destinations; at most ${QUEUE_BATCH_MAX} (the notifier queues one notification's messages in one SQS batch): route some of them to a shared channel, or split the environment`
    );
  }
  const customTemplates: Record<string, string> = {};
  const resolved = routes.map((route) => {
    if (!isTemplatePath(route.template)) return route;
    const id = customTemplateId(route.template);
    customTemplates[id] = route.template;
    return { ...route, template: `custom/${id}` };
  });
  return {
    name,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    destination,
    routes: resolved,
    allowedChannels,
    mute: raw.mute === true,
    readTags: readsTags(resolved, {
      mute: raw.mute === true,
      actions: actions === undefined ? [] : enabledActions(actions.policy),
    }),
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    logExecutionData: raw.logExecutionData === true,
    ...(defaults.mention === undefined ? {} : { mentionOnFailure: defaults.mention }),
    replyBroadcast: raw.replyBroadcast !== false,
    ...(actions === undefined ? {} : { actions }),
    ...(sources === undefined ? {} : { sources }),
    ...(typeof runningLongerThan === 'string' ? { runningLongerThan } : {}),
    ...(storm === undefined ? {} : { storm }),
    ...(replayPrincipals === undefined || replayPrincipals.length === 0 ? {} : { replayPrincipals }),
    ...(kmsKeyArns === undefined || kmsKeyArns.length === 0 ? {} : { kmsKeyArns }),
    customTemplates,
    notifierType: notifierType as NotifierType,
    digests,
    warnings,
  };
}

/**
 * Whether a machine of this environment can be muted: `sfn-slack mute` (`"mute": true`) or a Mute button (somebody
 * may mute). Both set the `sfn-slack:mute-until` tag, which the notifier then reads.
 */
export function mutable(config: Pick<EnvironmentConfig, 'mute' | 'actions'>): boolean {
  return (
    config.mute || (config.actions !== undefined && enabledActions(config.actions.policy).includes('mute'))
  );
}

/** `environments.<name>.storm`, after validation. */
export interface StormSettings {
  readonly threshold: number;
  readonly windowSeconds: number;
}

const STORM_WINDOW_MAX_SECONDS = 86_400;

/** `{"threshold": 5, "window": "PT5M"}`, both optional; undefined when absent. */
function parseStorm(raw: unknown, where: string): StormSettings | undefined {
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
  return { threshold, windowSeconds };
}

/** The id a custom template file is bundled under: its file name without `.jsonata`, made safe. */
export function customTemplateId(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base
    .replace(/\.jsonata$/, '')
    .replace(/[^a-z0-9-]/gi, '-')
    .toLowerCase();
}

interface MatchContext {
  readonly where: string;
  readonly account: string | undefined;
  readonly region: string | undefined;
  readonly warnings: string[];
  readonly central?: boolean;
}

function routeDestinationOf(destination: DestinationConfig): RouteDestination {
  return destination.type === 'channel'
    ? { type: 'channel', channel: destination.channel }
    : { type: 'webhook' };
}

function parseStatuses(where: string, value: unknown): ExecutionStatus[] | undefined {
  if (value === undefined) return undefined;
  const statuses = stringList(
    where,
    value,
    new RegExp(`^(${EXECUTION_STATUSES.join('|')})$`),
    `use some of ${EXECUTION_STATUSES.join(', ')}`
  );
  if (statuses.length === 0) {
    throw new ConfigError(`${where} is empty; list at least one status or remove the key for the default`);
  }
  return [...new Set(statuses)] as ExecutionStatus[];
}

function parseMention(where: string, value: unknown): string | undefined {
  return optionalString(
    where,
    value,
    MENTION,
    'use a Slack mention like "<!subteam^S0123ABCD>", "<@U0123ABCD>" or "<!here>"'
  );
}

function parseTemplate(where: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && isBuiltInTemplate(value)) return value;
  if (typeof value === 'string' && isTemplatePath(value)) {
    if (!CUSTOM_TEMPLATE_PATH.test(value) || value.split('/').includes('..')) {
      throw new ConfigError(
        `${where} is ${JSON.stringify(value)}; a custom template is a path inside the project (relative to cdk.json, no ".."), like "templates/team.jsonata"`
      );
    }
    return value;
  }
  const hint =
    typeof value === 'string' && TEMPLATE.test(value) ? 'there is no such template' : 'not a template';
  throw new ConfigError(
    `${where} is ${JSON.stringify(value)} (${hint}); use ${BUILT_IN_TEMPLATES.join(' or ')}, or a path to your own .jsonata file`
  );
}

function parseMatch(where: string, value: Record<string, unknown>, context: MatchContext): RouteMatch {
  const stateMachineArns = stringList(
    `${where}.stateMachineArns`,
    value.stateMachineArns,
    STATE_MACHINE_ARN,
    'use full state machine ARNs like "arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl"'
  );
  for (const [index, arn] of context.central ? [] : stateMachineArns.entries()) {
    const { region: arnRegion, account: arnAccount } = parseArn(arn) ?? {};
    const elsewhere = [
      context.account !== undefined && arnAccount !== context.account ? `account ${arnAccount}` : '',
      context.region !== undefined && arnRegion !== context.region ? `region ${arnRegion}` : '',
    ].filter(Boolean);
    if (elsewhere.length > 0) {
      throw new ConfigError(
        `${where}.stateMachineArns[${index}] is in ${elsewhere.join(' and ')}, not the environment's ${context.account ?? ''}${context.account && context.region ? ' ' : ''}${context.region ?? ''}: its events never reach this stack's bus; deploy an environment there or forward its events (sources)`
      );
    }
    if (context.account === undefined || context.region === undefined) {
      context.warnings.push(
        `${where}.stateMachineArns[${index}]: the environment sets no account/region, so this ARN is watched only if the stack is deployed to ${arnAccount} ${arnRegion}`
      );
    }
  }
  const stateMachineNamePrefixes = stringList(
    `${where}.stateMachineNamePrefixes`,
    value.stateMachineNamePrefixes,
    NAME_PREFIX,
    'use state machine name prefixes like "etl-" (letters, digits, "-" and "_")'
  );
  for (const [index, prefix] of stateMachineNamePrefixes.entries()) {
    if (prefix.length < MIN_PREFIX_LENGTH) {
      throw new ConfigError(
        `${where}.stateMachineNamePrefixes[${index}] "${prefix}" is shorter than ${MIN_PREFIX_LENGTH} characters and would watch machines nobody meant; use a longer prefix like "etl-" or list ARNs`
      );
    }
  }
  let tags: Record<string, string> = {};
  if (value.tags !== undefined) {
    if (!isRecord(value.tags)) throw new ConfigError(`${where}.tags must be an object like {"team": "data"}`);
    tags = {};
    for (const [key, tagValue] of Object.entries(value.tags)) {
      if (!TAG_KEY.test(key) || typeof tagValue !== 'string' || !TAG_VALUE.test(tagValue)) {
        throw new ConfigError(
          `${where}.tags.${key} is ${JSON.stringify(tagValue)}; use a tag key and a string value as AWS allows them (key 1-128, value 0-256 characters)`
        );
      }
      tags[key] = tagValue;
    }
  }
  const accounts = stringList(
    `${where}.accounts`,
    value.accounts,
    ACCOUNT_ID,
    'use 12-digit AWS account IDs'
  );
  const regions = stringList(`${where}.regions`, value.regions, REGION, 'use region codes like "eu-west-1"');
  return { stateMachineArns, stateMachineNamePrefixes, tags, accounts, regions };
}

function parseRoute(
  where: string,
  value: unknown,
  defaults: {
    statuses: ExecutionStatus[];
    mention: string | undefined;
    template: string;
    destination: RouteDestination;
  },
  connection: DestinationConfig,
  context: MatchContext
): Route {
  if (!isRecord(value)) {
    throw new ConfigError(
      `${where} must be an object like {"name": "data", "match": {...}, "destination": {...}}`
    );
  }
  for (const key of Object.keys(value)) {
    if (!ROUTE_KEYS.includes(key))
      throw new ConfigError(`${where}.${key} is not a route setting; use ${ROUTE_KEYS.join(', ')}`);
  }
  if (typeof value.name !== 'string' || !ROUTE_NAME.test(value.name)) {
    throw new ConfigError(
      `${where}.name is ${JSON.stringify(value.name)}; name the route, like "data-team" (letters, digits, space, "_", ".", "-")`
    );
  }
  if (!isRecord(value.match)) {
    throw new ConfigError(
      `${where}.match is missing; set {"stateMachineNamePrefixes": [...]} and/or {"stateMachineArns": [...]}`
    );
  }
  for (const key of Object.keys(value.match)) {
    if (!MATCH_KEYS.includes(key))
      throw new ConfigError(`${where}.match.${key} is not a match setting; use ${MATCH_KEYS.join(', ')}`);
  }
  const match = parseMatch(`${where}.match`, value.match, context);
  if (match.stateMachineArns.length === 0 && match.stateMachineNamePrefixes.length === 0) {
    throw new ConfigError(
      `${where}.match names no state machine; add stateMachineArns or stateMachineNamePrefixes (tags, accounts and regions narrow a route, they cannot widen the rule)`
    );
  }
  let destination = defaults.destination;
  if (value.destination !== undefined) {
    const d = value.destination;
    if (!isRecord(d) || Object.keys(d).some((k) => k !== 'type' && k !== 'channel')) {
      throw new ConfigError(`${where}.destination must be {"type": "channel", "channel": "#alerts"}`);
    }
    if (connection.type !== 'channel') {
      throw new ConfigError(
        `${where}.destination needs the environment's destination to be a channel (one webhook posts to one channel); remove it or use {"type": "channel", ...} for the environment`
      );
    }
    if (d.type !== undefined && d.type !== 'channel') {
      throw new ConfigError(
        `${where}.destination.type is ${JSON.stringify(d.type)}; routes post with the bot token: use "channel"`
      );
    }
    const channel = optionalString(
      `${where}.destination.channel`,
      d.channel,
      CHANNEL,
      'use a channel ID like "C0123456789" or a name like "#alerts"'
    );
    if (channel === undefined) {
      throw new ConfigError(
        `${where}.destination.channel is missing; use a channel ID like "C0123456789" or a name like "#alerts"`
      );
    }
    destination = { type: 'channel', channel };
  }
  if (value.stop !== undefined && typeof value.stop !== 'boolean') {
    throw new ConfigError(
      `${where}.stop is ${JSON.stringify(value.stop)}; use true (no later route is considered) or false`
    );
  }
  if (value.tagOverrides !== undefined && typeof value.tagOverrides !== 'boolean') {
    throw new ConfigError(
      `${where}.tagOverrides is ${JSON.stringify(value.tagOverrides)}; use true (sfn-slack:channel and sfn-slack:mention tags apply) or false`
    );
  }
  const mention =
    value.mention === undefined ? defaults.mention : parseMention(`${where}.mention`, value.mention);
  return {
    name: value.name,
    match,
    statuses: parseStatuses(`${where}.statuses`, value.statuses) ?? defaults.statuses,
    destination,
    ...(mention === undefined ? {} : { mention }),
    template: parseTemplate(`${where}.template`, value.template) ?? defaults.template,
    stop: value.stop === true,
    tagOverrides: value.tagOverrides === true,
  };
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
      `-c env=${String(selected)} is not configured: ${typeof selected === 'string' ? suggestion(selected, names) : `use one of ${names.join(', ')}`} (or add it under "environments" in cdk.json)`
    );
  }
  return [parseEnvironment(selected, environments[selected])];
}

/** The union of the routes' machines and statuses: what the rule (and a source account's forwarding rule) takes. */
export function watched(config: Pick<EnvironmentConfig, 'routes'>): {
  readonly stateMachineArns: readonly string[];
  readonly stateMachineNamePrefixes: readonly string[];
  readonly statuses: readonly ExecutionStatus[];
} {
  return {
    stateMachineArns: [...new Set(config.routes.flatMap((r) => r.match.stateMachineArns))],
    stateMachineNamePrefixes: [...new Set(config.routes.flatMap((r) => r.match.stateMachineNamePrefixes))],
    statuses: [...new Set(config.routes.flatMap((r) => r.statuses))],
  };
}
