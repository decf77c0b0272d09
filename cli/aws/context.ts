/**
 * Region and profile the AWS CLI's way, resolved before any AWS call so a wrong setting is reported as what it
 * is (a missing profile is not "no region"):
 *
 * - profile: `--profile`, then `AWS_PROFILE`; a named profile must exist in the shared config or credentials
 *   file (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/config` and `~/.aws/credentials`);
 * - region: `--region`, then the region of the ARN the command works on, then the `region` the environment
 *   (`--env`) declares in cdk.json, then `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region` in
 *   the config file. Each command's `--region` help states the part of this order it uses (cli/convention.ts).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArn } from '../../contract/arns.js';
import { CliError, ExitCode } from '../errors.js';
import type { AwsOptions } from './clients.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Where the region came from, for messages. */
export type RegionSource =
  | '--region'
  | 'the ARN'
  | 'cdk.json'
  | 'AWS_REGION'
  | 'AWS_DEFAULT_REGION'
  | 'the profile';

export interface AwsContext extends AwsOptions {
  readonly regionSource?: RegionSource;
}

interface SharedProfiles {
  /** Profile name → its settings, from both files (the config file's `[profile x]` and `[default]`). */
  readonly profiles: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly files: readonly string[];
}

/** Reads the shared config and credentials files; a missing file is an empty one. */
export async function readSharedProfiles(env: Environment): Promise<SharedProfiles> {
  const home = env.HOME ?? homedir();
  const configFile = env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials');
  const profiles = new Map<string, Record<string, string>>();
  for (const [file, isConfig] of [
    [credentialsFile, false],
    [configFile, true],
  ] as const) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    let current: Record<string, string> | undefined;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/[#;].*$/, '').trim();
      const section = /^\[\s*(.+?)\s*\]$/.exec(line)?.[1];
      if (section !== undefined) {
        // In the config file profiles are `[profile name]` (the default one may be `[default]`); other sections
        // (sso-session, services) are not profiles.
        const name = isConfig
          ? section === 'default'
            ? 'default'
            : /^profile\s+(.+)$/.exec(section)?.[1]
          : section;
        current = name === undefined ? undefined : (profiles.get(name) ?? {});
        if (name !== undefined && current) profiles.set(name, current);
        continue;
      }
      const setting = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
      if (current && setting?.[1]) current[setting[1]] = setting[2] ?? '';
    }
  }
  return { profiles, files: [configFile, credentialsFile] };
}

/**
 * The profile and region a command's AWS calls use, or a CliError saying which setting is missing and how to
 * give it. `arn` is the resource the command works on, when it has one; `environmentRegion` the region the
 * environment declares in cdk.json (cli/environments.ts environmentRegion), when it declares one.
 */
export async function resolveAwsContext(
  options: AwsOptions,
  env: Environment,
  arn?: string,
  environmentRegion?: string
): Promise<AwsContext> {
  const profile = nonEmpty(options.profile) ?? nonEmpty(env.AWS_PROFILE);
  const shared = await readSharedProfiles(env);
  if (profile !== undefined && !shared.profiles.has(profile)) {
    const source = nonEmpty(options.profile) ? '--profile' : 'AWS_PROFILE';
    const known = [...shared.profiles.keys()].sort();
    throw new CliError(
      `profile "${profile}" (${source}) is not in ${shared.files.join(' or ')}: ` +
        (known.length > 0
          ? `use one of ${known.join(', ')}`
          : 'create it with `aws configure --profile <name>`') +
        `${source === 'AWS_PROFILE' ? ', or unset AWS_PROFILE' : ''}`,
      ExitCode.badInput
    );
  }
  const fromArn = arn === undefined ? undefined : nonEmpty(parseArn(arn)?.region);
  const fromProfile = nonEmpty(shared.profiles.get(profile ?? 'default')?.region);
  const candidates: [string | undefined, RegionSource][] = [
    [nonEmpty(options.region), '--region'],
    [fromArn, 'the ARN'],
    [nonEmpty(environmentRegion), 'cdk.json'],
    [nonEmpty(env.AWS_REGION), 'AWS_REGION'],
    [nonEmpty(env.AWS_DEFAULT_REGION), 'AWS_DEFAULT_REGION'],
    [fromProfile, 'the profile'],
  ];
  const found = candidates.find(([value]) => value !== undefined);
  if (!found) {
    throw new CliError(
      `no AWS region: pass --region <region>, set AWS_REGION, or add region to the profile ${profile ?? 'default'} (aws configure)`,
      ExitCode.badInput
    );
  }
  const [region, regionSource] = found as [string, RegionSource];
  return { region, regionSource, ...(profile !== undefined ? { profile } : {}) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
