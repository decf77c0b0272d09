/**
 * `sfn-slack start` (`npm start`): runs the whole notifier locally on an execution (the bundled nightly-ETL
 * example by default): the real state machine files on the local runner, the real formatter, a local FIFO
 * queue and Pipe, and a local Slack-compatible server (or real Slack when asked). Prints the delivered message
 * as text and writes an HTML preview.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { stateMachineNameOf } from '../../contract/arns.js';
import type { DeliveryMessage, SlackMessage, StatusChangeEvent } from '../../contract/formatter.js';
import { DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { formatMessage } from '../../formatters/formatter/handler.js';
import { type Clock, type ExecutionResult, RealClock, VirtualClock } from '../../local/asl/index.js';
import { scenarioFile } from '../../local/examples.js';
import { InvalidSettingError, LocalPipeline, type SlackTarget } from '../../local/pipeline.js';
import { localRoutes } from '../../local/routes.js';
import {
  runScenarioFile,
  ScenarioError,
  type ScenarioReport,
  summarizeReport,
} from '../../local/scenario.js';
import { asSlackMessage, LOCAL_CLICK_USER } from '../../local/slack-server/page.js';
import {
  type HistorySource,
  historyPagesOf,
  liveHistorySource,
  recordedHistorySource,
} from '../../local/stand-ins/history.js';
import { renderHtml, renderTerminal } from '../../preview/index.js';
import { type AwsOptions, clientConfig, createClients } from '../aws/clients.js';
import { resolveAwsContext } from '../aws/context.js';
import type { OutputFormat } from '../convention.js';
import { environmentListed, parseTags, readEnvironment } from '../environments.js';
import { CliError, ExitCode } from '../errors.js';
import { withLambdaLogs } from '../lambda-logs.js';
import {
  checkOneStdinInput,
  historyPages,
  historyProblem,
  readJsonFile,
  STANDARD_STREAM,
  statusChangeEventOf,
} from '../read-input.js';
import { DEFAULT_PREVIEW_PATH } from './preview.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The bundled example: a nightly ETL run that failed in an ECS task. */
export const bundledExample = {
  history: path.join(repoRoot, 'examples/nightly-etl-failed.history.json'),
  event: path.join(repoRoot, 'examples/nightly-etl-failed.event.json'),
} as const;

export interface StartOptions extends AwsOptions {
  /** GetExecutionHistory output. @default the bundled example */
  readonly history?: string;
  /** EventBridge status-change event. @default the bundled example's, or one built from the history */
  readonly event?: string;
  /** Read this execution's history from AWS (credentials from the environment). */
  readonly executionArn?: string;
  /** Post to real Slack (SLACK_BOT_TOKEN + SLACK_CHANNEL, or SLACK_WEBHOOK_URL). @default false */
  readonly slack?: boolean;
  /** @default 'detailed' */
  readonly template?: string;
  /**
   * Environment name shown in the message (`-e/--env`, default SFN_SLACK_ENV); when cdk.json lists it, the run
   * routes as that environment's stack does (routes, channels, mentions, templates, tags, mute). @default 'local'
   */
  readonly env?: string;
  /** Old name of `env`. */
  readonly environment?: string;
  /** Where to write the HTML preview; `-` writes it to standard output. @default '.sfn-slack/preview.html' */
  readonly out?: string;
  /** `json`: one document {message, deliveredTo, fallback, htmlPath} instead of the text. @default 'text' */
  readonly output?: OutputFormat;
  /** Show every log line at once. @default false */
  readonly verbose?: boolean;
  /** Keep the local Slack server running (its page shows what it received) until interrupted. @default false */
  readonly serve?: boolean;
  /**
   * Show the Redrive, Stop and Mute buttons, let the local user U0LOCAL click them (in the --serve page), and run
   * the interactivity endpoint and the actions machine locally. @default false
   */
  readonly actions?: boolean;
  /** Run a scenario file (local/scenario.ts) instead of one execution. */
  readonly scenario?: string;
  /** With `scenario`: write what the local Slack server holds here (JSON). */
  readonly report?: string;
  /** `key=value`: the state machine's tags for this run (routes and mute read them). @default none */
  readonly tags?: readonly string[];
  /** @default cdk.json */
  readonly cdkJson?: string;
}

