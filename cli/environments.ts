/**
 * An environment's settings as the stack has them: read from cdk.json and validated by the contract
 * (contract/settings.ts), so `routes`, `mute` and `start --env` route exactly as `cdk synth` would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type EnvironmentConfig, parseEnvironment } from '../contract/settings.js';
import { suggestion } from '../contract/suggest.js';
import { CliError, ExitCode } from './errors.js';
import { jsonErrorOffset, lineAndColumn } from './read-input.js';

/** @param cdkJson path of cdk.json (@default ./cdk.json) */
export function readEnvironment(name: string, cdkJson = 'cdk.json'): EnvironmentConfig {
  let text: string;
  try {
    text = readFileSync(cdkJson, 'utf8');
  } catch {
    throw new CliError(
      `${cdkJson} not found: run in the project directory or pass --cdk-json <path>`,
      ExitCode.badInput
    );
  }
  let environments: unknown;
  try {
    environments = (JSON.parse(text) as { context?: { environments?: unknown } }).context?.environments;
  } catch (error) {
    throw new CliError(cdkJsonSyntaxError(cdkJson, text), ExitCode.badInput, { cause: error });
  }
  if (typeof environments !== 'object' || environments === null || !(name in environments)) {
    const known = typeof environments === 'object' && environments !== null ? Object.keys(environments) : [];
    throw new CliError(
      `environment "${name}" is not in ${path.basename(cdkJson)}${known.length > 0 ? `: ${suggestion(name, known)}` : ''}`,
      ExitCode.badInput
    );
  }
  try {
    return parseEnvironment(name, (environments as Record<string, unknown>)[name]);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, ExitCode.badInput, { cause: error });
    throw error;
  }
}

/** `k=v` options (repeatable) as a tag object; a malformed one is a one-line error. */
export function parseTags(values: readonly string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0)
      throw new CliError(`--tags ${value}: use key=value, e.g. --tags team=data`, ExitCode.badInput);
    tags[value.slice(0, at)] = value.slice(at + 1);
  }
  return tags;
}

/** A state machine name or ARN as an ARN in the environment's account and region (when it has them). */
export function stateMachineArnOf(
  nameOrArn: string,
  config: Pick<EnvironmentConfig, 'account' | 'region'>
): string {
  if (nameOrArn.startsWith('arn:')) {
    if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(nameOrArn)) {
      throw new CliError(
        `${nameOrArn} is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`
      );
    }
    return nameOrArn;
  }
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(nameOrArn)) {
    throw new CliError(`"${nameOrArn}" is not a state machine name (letters, digits, "-" and "_")`);
  }
  return `arn:aws:states:${config.region ?? 'us-east-1'}:${config.account ?? '000000000000'}:stateMachine:${nameOrArn}`;
}

/** Whether cdk.json (when there is one) lists this environment. */
export function environmentListed(name: string, cdkJson = 'cdk.json'): boolean {
  try {
    const environments = (
      JSON.parse(readFileSync(cdkJson, 'utf8')) as { context?: { environments?: unknown } }
    ).context?.environments;
    return typeof environments === 'object' && environments !== null && name in environments;
  } catch {
    return false;
  }
}

/**
 * The `region` an environment declares in cdk.json, or undefined (no cdk.json, no such environment, no region):
 * the region's second place in the order of precedence (cli/aws/context.ts). Read without validating the rest,
 * so a construct user's own cdk.json is simply not consulted.
 */
export function environmentRegion(name: string, cdkJson = 'cdk.json'): string | undefined {
  try {
    const environments = (
      JSON.parse(readFileSync(cdkJson, 'utf8')) as { context?: { environments?: Record<string, unknown> } }
    ).context?.environments;
    const region = (environments?.[name] as { region?: unknown } | undefined)?.region;
    return typeof region === 'string' && region !== '' ? region : undefined;
  } catch {
    return undefined;
  }
}

/** A cdk.json that is not JSON, located by line and column as the input files are (cli/read-input.ts). */
export function cdkJsonSyntaxError(cdkJson: string, text: string): string {
  const { line, column } = lineAndColumn(text, jsonErrorOffset(text));
  return `${cdkJson} is not valid JSON at line ${line}, column ${column}: fix it there`;
}
