/**
 * `sfn-slack preview`: shows the Slack message an execution produces, without posting it. The history comes
 * from AWS (`--execution-arn`: DescribeExecution + every GetExecutionHistory page) or from files (`--history`,
 * `--event`). It prints the readable rendering, writes an HTML page that looks like the Slack message, and
 * prints a Block Kit Builder link to open the blocks in Slack's own renderer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DescribeExecutionCommand, paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { NotifierSettings, SlackMessage, StatusChangeEvent } from '../../contract/formatter.js';
import { formatExecution, TemplateError } from '../../formatters/format.js';
import { blockKitBuilderUrl } from '../../preview/block-kit-builder.js';
import { renderHtml } from '../../preview/html.js';
import { renderTerminal } from '../../preview/terminal.js';
import { isExecutionArn, parseArn } from '../aws/arn.js';
import { createClients } from '../aws/clients.js';
import { aws, toCliError } from '../aws/errors.js';
import { type Io, processIo } from '../aws/io.js';
import { addAwsOptions, awsOptions, type EnvOptions } from '../aws/options.js';
import { CliError, ExitCode } from '../errors.js';
import { historyPages, readJsonFile, statusChangeEventOf } from '../read-input.js';
import { statusChangeEvent } from './renotify.js';

export interface PreviewOptions extends EnvOptions {
  readonly executionArn?: string;
  readonly history?: string;
  readonly event?: string;
  readonly template?: string;
  readonly mention?: string;
  /** @default '.sfn-slack/preview.html' */
  readonly out?: string;
  /** Print the message JSON instead of the readable rendering. */
  readonly json?: boolean;
}

export const DEFAULT_PREVIEW_PATH = '.sfn-slack/preview.html';

export function register(program: Command, io: Io = processIo()): void {
  const command = program
    .command('preview')
    .summary('show the Slack message for an execution as text, as an HTML page and as a Block Kit link')
    .description(
      'Show the Slack message an execution produces, without posting it.\n\n' +
        'From AWS, --execution-arn reads the execution and its whole history (every page). From files, ' +
        '--history takes a GetExecutionHistory response (or an array of them) and --event the EventBridge ' +
        'status-change event; no AWS access is needed.\n\n' +
        'Prints the message as text, writes an HTML page that looks like it in Slack (--out), and prints a link ' +
        'that opens the blocks in Slack’s Block Kit Builder. The text (or, with --json, the message JSON) goes ' +
        'to standard output, the two other lines to standard error.'
    )
    .option('--execution-arn <arn>', 'a Standard execution to read from AWS')
    .option('--history <file>', 'GetExecutionHistory JSON: one response ({events}) or an array of them')
    .option('--event <file>', 'EventBridge "Step Functions Execution Status Change" event JSON')
    .option('--template <name>', 'detailed, compact, or a path to a .jsonata file (default: detailed)')
    .option('--mention <mention>', 'mention added on failure, e.g. <!subteam^S0123>')
    .option('--out <file>', 'where to write the HTML preview', DEFAULT_PREVIEW_PATH)
    .option('--json', 'print the message JSON instead of the readable text')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  sfn-slack preview --history examples/nightly-etl-failed.history.json \\\n' +
        '    --event examples/nightly-etl-failed.event.json --env prod\n' +
        '  sfn-slack preview --profile prod \\\n' +
        '    --execution-arn arn:aws:states:eu-west-1:111122223333:execution:etl:run-42'
    );
  addAwsOptions(command, {
    env: 'environment name shown in the message; no stack is read',
    region: 'AWS region for --execution-arn (default: the ARN’s region)',
  }).action(async (options: PreviewOptions) => {
    await runPreview(options, io);
  });
}

export async function runPreview(options: PreviewOptions, io: Io, sfn?: SFNClient): Promise<SlackMessage> {
  const { event, pages } = await loadExecution(options, sfn);
  const settings: Partial<NotifierSettings> = {
    ...(options.env ? { environment: options.env } : {}),
    ...(options.template ? { template: options.template } : {}),
    ...(options.mention ? { mentionOnFailure: options.mention } : {}),
  };
  let message: SlackMessage;
  try {
    ({ message } = await formatExecution({ ...(event ? { event } : {}), pages, settings }));
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new CliError(`template ${error.template}: ${error.message}`, ExitCode.badInput, { cause: error });
    }
    throw error;
  }

  if (options.json) {
    io.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
  } else {
    // Styles only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    const ansi = io.stdout.isTTY === true && !process.env.NO_COLOR;
    io.stdout.write(renderTerminal(message, { ansi }));
  }
  const out = path.resolve(options.out ?? DEFAULT_PREVIEW_PATH);
  const title = `${event?.detail.name ?? 'execution'} ${event?.detail.status ?? ''}`.trim();
  try {
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, renderHtml(message, { title: `Preview: ${title}` }));
  } catch (error) {
    throw new CliError(
      `cannot write the HTML preview to ${out}: ${(error as Error).message}`,
      ExitCode.badInput,
      {
        cause: error,
      }
    );
  }
  // Status lines go to stderr so `--json` output stays pipeable.
  io.stderr.write(`\nHTML preview: ${out}\nBlock Kit Builder: ${blockKitBuilderUrl(message)}\n`);
  return message;
}

async function loadExecution(
  options: PreviewOptions,
  sfn?: SFNClient
): Promise<{ event?: StatusChangeEvent; pages: unknown[] }> {
  if (options.executionArn) {
    if (options.history || options.event) {
      throw new CliError(
        'give either --execution-arn or --history/--event files, not both',
        ExitCode.badInput
      );
    }
    if (!isExecutionArn(options.executionArn)) {
      throw new CliError(
        `--execution-arn must be a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>), got "${options.executionArn}"`,
        ExitCode.badInput
      );
    }
    const region = options.region ?? parseArn(options.executionArn)?.region;
    const client = sfn ?? createClients(awsOptions({ ...options, ...(region ? { region } : {}) })).sfn;
    return readLiveExecution(client, options.executionArn);
  }
  if (!options.history && !options.event) {
    throw new CliError(
      'nothing to preview: give --execution-arn <arn> (reads AWS) or --history <file> and/or --event <file>',
      ExitCode.badInput
    );
  }
  const history = options.history ? await readJsonFile(options.history, 'history') : undefined;
  const event = options.event
    ? statusChangeEventOf(await readJsonFile(options.event, 'event'), options.event)
    : undefined;
  return {
    ...(event ? { event } : {}),
    pages: history === undefined ? [] : historyPages(history, options.history ?? ''),
  };
}

/** Reads the execution and all of its history, page by page; the SDK retries throttled calls. */
export async function readLiveExecution(
  sfn: SFNClient,
  executionArn: string
): Promise<{ event: StatusChangeEvent; pages: unknown[] }> {
  const execution = await aws(`describe execution ${executionArn}`, () =>
    sfn.send(new DescribeExecutionCommand({ executionArn }))
  );
  const pages: unknown[] = [];
  try {
    for await (const page of paginateGetExecutionHistory(
      { client: sfn, pageSize: 1000 },
      // Like the notifier: no inputs and outputs, which also keeps 25,000-event histories small.
      { executionArn, includeExecutionData: false, maxResults: 1000 }
    )) {
      pages.push({ events: page.events ?? [] });
    }
  } catch (error) {
    throw toCliError(error, `read the history of ${executionArn}`);
  }
  return { event: statusChangeEvent(execution), pages };
}