/** Where the command writes; tests pass their own. */
export interface StartIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default false */
  readonly ansi?: boolean;
  /** Where `-` inputs are read from. @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
  /** Progress lines appear only after this long (the run is usually instant). @default 800 */
  readonly progressAfterMs?: number;
  /** With `serve`: resolves when the user wants to stop (Ctrl-C). @default - returns at once */
  readonly untilStopped?: () => Promise<void>;
  /**
   * With `slack`: where real Slack's origins (`https://slack.com`, `https://hooks.slack.com`) go instead; tests
   * point them at the local server playing real Slack. @default - real Slack
   */
  readonly slackOrigin?: string;
  /** With `slack`: the run's clock. @default a RealClock */
  readonly clock?: Clock;
  /** With `slack`: for the retriers' FULL jitter. @default Math.random */
  readonly random?: () => number;
  /** With `slack`: the local queue's visibility timeout. @default 360 (as deployed) */
  readonly visibilityTimeoutSeconds?: number;
}

export interface StartResult {
  readonly message: SlackMessage;
  /** True when Slack refused the blocks and the plain-text fallback went out. */
  readonly fallback: boolean;
  readonly htmlPath: string;
}

const executionArnPattern = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:execution:[^:]+:[^:]+$/;

const terminalTypes: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** An event for a history given without one: the status from its last event, a placeholder ARN. */
function eventFromHistory(events: readonly Record<string, unknown>[]): StatusChangeEvent {
  const typeOf = (e: Record<string, unknown>) => String(e.type ?? e.Type ?? '');
  const last = [...events].reverse().find((e) => typeOf(e) in terminalTypes);
  return {
    detail: {
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:local-history:local-execution',
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:local-history',
      name: 'local-execution',
      status: last ? (terminalTypes[typeOf(last)] as string) : 'RUNNING',
    },
  };
}

async function liveEvent(client: SFNClient, executionArn: string): Promise<StatusChangeEvent> {
  const d = await client.send(new DescribeExecutionCommand({ executionArn }));
  return {
    detail: {
      executionArn,
      stateMachineArn: d.stateMachineArn,
      name: d.name,
      status: d.status ?? 'RUNNING',
      startDate: d.startDate?.getTime() ?? null,
      stopDate: d.stopDate?.getTime() ?? null,
      input: null,
      output: null,
      redriveCount: d.redriveCount ?? 0,
      error: d.error ?? null,
      cause: d.cause ?? null,
    },
  };
}

function slackTarget(env: StartIo['env']): SlackTarget {
  const token = env.SLACK_BOT_TOKEN;
  const channel = env.SLACK_CHANNEL;
  if (token && channel) return { kind: 'bot', token, channel };
  const url = env.SLACK_WEBHOOK_URL;
  if (url) {
    if (!/^https:\/\/hooks\.slack\.com\/services\//.test(url)) {
      throw new CliError(
        'SLACK_WEBHOOK_URL is not an incoming-webhook URL (https://hooks.slack.com/services/…)'
      );
    }
    return { kind: 'webhook', url };
  }
  throw new CliError(
    '--slack needs SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL, in the environment',
    ExitCode.badInput
  );
}

/** A delivery that sent its message to the dead-letter queue succeeded; its output names the error. */
function deadLetterError(result: ExecutionResult): Pick<ExecutionResult, 'error' | 'cause'> {
  const output = result.output as { outcome?: unknown; error?: unknown } | undefined;
  return output?.outcome === 'dead-lettered' && typeof output.error === 'string'
    ? { error: output.error }
    : result;
}

