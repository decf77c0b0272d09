/**
 * `sfn-slack digest`: its options and help; what it does is in digest-run.ts, loaded only when it runs
 * (docs/cli.md, "How the commands are laid out").
 */
import type { Command } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { applyConvention } from '../convention.js';
import type { DigestOptions } from './digest-run.js';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('digest')
    .summary('preview the daily digest of each destination (read only)')
    .description(
      'Prints the daily digest each destination of an environment would get: the runs of its routed machines in ' +
        'the last 24 hours (or --since), failures first, still running, slowest against their usual, muted. From ' +
        'AWS (read only: ListStateMachines, ListExecutions, DescribeExecution, ListTagsForResource) or from a ' +
        'local scenario (--scenario: it runs, then what it ran is summed up). Posts nothing.'
    )
    .option('--since <duration>', 'the window before now (or the scenario’s end): 24h, 90m, 7d', '24h')
    .option('--scenario <file>', 'a local scenario (docs/local.md) instead of AWS')
    .option('--cdk-json <path>', 'the cdk.json with the environment', 'cdk.json');
  applyConvention(command, {
    env: 'stack',
    aws: 'always',
    output: 'text',
    outputHelp: 'text (default) each digest as it reads in Slack, json {command, env, hours, digests}',
    examples: [
      'sfn-slack digest --env prod --since 7d --output json',
      'sfn-slack digest --scenario examples/scenarios/digest-day.scenario.json',
    ],
  }).action(async (options: DigestOptions) => {
    const { digestCommand } = await import('./digest-run.js');
    await digestCommand(options, io, async (o) => makeClients(await resolveAwsContext(o, envOf(io))));
  });
}
