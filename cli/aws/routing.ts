/**
 * An environment's routing as `routes`, `mute` and `mutes` reason with it: from cdk.json with `--env` (as
 * `cdk synth` will build it), or from the deployed notifier's descriptor with `--stack` / `--notifier-name` (as the
 * notifier runs it: a SlackNotifier in any stack).
 */
import { descriptorParameterName } from '../../contract/operator-descriptor.js';
import { type EnvironmentConfig, mutable } from '../../contract/settings.js';
import { readEnvironment } from '../environments.js';
import type { NotifierTarget } from './options.js';
import type { StackClients } from './stack.js';

export interface Routing {
  /** The environment (notifier) name. */
  readonly name: string;
  /** Where a state machine given by name lives. @default - unknown: give ARNs */
  readonly account?: string;
  readonly region?: string;
  readonly routes: EnvironmentConfig['routes'];
  readonly allowedChannels: readonly string[];
  readonly readTags: boolean;
  /** The notifier reads the `sfn-slack:mute-until` tag (`mute`, or a Mute button). */
  readonly mutable: boolean;
  readonly checksRunning?: boolean;
  /** Where it was read, for messages: `cdk.json` or the descriptor parameter. */
  readonly source: string;
}

export function routingOfConfig(config: EnvironmentConfig, cdkJson = 'cdk.json'): Routing {
  return {
    name: config.name,
    ...(config.account === undefined ? {} : { account: config.account }),
    ...(config.region === undefined ? {} : { region: config.region }),
    routes: config.routes,
    allowedChannels: config.allowedChannels,
    readTags: config.readTags,
    mutable: mutable(config),
    ...(config.runningLongerThan === undefined ? {} : { checksRunning: true }),
    source: cdkJson,
  };
}

/** The routing of a target: cdk.json for `--env`, the deployed descriptor otherwise. */
export async function readRouting(
  target: NotifierTarget,
  clients: () => Promise<StackClients>,
  cdkJson = 'cdk.json'
): Promise<Routing> {
  if (target.kind === 'env') return routingOfConfig(readEnvironment(target.env, cdkJson), cdkJson);
  // The stack readers (and the SDK clients they load) only when AWS is asked: `--env` reads cdk.json alone.
  const [awsClients, { readDescriptor, readStack }] = await Promise.all([clients(), import('./stack.js')]);
  const stack = await readStack(awsClients, target);
  // A stack of this repository found by its outputs: its notifier's descriptor has the settings.
  const descriptor =
    stack.descriptor ?? (await readDescriptor(awsClients.ssm, descriptorParameterName(stack.env)));
  const settings = descriptor.settings;
  return {
    name: descriptor.environment,
    account: descriptor.account,
    region: descriptor.region,
    routes: settings.routes,
    allowedChannels: settings.allowedChannels,
    readTags: settings.readTags,
    // The deployed notifier honours the mute tag whenever it reads tags (statemachines/notifier.asl.json).
    mutable: settings.readTags,
    ...(settings.checksRunning === undefined ? {} : { checksRunning: settings.checksRunning }),
    source: descriptorParameterName(descriptor.environment),
  };
}