/** One readable phrase for why a delivery execution failed; never a URL (a webhook URL is a secret). */
export function deliveryFailure(result: Pick<ExecutionResult, 'error' | 'cause'>): string {
  const error = result.error ?? 'unknown error';
  const status = /^States\.Http\.StatusCode\.(\d{3})$/.exec(error)?.[1];
  if (status) {
    let detail = '';
    try {
      const body = (JSON.parse(result.cause ?? '') as { ResponseBody?: unknown }).ResponseBody;
      const text = typeof body === 'string' ? body : (body as { error?: unknown } | undefined)?.error;
      if (typeof text === 'string' && text.trim() !== '' && text.length <= 120) detail = ` (${text.trim()})`;
    } catch {
      // A cause that is not the stand-in's JSON: the status alone says enough.
    }
    return `Slack answered HTTP ${status}${detail}`;
  }
  if (error.startsWith('Slack.')) return `Slack answered ${error.slice('Slack.'.length)}`;
  if (error === 'States.Http.Socket')
    return `Slack could not be reached (${result.cause ?? 'connection failed'})`;
  if (error === 'States.Timeout') return 'Slack did not answer in time';
  return `${error}${result.cause ? `: ${result.cause}` : ''}`;
}

/**
 * Where a recorded run's local replay starts its clock: one second after the run ended (its stopDate, else its
 * start, else the event's time), so the delivery is on time as it was then; `now` when the event has no date.
 */
export function recordedRunClockStart(event: StatusChangeEvent, now: Date = new Date()): number {
  const d = event.detail as { stopDate?: unknown; startDate?: unknown };
  const at = (value: unknown) =>
    typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  for (const candidate of [at(d.stopDate), at(d.startDate), at(event.time)]) {
    if (Number.isFinite(candidate)) return candidate + 1000;
  }
  return now.getTime();
}

/** A retry the pipeline reports: the one kind of progress line that explains a slow run in the user's terms. */
const RETRY_LINE = /: \S+ failed with \S+; retry \d+ of \d+ in /;

/**
 * Progress on standard error. With `--verbose`, every line as it happens: each state each execution enters, each
 * outcome, retry and formatter log line. Without it, only what the command is doing and the retries a slow run
 * waits for, and only once the run has taken more than a moment: no internal lines (the formatter's JSON logs,
 * execution outcomes).
 */
