/**
 * The region's order of precedence, in every command that calls AWS: --region, then the ARN's (mute's state
 * machine, renotify's execution), then the environment's in cdk.json, then AWS_REGION and the other defaults.
 * The commands are run with a client factory that records the context and stops before any call.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { AwsOptions } from '../../cli/aws/clients.js';
import type { Io } from '../../cli/aws/io.js';
import { register as registerDoctor } from '../../cli/commands/doctor.js';
import { register as registerMute } from '../../cli/commands/mute.js';
import { register as registerReplay } from '../../cli/commands/replay.js';
import { register as registerSetup } from '../../cli/commands/setup.js';
import { CliError, ExitCode } from '../../cli/errors.js';
import { captureIo, runCommand } from './helpers.js';

type Register = (program: Command, io: Io, makeClients: (options: AwsOptions) => never) => void;

/** The region the command would have called AWS in (this repository's cdk.json: prod is in eu-west-1). */
async function regionOf(register: Register, args: string[], env: Record<string, string> = {}) {
  let region: string | undefined;
  const stop = (options: AwsOptions): never => {
    region = options.region;
    throw new CliError('stop before any AWS call', ExitCode.failed);
  };
  const io = captureIo('', undefined, { HOME: '/nonexistent-sfn-slack-home', ...env });
  await runCommand((program, cliIo) => register(program, cliIo, stop), args, io);
  return region;
}

describe('region precedence', () => {
  it('setup, doctor and replay --env use the environment’s region from cdk.json before AWS_REGION', async () => {
    for (const [register, args] of [
      [registerSetup, ['setup', '--env', 'prod']],
      [registerDoctor, ['doctor', '--env', 'prod']],
      [registerReplay, ['replay', '--env', 'prod', '--dry-run']],
    ] as const) {
      expect(await regionOf(register as Register, [...args], { AWS_REGION: 'us-east-2' })).toBe('eu-west-1');
      expect(
        await regionOf(register as Register, [...args, '--region', 'ap-south-1'], { AWS_REGION: 'us-east-2' })
      ).toBe('ap-south-1');
    }
  });

  it('an environment without a region, or --notifier-name, falls back to AWS_REGION', async () => {
    expect(
      await regionOf(registerSetup as Register, ['setup', '--env', 'dev'], { AWS_REGION: 'us-east-2' })
    ).toBe('us-east-2');
    expect(
      await regionOf(registerSetup as Register, ['setup', '--notifier-name', 'prod'], {
        AWS_REGION: 'us-east-2',
      })
    ).toBe('us-east-2');
  });

  it('mute <ARN> uses the ARN’s region before the environment’s', async () => {
    const arn = 'arn:aws:states:us-west-2:111122223333:stateMachine:nightly-etl';
    expect(
      await regionOf(registerMute as Register, ['mute', arn, '--for', '1h', '--env', 'prod'], {
        AWS_REGION: 'us-east-2',
      })
    ).toBe('us-west-2');
    expect(
      await regionOf(registerMute as Register, ['mute', 'nightly-etl', '--for', '1h', '--env', 'prod'], {
        AWS_REGION: 'us-east-2',
      })
    ).toBe('eu-west-1');
  });
});
