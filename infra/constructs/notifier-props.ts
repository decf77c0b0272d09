/**
 * SlackNotifier's props, validated before anything is built, by the same rules as an environment of cdk.json
 * (contract/settings.ts parseEnvironment): the props that have a cdk.json key are written in the cdk.json shape and
 * parsed by those rules, so the same mistake gets the same one-line error, naming the prop and the fix, whichever
 * path it came by. Only what cdk.json cannot hold (constructs, Durations, custom template ids) is checked here.
 */
import path from 'node:path';
import { type Stack, Token } from 'aws-cdk-lib';
import type { Route } from '../../contract/routes.js';
import { ConfigError, type EnvironmentConfig, parseEnvironment } from '../../contract/settings.js';
import { parseSources } from '../../contract/sources.js';
import { suggestion } from '../../contract/suggest.js';
import { CUSTOM_TEMPLATE_PREFIX, DEFAULT_TEMPLATE } from '../../contract/templates.js';
import type { SlackNotifierProps } from './slack-notifier.js';

/** How errors name the props. */
export const PROPS_WHERE = 'SlackNotifier props';

/** Every prop SlackNotifier takes; anything else is a mistake (a JavaScript app or a cast gets past the types). */
const PROP_KEYS = [
  'environmentName',
  'routes',
  'allowedChannels',
  'mute',
  'customTemplates',
  'stateMachineArns',
  'stateMachineNamePrefixes',
  'statuses',
  'destination',
  'mentionOnFailure',
  'template',
  'alarmTopic',
  'stalledQueueAge',
  'logExecutionData',
  'passExecutionData',
  'logRetention',
  'maxReceiveCount',
  'replyBroadcast',
  'runningLongerThan',
  'actions',
  'central',
  'watchedKmsKeyArns',
  'replayPrincipals',
  'storm',
  'notifierType',
  'digests',
] as const satisfies readonly (keyof SlackNotifierProps)[];

// Every prop is listed: a prop added to SlackNotifierProps but not here fails the type check.
type Unlisted = Exclude<keyof SlackNotifierProps, (typeof PROP_KEYS)[number]>;
const allListed: Unlisted extends never ? true : Unlisted = true;
void allListed;

/** The props whose cdk.json key has another name (errors name the prop). */
const PROP_NAME_OF_KEY: Readonly<Record<string, string>> = {
  kmsKeyArns: 'watchedKmsKeyArns',
  sources: 'central',
};

/** The props, validated: the routes (with their defaults) and the rest as cdk.json would have them. */
export interface ValidatedProps {
  readonly config: EnvironmentConfig;
  /** The routes to build from: the given ones, or the one the shorthand props describe. */
  readonly routes: readonly Route[];
  /**
   * id → path of every custom template the routes name: the customTemplates prop, and the `.jsonata` paths a
   * route names directly (as in cdk.json, relative to the working directory).
   */
  readonly customTemplates: Readonly<Record<string, string>>;
}

/**
 * Checks the props and returns the routes to build from. Throws a ConfigError naming the prop and the fix.
 * @param stack the stack the notifier goes into: its account and region, when known, are the environment's
 */
