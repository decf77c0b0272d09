import { Command } from 'commander';

/**
 * The `sfn-slack` program. Each command lives in `cli/commands/<name>.ts` and exports `register(program)`.
 */
export function buildProgram(): Command {
  const program = new Command('sfn-slack')
    .description('AWS Step Functions execution results in Slack: render, preview, run locally, operate.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the operation failed, 2 bad input or configuration, 3 AWS unreachable or refused.'
    );
  return program;
}
