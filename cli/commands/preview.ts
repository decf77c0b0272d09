/**
 * `sfn-slack preview`: its options and help; what it does is in preview-run.ts, loaded only when it runs
 * (docs/cli.md, "How the commands are laid out").
 */
import { type Command, Option } from 'commander';
import { resolveAwsContext } from '../aws/context.js';
import { envOf, type Io, processIo } from '../aws/io.js';
import { loadClients, type MakeClients } from '../aws/load-clients.js';
import { applyConvention } from '../convention.js';
import type { PreviewOptions } from './preview-run.js';

/** Where `preview` and `start` write the HTML page unless `--out` says otherwise. */
export const DEFAULT_PREVIEW_PATH = '.sfn-slack/preview.html';

export function register(
  program: Command,
  io: Io = processIo(),
  makeClients: MakeClients = loadClients
): void {
  const command = program
    .command('preview')
    .summary('show the Slack message for an execution as text or JSON, and as an HTML page')
    .description(
      'Show the Slack message an execution produces, without posting it.\n\n' +
        'From AWS, --execution-arn reads the execution and its whole history (every page). From files, ' +
        '--history takes a GetExecutionHistory response (or an array of them) and --event the EventBridge ' +
        'status-change event ("-" reads standard input); no AWS access is needed.\n\n' +
        'Prints the message as text (--output json: the message JSON) on standard output and, for text, writes ' +
        'an HTML page that looks like it in Slack (--out; "-" writes the page to standard output instead, ' +
        '--no-html skips it). --builder-url also prints a link that opens the blocks in Slack’s Block Kit Builder.'
    )
    .option('--execution-arn <arn>', 'a Standard execution to read from AWS')
    .option('--history <file>', 'GetExecutionHistory JSON: one response ({events}) or an array of them')
    .option('--event <file>', 'EventBridge "Step Functions Execution Status Change" event JSON')
    .option('--template <name>', 'detailed, compact, or a path to a .jsonata file (default: detailed)')
    .option('--mention <mention>', 'mention added on failure, e.g. <!subteam^S0123>')
    .option(
      '--definition <file>',
      'the state machine definition (describe-state-machine-for-execution JSON); read from AWS with --execution-arn'
    )
    .option(
      '--out <file>',
      `where to write the HTML page, - for standard output (default: ${DEFAULT_PREVIEW_PATH})`
    )
    .option('--no-html', 'do not write the HTML page')
    .option('--builder-url', 'also print the Block Kit Builder link (long: the blocks are in the URL)')
    .addOption(new Option('--json', 'old spelling of --output json').hideHelp());
  applyConvention(command, {
    env: 'display',
    aws: 'with-arn',
    regionFrom: ['arn'],
    output: 'text',
    outputHelp: 'text (default) the message as it reads in Slack, json the message JSON',
    examples: [
      'sfn-slack preview --history examples/nightly-etl-failed.history.json \\\n' +
        '    --event examples/nightly-etl-failed.event.json --env prod',
      'sfn-slack preview --profile prod \\\n' +
        '    --execution-arn arn:aws:states:eu-west-1:111122223333:execution:etl:run-42',
    ],
  }).action(async (options: PreviewOptions) => {
    const sfn = options.executionArn
      ? (await makeClients(await resolveAwsContext(options, envOf(io), options.executionArn))).sfn
      : undefined;
    const { runPreview } = await import('./preview-run.js');
    await runPreview(options, io, sfn);
  });
}