export function validateNotifierProps(props: SlackNotifierProps, stack: Stack): ValidatedProps {
  if (typeof props !== 'object' || props === null) {
    throw new ConfigError(`${PROPS_WHERE} must be an object with environmentName and destination`);
  }
  for (const key of Object.keys(props)) {
    if (!(PROP_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${PROPS_WHERE}.${key} is not a prop: ${suggestion(key, PROP_KEYS)}`);
    }
  }
  checkPlainStrings(props);
  checkConstructOnly(props);
  const account = known(stack.account);
  const region = known(stack.region);
  // A route's `custom/<id>` names a customTemplates entry (a cdk.json route names the file itself): checked
  // here, then parsed as the default template, and put back after.
  const customIds = new Set(Object.keys(props.customTemplates ?? {}));
  const customOf = (where: string, template: unknown): string | undefined => {
    if (typeof template !== 'string' || !template.startsWith(CUSTOM_TEMPLATE_PREFIX)) return undefined;
    const id = template.slice(CUSTOM_TEMPLATE_PREFIX.length);
    if (!customIds.has(id)) {
      throw new ConfigError(
        `${where} is ${JSON.stringify(template)}, which names no customTemplates entry; add customTemplates: { "${id}": "<path>.jsonata" }, or use a built-in template`
      );
    }
    return template;
  };
  const shorthandCustom = customOf(`${PROPS_WHERE}.template`, props.template);
  const routeCustom = (props.routes ?? []).map((route, index) =>
    customOf(`${PROPS_WHERE}.routes[${index}].template`, route?.template)
  );
  const raw = definedOnly({
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    stateMachineArns: props.stateMachineArns,
    stateMachineNamePrefixes: props.stateMachineNamePrefixes,
    statuses: props.statuses,
    destination: destinationOf(props.destination),
    mentionOnFailure: props.mentionOnFailure,
    template: shorthandCustom === undefined ? props.template : DEFAULT_TEMPLATE,
    routes: props.routes?.map((route, index) =>
      routeOf(route, routeCustom[index] === undefined ? undefined : DEFAULT_TEMPLATE)
    ),
    allowedChannels: props.allowedChannels,
    mute: props.mute,
    logExecutionData: props.logExecutionData,
    replyBroadcast: props.replyBroadcast,
    runningLongerThan: props.runningLongerThan,
    // cdk.json lists who may do each action beside teamId and appId; the prop holds them in `policy`.
    actions: props.actions && {
      ...props.actions.policy,
      ...(props.actions.teamId === undefined ? {} : { teamId: props.actions.teamId }),
      ...(props.actions.appId === undefined ? {} : { appId: props.actions.appId }),
    },
    // The sources' checks against the watched ARNs need the environment's account and region; without them
    // (an environment-agnostic stack: the bus is the app's own) the sources are checked alone.
    sources: account !== undefined && region !== undefined ? sourcesOf(props.central) : undefined,
    // cdk.json gives the window as an ISO 8601 duration; the prop, in seconds.
    storm: props.storm && {
      threshold: props.storm.threshold,
      window:
        typeof props.storm.windowSeconds === 'number'
          ? `PT${props.storm.windowSeconds}S`
          : props.storm.windowSeconds,
    },
    replayPrincipals: props.replayPrincipals,
    kmsKeyArns: props.watchedKmsKeyArns,
    notifierType: props.notifierType,
  });
  if (raw.sources === undefined && props.central !== undefined) {
    renamed(() => parseSources(`${PROPS_WHERE}.sources`, sourcesOf(props.central)));
  }
  const config = renamed(() => parseEnvironment(props.environmentName, raw, PROPS_WHERE));
  const routes = config.routes.map((route, index) => {
    const custom = props.routes === undefined ? shorthandCustom : routeCustom[index];
    return custom === undefined ? route : { ...route, template: custom };
  });
  const customTemplates = {
    ...Object.fromEntries(
      Object.entries(config.customTemplates).map(([id, file]) => [id, path.resolve(file)])
    ),
    ...props.customTemplates,
  };
  return { config, routes, customTemplates };
}

/** The value, unless it is a token (not known at synth): then validation leaves it to the deploy. */
function known(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

/** Runs `parse`, naming the props in its error as the construct calls them. */
function renamed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let message = error.message;
    for (const [key, prop] of Object.entries(PROP_NAME_OF_KEY)) {
      message = message.replaceAll(`${PROPS_WHERE}.${key}`, `${PROPS_WHERE}.${prop}`);
    }
    throw new ConfigError(message, { cause: error });
  }
}

function definedOnly<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The destination as cdk.json has it (the secret and the key are constructs, not settings). */
function destinationOf(destination: SlackNotifierProps['destination'] | undefined): unknown {
  if (typeof destination !== 'object' || destination === null) return destination;
  if (destination.type === 'channel') return { type: 'channel', channel: destination.channel };
  if (destination.type === 'webhook') return { type: 'webhook', parameterName: destination.parameterName };
  return { type: (destination as { type?: unknown }).type };
}

/** A route as cdk.json has it: a route sending to the environment's webhook names no destination of its own. */
function routeOf(route: Route, template: string | undefined): unknown {
  if (typeof route !== 'object' || route === null) return route;
  const { destination, ...rest } = route;
  return {
    ...rest,
    ...(destination?.type === 'webhook' ? {} : { destination }),
    ...(template === undefined ? {} : { template }),
  };
}

function sourcesOf(central: SlackNotifierProps['central']): unknown {
  if (central === undefined) return undefined;
  return definedOnly({
    accounts: central.accounts,
    regions: central.regions,
    organizationId: central.organizationId,
  });
}

/**
 * The settings the notifier writes into its definitions must be known at synth: a token there would be written as
 * its placeholder text.
 */
function checkPlainStrings(props: SlackNotifierProps): void {
  const routes = props.routes ?? [];
  const plain: Array<[string, unknown]> = [
    ['environmentName', props.environmentName],
    ['destination.channel', props.destination?.type === 'channel' ? props.destination.channel : undefined],
    ...(props.allowedChannels ?? []).map((c, i): [string, unknown] => [`allowedChannels[${i}]`, c]),
    ...(props.stateMachineArns ?? []).map((a, i): [string, unknown] => [`stateMachineArns[${i}]`, a]),
    ...routes.flatMap((route, r) => [
      ...(route?.match?.stateMachineArns ?? []).map((a, i): [string, unknown] => [
        `routes[${r}].match.stateMachineArns[${i}]`,
        a,
      ]),
      [
        `routes[${r}].destination.channel`,
        route?.destination?.type === 'channel' ? route.destination.channel : undefined,
      ] as [string, unknown],
    ]),
  ];
  for (const [name, value] of plain) {
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      throw new ConfigError(
        `${PROPS_WHERE}.${name} is a token; the notifier writes it into its definitions at synth, so give the plain string (e.g. the state machine's ARN or name prefix as text)`
      );
    }
  }
}

/** The props cdk.json has no key for. */
function checkConstructOnly(props: SlackNotifierProps): void {
  const receives = props.maxReceiveCount;
  if (receives !== undefined && !(Number.isInteger(receives) && receives >= 1 && receives <= 1000)) {
    throw new ConfigError(
      `${PROPS_WHERE}.maxReceiveCount is ${JSON.stringify(receives)}; use a whole number of deliveries from 1 to 1000 (SQS's range), or remove it for 5`
    );
  }
  for (const key of ['passExecutionData'] as const) {
    if (props[key] !== undefined && typeof props[key] !== 'boolean') {
      throw new ConfigError(`${PROPS_WHERE}.${key} is ${JSON.stringify(props[key])}; use true or false`);
    }
  }
  if (props.customTemplates !== undefined) {
    for (const [id, file] of Object.entries(props.customTemplates)) {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id) || typeof file !== 'string') {
        throw new ConfigError(
          `${PROPS_WHERE}.customTemplates.${id} must map an id of lowercase letters, digits and "-" to the path of a .jsonata file`
        );
      }
    }
  }
}
