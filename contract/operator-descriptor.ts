/**
 * The operator descriptor: one SSM parameter per notifier (infra/constructs/operator-descriptor.ts writes it)
 * holding what the operator commands need to find and reason about that notifier, whatever stack it is in and
 * whatever that stack is called: the resources the stack outputs of `SfnSlackNotifier-<env>` name (queues, state
 * machines, connection, secrets) and the routing settings `routes`, `mute` and `mutes` apply.
 *
 * Pure definitions: the construct writes this shape, the CLI (cli/aws/stack.ts) reads it back with
 * `parseDescriptor`.
 */

import { OUTPUT_NAMES, type OutputName } from './outputs.js';
import type { DeployedSettings } from './routes.js';
import { ENV_NAME } from './settings.js';

/** Bumped when a field changes meaning; the CLI refuses a schema it does not know, saying which. */
export const DESCRIPTOR_SCHEMA = 1;

/** Every descriptor parameter's name starts with this (its IAM resource is `parameter/sfn-slack-notifier/*`). */
export const DESCRIPTOR_PARAMETER_PREFIX = '/sfn-slack-notifier/';

/** The descriptor parameter of the notifier with this `environmentName`. */
export function descriptorParameterName(notifier: string): string {
  return `${DESCRIPTOR_PARAMETER_PREFIX}${notifier}/descriptor`;
}

/** The notifier a descriptor parameter name belongs to, or undefined for any other parameter. */
export function notifierOfParameter(parameterName: string): string | undefined {
  const match = /^\/sfn-slack-notifier\/([^/]+)\/descriptor$/.exec(parameterName);
  return match?.[1];
}

/** The routing settings `routes` and `mute` need: the notifier's own (DeployedSettings), trimmed to them. */
export type DescriptorSettings = Pick<
  DeployedSettings,
  'environment' | 'routes' | 'allowedChannels' | 'readTags' | 'checksRunning' | 'actions'
>;

export interface OperatorDescriptor {
  readonly schema: typeof DESCRIPTOR_SCHEMA;
  /** The notifier's `environmentName` (what `--notifier-name` names). */
  readonly environment: string;
  /** The CloudFormation stack that holds it. */
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** The same names and values as the outputs of an `SfnSlackNotifier-<env>` stack (contract/outputs.ts). */
  readonly outputs: Partial<Record<OutputName, string>>;
  readonly settings: DescriptorSettings;
}

/** Reads a descriptor parameter's value; a malformed one is an Error naming the parameter and what is wrong. */
export function parseDescriptor(text: string, parameterName: string): OperatorDescriptor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${parameterName} is not JSON (${(error as Error).message})`);
  }
  const bad = (what: string) => new Error(`${parameterName} is not an sfn-slack descriptor: ${what}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  const d = value as Record<string, unknown>;
  if (d.schema !== DESCRIPTOR_SCHEMA) {
    throw bad(
      `schema ${JSON.stringify(d.schema)}, this sfn-slack reads ${DESCRIPTOR_SCHEMA}: use the sfn-slack version the stack was deployed with`
    );
  }
  for (const key of ['environment', 'stackName', 'account', 'region'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') throw bad(`${key} is missing`);
  }
  if (!ENV_NAME.test(d.environment as string)) throw bad('environment is not an environment name');
  const outputs = d.outputs;
  if (typeof outputs !== 'object' || outputs === null) throw bad('outputs is missing');
  const known = new Set<string>(OUTPUT_NAMES);
  const kept: Partial<Record<OutputName, string>> = {};
  for (const [name, v] of Object.entries(outputs)) {
    if (known.has(name) && typeof v === 'string' && v !== '') kept[name as OutputName] = v;
  }
  const settings = d.settings as Record<string, unknown> | undefined;
  if (
    typeof settings !== 'object' ||
    settings === null ||
    !Array.isArray(settings.routes) ||
    !Array.isArray(settings.allowedChannels) ||
    typeof settings.readTags !== 'boolean'
  ) {
    throw bad('settings need routes, allowedChannels and readTags');
  }
  return {
    schema: DESCRIPTOR_SCHEMA,
    environment: d.environment as string,
    stackName: d.stackName as string,
    account: d.account as string,
    region: d.region as string,
    outputs: kept,
    settings: settings as unknown as DescriptorSettings,
  };
}
