/**
 * `sfn-slack preview`: shows the Slack message an execution produces, without posting it. The history comes
 * from AWS (`--execution-arn`: DescribeExecution + every GetExecutionHistory page) or from files (`--history`,
 * `--event`). It prints the readable rendering, writes an HTML page that looks like the Slack message, and
 * prints a Block Kit Builder link to open the blocks in Slack's own renderer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  paginateGetExecutionHistory,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { isExecutionArn } from '../../contract/arns.js';
import type { NotifierSettings, SlackMessage, StatusChangeEvent } from '../../contract/formatter.js';
import { formatExecution, TemplateError } from '../../formatters/formatter/format.js';
import { blockKitBuilderUrl } from '../../preview/block-kit-builder.js';
import { renderHtml } from '../../preview/html.js';
import { renderTerminal } from '../../preview/terminal.js';
import { resolveAwsContext } from '../aws/context.js';
import { aws, toCliError } from '../aws/errors.js';
import { envOf, type Io, useColor } from '../aws/io.js';
import { loadClients } from '../aws/load-clients.js';
import type { EnvOptions } from '../aws/options.js';
import { statusChangeEvent } from '../aws/status-change-event.js';
import type { OutputFormat } from '../convention.js';
import { CliError, ExitCode } from '../errors.js';
import {
  checkOneStdinInput,
  historyPages,
  readDefinitionFile,
  readJsonFile,
  STANDARD_STREAM,
  statusChangeEventOf,
} from '../read-input.js';
import { DEFAULT_PREVIEW_PATH } from './preview.js';
import { historyInputProblem } from './render-run.js';

export interface PreviewOptions extends EnvOptions {
  readonly executionArn?: string;
  readonly history?: string;
  readonly event?: string;
  readonly template?: string;
  readonly mention?: string;
  /**
   * The state machine definition (a DescribeStateMachineForExecution response, or the ASL): names what each Task
   * ran, as the deployed notifier does. With `executionArn` it is read from AWS. @default - none
   */
  readonly definition?: string;
  /** Where to write the HTML page; `-` writes it to standard output. @default '.sfn-slack/preview.html' (text output) */
  readonly out?: string;
  /** False with `--no-html`: no HTML page. @default true */
  readonly html?: boolean;
  /** Print the Block Kit Builder link (about 3,600 characters for a typical message). @default false */
  readonly builderUrl?: boolean;
  /** @default 'text' */
  readonly output?: OutputFormat;
  /** Old spelling of `--output json`. */
  readonly json?: boolean;
}

export async function runPreview(options: PreviewOptions, io: Io, sfn?: SFNClient): Promise<SlackMessage> {
  checkOneStdinInput({
    '--history': options.history,
    '--event': options.event,
    '--definition': options.definition,
  });
  const { event, pages, definition } = await loadExecution(options, io, sfn);
  const settings: Partial<NotifierSettings> = {
    ...(options.env ? { environment: options.env } : {}),
    ...(options.template ? { template: options.template } : {}),
    ...(options.mention ? { mentionOnFailure: options.mention } : {}),
  };
  let message: SlackMessage;
  try {
    ({ message } = await formatExecution({
      ...(event ? { event } : {}),
      ...(definition === undefined ? {} : { definition }),
      pages,
      settings,
    }));
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new CliError(`template ${error.template}: ${error.message}`, ExitCode.badInput, { cause: error });
    }
    throw error;
  }

  const json = options.json === true || options.output === 'json';
  const htmlToStdout = options.html !== false && options.out === STANDARD_STREAM;
  // The page is written for the text rendering, or when asked for by name; with JSON output standard output
  // stays one document and a page nobody asked for is never a reason to fail.
  const writeHtml = options.html !== false && (options.out !== undefined || !json);
  const title = `${event?.detail.name ?? 'execution'} ${event?.detail.status ?? ''}`.trim();
  const page = () => renderHtml(message, { title: `Preview: ${title}` });

  if (htmlToStdout) io.stdout.write(page());
  else if (json) io.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
  else io.stdout.write(renderTerminal(message, { ansi: useColor(io.stdout, envOf(io)) }));

  // Status lines go to stderr so standard output stays pipeable.
  if (writeHtml && !htmlToStdout) {
    const out = path.resolve(options.out ?? DEFAULT_PREVIEW_PATH);
    try {
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, page());
      io.stderr.write(`\nHTML preview: ${out}\n`);
    } catch (error) {
      const problem = `cannot write the HTML preview to ${out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      if (options.out !== undefined) {
        throw new CliError(`${problem}: give another --out, or --no-html`, ExitCode.badInput, {
          cause: error,
        });
      }
      io.stderr.write(`sfn-slack: warning: ${problem}: pass --out <file> or --no-html\n`);
    }
  }
  if (options.builderUrl) io.stderr.write(`Block Kit Builder: ${blockKitBuilderUrl(message)}\n`);
  const problem = options.history
    ? historyInputProblem(pages, options.history, event !== undefined, (warning) =>
        io.stderr.write(`sfn-slack: note: ${warning}\n`)
      )
    : undefined;
  if (problem) throw new CliError(problem, ExitCode.badInput);
  return message;
}

async function loadExecution(
  options: PreviewOptions,
  io: Io,
  sfn?: SFNClient
): Promise<{ event?: StatusChangeEvent; pages: unknown[]; definition?: string }> {
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
    const client =
      sfn ?? (await loadClients(await resolveAwsContext(options, envOf(io), options.executionArn))).sfn;
    const live = await readLiveExecution(client, options.executionArn);
    const definition = options.definition
      ? await readDefinitionFile(options.definition, io.stdin)
      : await liveDefinition(client, options.executionArn);
    return { ...live, ...(definition === undefined ? {} : { definition }) };
  }
  if (!options.history && !options.event) {
    throw new CliError(
      'nothing to preview: give --execution-arn <arn> (reads AWS) or --history <file> and/or --event <file>',
      ExitCode.badInput
    );
  }
  const history = options.history ? await readJsonFile(options.history, 'history', io.stdin) : undefined;
  const event = options.event
    ? statusChangeEventOf(await readJsonFile(options.event, 'event', io.stdin), options.event)
    : undefined;
  const definition = options.definition ? await readDefinitionFile(options.definition, io.stdin) : undefined;
  return {
    ...(event ? { event } : {}),
    pages: history === undefined ? [] : historyPages(history, options.history ?? ''),
    ...(definition === undefined ? {} : { definition }),
  };
}

/**
 * The definition the execution ran, as the notifier's Describe step reads it; like that step, a failure (no
 * permission, throttling) never stops the preview: it goes on without it.
 */
async function liveDefinition(sfn: SFNClient, executionArn: string): Promise<string | undefined> {
  try {
    const described = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    return described.definition;
  } catch {
    return undefined;
  }
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
