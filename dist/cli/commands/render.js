/**
 * `sfn-slack render`: prints the Slack message the formatter makes from a saved execution history, so a
 * template can be tried without deploying anything.
 */
import { Option } from 'commander';
import { formatExecution, TemplateError } from '../../formatters/format.js';
import { CliError, ExitCode } from '../errors.js';
import { historyPages, readJsonFile, statusChangeEventOf } from '../read-input.js';
/**
 * Renders and returns the message JSON (pretty-printed). Blocks dropped to keep the message valid are
 * reported to `warn` (@default ignored).
 */
export async function renderCommand(options, warn = () => undefined) {
    const pages = historyPages(await readJsonFile(options.history, 'history'), options.history);
    const event = options.event
        ? statusChangeEventOf(await readJsonFile(options.event, 'event'), options.event)
        : undefined;
    try {
        const environment = options.env ?? options.environment;
        const { message, warnings } = await formatExecution({
            pages,
            ...(event ? { event } : {}),
            settings: {
                template: options.template ?? 'detailed',
                ...(environment ? { environment } : {}),
                ...(options.mention ? { mentionOnFailure: options.mention } : {}),
            },
        });
        for (const warning of warnings)
            warn(warning);
        return JSON.stringify(message, null, 2);
    }
    catch (error) {
        if (error instanceof TemplateError)
            throw new CliError(error.message, ExitCode.badInput, { cause: error });
        throw error;
    }
}
export function register(program) {
    program
        .command('render')
        .summary('print the Slack message for a saved execution history')
        .description('Print the Slack message (JSON: text + blocks) the formatter makes from a saved GetExecutionHistory result.\n' +
        'Nothing is posted; use it to try a template. Save a history with:\n' +
        '  aws stepfunctions get-execution-history --execution-arn ARN --no-include-execution-data > history.json')
        .requiredOption('--history <file>', 'GetExecutionHistory output (JSON)')
        .option('--event <file>', 'EventBridge "Step Functions Execution Status Change" event (JSON)')
        .option('--template <name|path>', 'detailed, compact, or a path to a .jsonata file', 'detailed')
        .option('--env <name>', 'environment name shown in the message')
        .addOption(new Option('--environment <name>', 'old name of --env').hideHelp())
        .option('--mention <mention>', 'mention added to failure messages, e.g. "<!subteam^S0123>"')
        .action(async (options) => {
        const output = await renderCommand(options, (warning) => process.stderr.write(`warning: ${warning}\n`));
        process.stdout.write(`${output}\n`);
    });
}
