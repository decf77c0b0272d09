import { createRequire } from 'node:module';
import { Command } from 'commander';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerMute } from './commands/mute.js';
import { register as registerPreview } from './commands/preview.js';
import { register as registerRender } from './commands/render.js';
import { register as registerRenotify } from './commands/renotify.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerRoutes } from './commands/routes.js';
import { register as registerSetup } from './commands/setup.js';
import { register as registerStart } from './commands/start.js';

/**
 * The `sfn-slack` program. Each command lives in `cli/commands/<name>.ts` and exports `register(program)`.
 */
export function buildProgram(): Command {
  const program = new Command('sfn-slack')
    .description('AWS Step Functions execution results in Slack: render, preview, run locally, operate.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the operation failed, 2 bad input or configuration,\n3 AWS unreachable or refused.'
    );
  registerRender(program);
  registerPreview(program);
  registerReplay(program);
  registerRenotify(program);
  registerSetup(program);
  registerDoctor(program);
  registerStart(program);
  registerRoutes(program);
  registerMute(program);
  return program;
}

function packageVersion(): string {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  return version;
}