function progressReporter(io: StartIo, verbose: boolean) {
  const held: string[] = [];
  let showing = verbose;
  const timer = setTimeout(() => {
    showing = true;
    for (const line of held.splice(0)) io.stderr(`${line}\n`);
  }, io.progressAfterMs ?? 800);
  timer.unref();
  const show = (text: string) => {
    if (showing) io.stderr(`${text}\n`);
    else held.push(text);
  };
  return {
    /** The command's own words (what it is doing): shown as progress. */
    say: show,
    /** A line from inside the pipeline: with --verbose, or a retry. */
    line(text: string) {
      if (verbose || RETRY_LINE.test(text)) show(text);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

/** A path as the user would type it: relative when under the working directory, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** `start --scenario`: the scenario's logic is in local/scenario.ts; this maps its errors and prints the summary. */
export async function startScenario(options: StartOptions, io: StartIo): Promise<ScenarioReport> {
  const scenarioPath = scenarioFile(options.scenario as string);
  const clash = (['history', 'event', 'executionArn', 'slack', 'serve'] as const).filter(
    (key) => options[key] !== undefined && options[key] !== false
  );
  if (clash.length > 0) {
    throw new CliError(
      `--scenario runs its own events locally; drop ${clash.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
      ExitCode.badInput
    );
  }
  // One document on standard output at most: the page (--out -), the report (--report -) or, with --output json,
  // the report; the summary then goes to standard error.
  const toStdout = [options.out === STANDARD_STREAM, options.report === STANDARD_STREAM].filter(Boolean);
  if (toStdout.length > 1) {
    throw new CliError(
      '--out - and --report - would both write to standard output: give one of them a file',
      ExitCode.badInput
    );
  }
  const progress = progressReporter(io, options.verbose ?? false);
  const html =
    options.out === STANDARD_STREAM
      ? STANDARD_STREAM
      : path.resolve(options.out ?? path.join('.sfn-slack', 'preview.html'));
  try {
    const run = await withLambdaLogs(
      (line) => progress.line(line),
      () =>
        runScenarioFile(scenarioPath, {
          formatter: formatMessage,
          html,
          ...(options.report ? { report: options.report } : {}),
          log: (line) => progress.line(line),
          ...(options.verbose ? { logSteps: true } : {}),
        })
    );
    const report = `${JSON.stringify(run.report, null, 2)}\n`;
    const document =
      options.out === STANDARD_STREAM
        ? run.page
        : options.report === STANDARD_STREAM || options.output === 'json'
          ? report
          : undefined;
    const say = document === undefined ? io.stdout : io.stderr;
    say(`${summarizeReport(run.report).join('\n')}\n`);
    if (run.skipped > 0)
      say(
        `${run.skipped} event(s) not matched by the environment's rule (status or state machine${run.report.sourceReads ? ', or not from a source account and region' : ''})\n`
      );
    if (html !== STANDARD_STREAM) say(`HTML preview (messages, edits, threads): ${shownPath(html)}\n`);
    if (options.report && options.report !== STANDARD_STREAM) {
      say(`Report: ${shownPath(path.resolve(options.report))}\n`);
    }
    if (document !== undefined) io.stdout(document);
    return run.report;
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message, ExitCode.badInput);
    throw error;
  } finally {
    progress.stop();
  }
}

export async function startCommand(options: StartOptions, io: StartIo): Promise<StartResult> {
  const progress = progressReporter(io, options.verbose ?? false);
  try {
    let history: HistorySource;
    let event: StatusChangeEvent;
    let live = false;
    let historyWarning: string | undefined;
    if (options.executionArn === undefined && (options.region || options.profile)) {
      throw new CliError('--region and --profile only apply with --execution-arn', ExitCode.badInput);
    }
    if (options.executionArn !== undefined) {
      const match = executionArnPattern.exec(options.executionArn);
      if (!match) {
        throw new CliError(
          `--execution-arn ${options.executionArn} is not a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>)`
        );
      }
      // As every command: --region wins, else the execution's own region; --profile, else AWS_PROFILE.
      const aws = await resolveAwsContext(options, io.env, options.executionArn);
      const region = aws.region as string;
      const credentials =
        clientConfig(aws).credentials ?? fromNodeProviderChain({ timeout: 1000, maxRetries: 0 });
      try {
        await credentials();
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(
          'no AWS credentials in the environment: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or drop --execution-arn to run the bundled example',
          ExitCode.aws
        );
      }
      progress.say(`reading the execution from AWS (${region})…`);
      // The in-process formatter builds its own SFN client (a history page over 256 KiB) from the environment.
      process.env.AWS_REGION = region;
      if (aws.profile) process.env.AWS_PROFILE = aws.profile;
      const client = createClients(aws).sfn;
      history = liveHistorySource(client);
      try {
        event = options.event
          ? statusChangeEventOf(await readJsonFile(options.event, 'event', io.stdin), options.event)
          : await liveEvent(client, options.executionArn);
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(
          `AWS refused DescribeExecution: ${(error as Error).name}: ${(error as Error).message}`,
          ExitCode.aws
        );
      }
      if (event.detail.executionArn !== options.executionArn) {
        throw new CliError('the --event file is for another execution than --execution-arn');
      }
      live = true;
    } else {
      if (options.event !== undefined && options.history === undefined) {
        // The bundled example's history under another run's event would show that run's steps and failure.
        throw new CliError(
          '--event needs --history: give the history of the same execution (--history <file>), or --execution-arn <arn> to read it from AWS',
          ExitCode.badInput
        );
      }
      checkOneStdinInput({ '--history': options.history, '--event': options.event });
      const historyFile = options.history ?? bundledExample.history;
      const content = historyPages(await readJsonFile(historyFile, 'history', io.stdin), historyFile);
      historyWarning = historyProblem(content, historyFile);
      const pages = historyPagesOf(content);
      history = recordedHistorySource(pages);
      const eventFile = options.event ?? (options.history === undefined ? bundledExample.event : undefined);
      event = eventFile
        ? statusChangeEventOf(await readJsonFile(eventFile, 'event', io.stdin), eventFile)
        : eventFromHistory(pages.flatMap((p) => p.events));
    }

    const slack = options.slack ? slackTarget(io.env) : undefined;
    // -e names the environment shown; when cdk.json lists it, the run routes as that environment's stack does.
    const config =
      options.env !== undefined && environmentListed(options.env, options.cdkJson)
        ? readEnvironment(options.env, options.cdkJson)
        : undefined;
    const machineArn =
      event.detail.stateMachineArn ??
      event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
    const tags = parseTags(options.tags);
    progress.say(
      `running the notifier locally for ${event.detail.name ?? event.detail.executionArn} (${event.detail.status})…`
    );
    let pipeline: LocalPipeline;
    try {
      const stateMachineArn =
        event.detail.stateMachineArn ??
        event.detail.executionArn.replace(/:execution:([^:]+):.*$/, ':stateMachine:$1');
      const everyone = { users: [LOCAL_CLICK_USER], userGroups: [] };
      pipeline = await LocalPipeline.create({
        history,
        formatter: formatMessage,
        ...(options.actions && !slack
          ? {
              channel: 'C0LOCAL001',
              actions: {
                policy: { redrive: everyone, stop: everyone, mute: everyone },
                watched: [stateMachineArn],
              },
            }
          : {}),
        environment: config?.name ?? options.env ?? options.environment ?? 'local',
        template: options.template ?? DEFAULT_TEMPLATE,
        // With --env: the environment's routes, as deployed (custom templates read from their files).
        ...(config
          ? {
              routes: localRoutes(config),
              allowedChannels: config.allowedChannels,
              mute: config.mute,
              ...(config.mentionOnFailure ? { mentionOnFailure: config.mentionOnFailure } : {}),
              ...(config.destination.type === 'channel' ? { channel: config.destination.channel } : {}),
            }
          : {}),
        tags: new Map([[machineArn, tags]]),
        // Against real Slack: real waits, and the first failed delivery ends the run (no 6-minute visibility
        // timeout to sit through).
        ...(slack
          ? {
              slack,
              clock: io.clock ?? new RealClock(),
              stopAtFirstFailure: true,
              ...(io.random ? { random: io.random } : {}),
              ...(io.visibilityTimeoutSeconds !== undefined
                ? { visibilityTimeoutSeconds: io.visibilityTimeoutSeconds }
                : {}),
              ...(io.slackOrigin
                ? {
                    slackEndpoints: {
                      'https://slack.com': io.slackOrigin,
                      'https://hooks.slack.com': io.slackOrigin,
                    },
                  }
                : {}),
            }
          : {}),
        // A recorded run (the bundled example, your files) is delivered as it would have been: a moment after it
        // ended, on its own clock, so the message is not labelled "Delayed" because the recording is old. A live
        // execution runs on today's clock: if it ended long ago, "Delayed" is the truth.
        ...(!slack && !live ? { clock: new VirtualClock(recordedRunClockStart(event)) } : {}),
        ...(live ? { sdkHistory: 'aws' as const } : {}),
        log: (line) => progress.line(line),
        ...(options.verbose ? { logSteps: true } : {}),
      });
    } catch (error) {
      if (error instanceof InvalidSettingError) throw new CliError(error.message, ExitCode.badInput);
      throw error;
    }
    const htmlToStdout = options.out === STANDARD_STREAM;
    const htmlPath = htmlToStdout ? STANDARD_STREAM : path.resolve(options.out ?? DEFAULT_PREVIEW_PATH);
    try {
      // The formatter's JSON log lines (one per history page) are for --verbose only.
      const { notifier } = await withLambdaLogs(
        (line) => {
          if (options.verbose) progress.line(line);
        },
        () => pipeline.run(event)
      );
      if (notifier.status !== 'SUCCEEDED') {
        throw new CliError(
          `the notifier state machine failed: ${notifier.error ?? 'unknown error'}${notifier.cause ? `: ${notifier.cause}` : ''}`,
          ExitCode.failed
        );
      }
      const lastDelivery = pipeline.deliveries.at(-1);
      if (!lastDelivery && config) {
        const name = stateMachineNameOf(machineArn) ?? machineArn;
        // The same question routes answers: the run's full ARN (its account and region, which the environment's
        // may not be), its status, its tags and the same cdk.json.
        const routesCommandLine = [
          `sfn-slack routes -e ${config.name} --state-machine ${machineArn} --status ${event.detail.status}`,
          ...(options.tags ?? []).map((tag) => `--tags ${tag}`),
          ...(options.cdkJson !== undefined && options.cdkJson !== 'cdk.json'
            ? [`--cdk-json ${options.cdkJson}`]
            : []),
        ].join(' ');
        throw new CliError(
          `no route of ${config.name} takes ${name} (${event.detail.status}), or it is muted: nothing is posted; \`${routesCommandLine}\` says why`,
          ExitCode.failed
        );
      }
      if (!lastDelivery) throw new CliError('the notifier queued no message to deliver', ExitCode.failed);
      if (pipeline.deadLetterQueue.peekBodies().length > 0 || lastDelivery.result.status !== 'SUCCEEDED') {
        // Keep the message: the exact request body, so it can be posted again once Slack takes it.
        const body = JSON.parse(lastDelivery.records[0]?.body ?? '{}') as Partial<DeliveryMessage>;
        const kept = path.join(
          path.dirname(htmlToStdout ? path.resolve(DEFAULT_PREVIEW_PATH) : htmlPath),
          'undelivered.json'
        );
        await mkdir(path.dirname(kept), { recursive: true });
        await writeFile(kept, `${JSON.stringify(body.payload ?? body, null, 2)}\n`, 'utf8');
        throw new CliError(
          `Slack did not take the message: ${deliveryFailure(deadLetterError(lastDelivery.result))}; the request body is saved in ${shownPath(kept)} to post again`,
          ExitCode.failed
        );
      }
      const output = lastDelivery.result.output as { fallback?: unknown } | undefined;
      const fallback = output?.fallback === true;
      let message: SlackMessage;
      const received = pipeline.slack?.messages().at(-1);
      if (received) message = asSlackMessage(received);
      else {
        const body = JSON.parse(lastDelivery.records[0]?.body ?? '{}') as {
          payload: SlackMessage;
          fallback: SlackMessage;
        };
        message = fallback ? body.fallback : body.payload;
      }

      const where = slack
        ? slack.kind === 'bot'
          ? 'Slack (chat.postMessage)'
          : 'Slack (incoming webhook)'
        : 'the local Slack server';
      const page = renderHtml(message, {
        title: `${event.detail.name ?? 'execution'}: ${event.detail.status}`,
      });
      const delivered = `Delivered to ${where}${fallback ? ' as plain text (Slack refused the blocks)' : ''}.`;
      if (htmlToStdout) {
        io.stdout(page);
        io.stderr(`${delivered}\n`);
      } else {
        await mkdir(path.dirname(htmlPath), { recursive: true });
        await writeFile(htmlPath, page, 'utf8');
        if (options.output === 'json') {
          io.stdout(`${JSON.stringify({ message, deliveredTo: where, fallback, htmlPath }, null, 2)}\n`);
        } else {
          // Several routes: each message, under the channel it went to.
          const allReceived = pipeline.slack?.messages() ?? [];
          if (allReceived.length > 1) {
            for (const m of allReceived.slice(0, -1)) {
              io.stdout(
                `→ #${m.channelName}\n${renderTerminal(asSlackMessage(m), { ansi: io.ansi ?? false })}\n\n`
              );
            }
            io.stdout(`→ #${allReceived.at(-1)?.channelName}\n`);
          }
          io.stdout(`${renderTerminal(message, { ansi: io.ansi ?? false })}\n`);
          io.stdout(`\n${delivered}\nHTML preview: ${shownPath(htmlPath)}\n`);
        }
      }
      if (historyWarning) throw new CliError(historyWarning, ExitCode.badInput);
      if (options.serve && pipeline.slack && io.untilStopped) {
        progress.stop();
        io.stdout(`Local Slack page: ${pipeline.slack.url}/ (Ctrl-C to stop)\n`);
        await io.untilStopped();
      }
      return { message, fallback, htmlPath };
    } finally {
      await pipeline.close();
    }
  } finally {
    progress.stop();
  }
}
