/**
 * `sfn-slack mute`, `unmute` and `mutes`: their options and help; what they do is in mute-run.ts, loaded only when
 * one runs (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { targetRegion } from '../aws/options.js';
import { applyConvention } from '../convention.js';
import type { MuteOptions } from './mute-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const common = (
    command: Command,
    examples: string[],
    regionFrom: readonly ('arn' | 'environment')[] = ['arn', 'environment']
  ) =>
    applyConvention(command.option('--cdk-json <path>', 'the cdk.json with the environment', 'cdk.json'), {
      env: 'stack',
      aws: 'always',
      regionFrom,
      output: 'text',
      outputHelp: 'text (default) one line per machine',
      examples,
    });
  // The region: --region, then the state machine ARN's, then the environment's in cdk.json, then AWS's defaults.
  const clients = async (options: MuteOptions, machine?: string) =>
    makeClients(
      await resolveAwsContext(
        options,
        envOf(io),
        machine?.startsWith('arn:') ? machine : undefined,
        targetRegion(options)
      )
    );
  const mute = program
    .command('mute <state-machine>')
    .summary('hold a state machine’s notifications for a while; they are summed up when the mute ends')
    .description(
      'Sets the sfn-slack:mute-until tag on the state machine. The notifier (environments with "mute": true) ' +
        'holds its notifications until then, counts them, and posts one summary per channel when the mute ends. ' +
        'The state machine is a name (in the environment’s account and region) or an ARN.'
    )
    .option('--for <duration>', 'how long: 30m, 2h, 1d (at most 7d; required)');
  common(mute, ['sfn-slack mute nightly-etl --for 2h --env prod']).action(
    async (machine: string, options: MuteOptions) => {
      const awsClients = await clients(options, machine);
      const { runMute } = await import('./mute-run.js');
      await runMute(machine, options, io, awsClients);
    }
  );
  const unmute = program
    .command('unmute <state-machine>')
    .summary('end a mute now; the summary of what was held goes out within 15 minutes')
    .description(
      'Removes the sfn-slack:mute-until tag from the state machine. The notifier holding the mute sees it at its ' +
        'next look (at most 15 minutes) and posts the summary of what it held, one message per channel.'
    );
  common(unmute, ['sfn-slack unmute nightly-etl --env prod']).action(
    async (machine: string, options: MuteOptions) => {
      const awsClients = await clients(options, machine);
      const { runUnmute } = await import('./mute-run.js');
      await runUnmute(machine, options, io, awsClients);
    }
  );
  const mutes = program
    .command('mutes')
    .summary('list the muted state machines of an environment')
    .description(
      'Lists the state machines the environment’s routes watch whose sfn-slack:mute-until tag is in the future, ' +
        'with the end of the mute (the count of held notifications is in the message store; the summary gives it).'
    );
  common(
    mutes,
    ['sfn-slack mutes --env prod', 'sfn-slack mutes --notifier-name prod'],
    ['environment']
  ).action(async (options: MuteOptions) => {
    const awsClients = await clients(options);
    const { runMutes } = await import('./mute-run.js');
    await runMutes(options, io, awsClients);
  });
}
