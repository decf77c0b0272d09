/**
 * The formatter Lambda: the notifier state machine's Format step. `handler` decides (formatters/formatter/notify.ts:
 * history, tags, routes, mute, the queue entries); `createHandler` formats one destination's message from
 * history pages or a fold state. Thin on purpose: the logic is in notify.ts, summarize/ and render/.
 *
 * Logs carry ids, statuses and counts only: never the bot token, the webhook URL, or message content.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type {
  DeliveryMessage,
  FormatterInput,
  FormatterOutput,
  NotifierSettings,
  NotifyDecision,
  NotifyInput,
  SlackMessage,
  StatusChangeEvent,
} from '../../contract/formatter.js';
import { MESSAGE_STORE_TABLE_ENV } from '../../contract/message-store.js';
import { DEFAULT_TEMPLATE } from '../../contract/templates.js';
import { createLogger } from '../shared/logger.js';
import { mapStackTracesOnDemand } from '../shared/stack-traces.js';
import { withActionButtons } from './buttons.js';
import { type RunContextOptions, readRunContext } from './context/read.js';
import { digestOperation } from './digest/operation.js';
import { plainTextMessage, renderSummary } from './format.js';
import { describeMapRuns } from './map-runs.js';
import type { MuteStore } from './mute.js';
import { type NotifyHandler, createNotifyHandler as notifyHandler } from './notify.js';
import { eventOnlyMessage } from './render/event-only.js';
import { lifecycleFields } from './render/lifecycle-fields.js';
import { safeMention } from './render/mention.js';
import { TemplateError } from './render/templates.js';
import { sourceDigestClients, sourceSfnClient } from './source-client.js';
import { foldPages, summarize } from './summarize/index.js';

// Deployed, the bundle's stack traces point into the TypeScript sources; the map is read on the first one.
mapStackTracesOnDemand(import.meta.url);

const defaultLogger = createLogger();

let defaultClient: SFNClient | undefined;

/**
 * The Step Functions SDK, loaded on first use: the history is read here only after `States.DataLimitExceeded`,
 * and loading the client is most of a cold start otherwise (see docs/performance.md).
 */
const loadSfnSdk = () => import('@aws-sdk/client-sfn');

/**
 * The process's SFN client, created on first use so `AWS_ENDPOINT_URL_SFN` and `AWS_REGION` are read then
 * (the local pipeline sets them before its first run). The SDK's standard retry mode backs off on throttling.
 */
async function defaultSfnClient(): Promise<SFNClient> {
  if (!defaultClient) {
    const { SFNClient } = await loadSfnSdk();
    defaultClient ??= new SFNClient({ maxAttempts: 8 });
  }
  return defaultClient;
}

/**
 * Reads a whole execution history from its first event (forward, 1,000 events a page, without inputs and
 * outputs), folding page by page so memory stays bounded. Returns the fold state to finish with.
 */
export async function readHistoryFolded(
  executionArn: string,
  sfnClient?: SFNClient,
  logger: Logger = defaultLogger
): Promise<unknown> {
  const { paginateGetExecutionHistory } = await loadSfnSdk();
  const client = sfnClient ?? (await defaultSfnClient());
  let partial: unknown;
  let pages = 0;
  const paginator = paginateGetExecutionHistory(
    { client, pageSize: 1_000 },
    { executionArn, includeExecutionData: false, reverseOrder: false }
  );
  for await (const page of paginator) {
    partial = foldPages(partial, [{ events: page.events ?? [] }]);
    pages += 1;
  }
  logger.info('history read', { executionArn, pages });
  return partial;
}

/** SHA-256 hex of `executionArn|status|redriveCount`: the FIFO deduplication id. */
export function deduplicationId(executionArn: string, status: string, redriveCount: number): string {
  return createHash('sha256').update(`${executionArn}|${status}|${redriveCount}`).digest('hex');
}

/** FIFO message group: the channel, or `webhook`. */
export function messageGroupId(settings: Pick<NotifierSettings, 'destination'>): string {
  const destination = settings.destination;
  return destination?.type === 'channel' && destination.channel ? destination.channel : 'webhook';
}

function validate(input: FormatterInput): StatusChangeEvent {
  const event = input?.event;
  if (!event || typeof event !== 'object' || !event.detail || typeof event.detail.executionArn !== 'string') {
    throw new TypeError('formatter input has no event.detail.executionArn');
  }
  return event;
}

/**
 * The plain-text fallback, which must not fail: should the summary's text not build, the event-only message
 * (formatters/formatter/render/event-only.ts) takes its place.
 */
function safePlainText(
  summary: Parameters<typeof plainTextMessage>[0],
  settings: Partial<NotifierSettings>,
  event: StatusChangeEvent
): SlackMessage {
  try {
    return plainTextMessage(summary, settings);
  } catch {
    return eventOnlyMessage(event, settings, 'the plain-text summary could not be built');
  }
}

/** What the handler is built with; everything has a default fit for Lambda. */
export interface HandlerOptions {
  /**
   * The client that reads histories when the input asks for `readHistory`, and describes the Map Runs of
   * Distributed Maps that did not succeed (DescribeMapRun).
   * @default - one `SFNClient` per process (8 attempts), created on first use; it honours
   *   `AWS_ENDPOINT_URL_SFN`, `AWS_REGION` and the usual credential chain
   */
  readonly sfnClient?: SFNClient;
  /**
   * The logger.
   * @default - a Powertools Logger configured by `POWERTOOLS_SERVICE_NAME` / `POWERTOOLS_LOG_LEVEL`
   */
  readonly logger?: Logger;
  /**
   * "Is this normal?" (formatters/formatter/context/): read the machine's recent runs with the same client as the
   * history; `false` leaves it out.
   * @default - read (with an injected client, in Lambda, or at `AWS_ENDPOINT_URL_SFN`), within
   *   CONTEXT_BUDGET_MS, cached per machine for CONTEXT_CACHE_MS
   */
  readonly runContext?: false | Omit<RunContextOptions, 'onError'>;
}

/**
 * Whether this handler reads the run context: with an injected client, in Lambda, or where an SFN endpoint is
 * set (the local pipeline); a bare process (a test calling the handler directly) never calls AWS for it.
 */
function readsRunContext(options: HandlerOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (options.runContext === false) return false;
  return Boolean(options.sfnClient || env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_ENDPOINT_URL_SFN);
}

/**
 * The client the run context and the Map Run details are read with: the history's (sourceSfnClient, the execution
 * account's read role, in a central environment).
 */
async function executionReadClient(event: StatusChangeEvent, options: HandlerOptions): Promise<SFNClient> {
  return options.sfnClient ?? (await sourceSfnClient(event)) ?? (await defaultSfnClient());
}

/** The state machine of the event's execution (the event names it; else derived from the execution ARN). */
function stateMachineArnOf(event: StatusChangeEvent): string {
  return (
    event.detail.stateMachineArn ??
    event.detail.executionArn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1')
  );
}

/** The formatter handler's signature (the notifier's Format step calls it with the contract's input). */
export type FormatterHandler = (input: FormatterInput) => Promise<FormatterOutput>;

/**
 * Builds a handler. `pages` + `nextToken` → a `partial` to send back with the next pages; otherwise the
 * message, its destination group and deduplication id. A template that fails still sends a plain-text message.
 * `readHistory` reads the whole history from its start, ignoring any `partial`, `pages` and `nextToken`
 * that came with it.
 */
export function createHandler(options: HandlerOptions = {}): FormatterHandler {
  const logger = options.logger ?? defaultLogger;
  return async (input) => {
    if (input?.digest) {
      // The daily digest (statemachines/digest.asl.json): formatters/formatter/digest/ does the work.
      const digest = input.digest;
      // A central environment reads each source account and region with its read role, there.
      const clients = options.sfnClient ?? (await sourceDigestClients(digest)) ?? (await defaultSfnClient());
      const answer = await digestOperation(digest, clients, {
        warn: (warning) =>
          logger.warn('template output fixed', { template: digest.template ?? 'digest', warning }),
      });
      logger.info('digest', {
        destination: answer.kind === 'message' ? answer.messageGroupId : undefined,
        kind: answer.kind,
      });
      return answer;
    }
    const event = validate(input);
    const executionArn = event.detail.executionArn;
    const settings: Partial<NotifierSettings> = input.settings ?? {};
    logger.appendKeys({ executionArn, status: event.detail.status });

    let partial = input.partial;
    let pages: readonly unknown[] = input.pages ?? [];
    let nextToken = input.nextToken;
    let historyUnavailable = input.historyUnavailable;
    if (input.readHistory && !historyUnavailable) {
      // A page too large for Step Functions (States.DataLimitExceeded) may come after others were folded; the
      // notifier then sends only `readHistory`. Whatever else came along, the whole history is read again from
      // its first event, so nothing is folded twice or missed, and the answer is the message.
      partial = undefined;
      pages = [];
      nextToken = undefined;
      try {
        // A central environment reads in the execution's account and region, with its read role.
        const client = options.sfnClient ?? (await sourceSfnClient(event));
        partial = await readHistoryFolded(executionArn, client, logger);
      } catch (error) {
        // The notification still goes out, saying why the details are missing.
        const name = error instanceof Error ? error.name : 'Error';
        const message = error instanceof Error ? error.message : String(error);
        logger.warn('history could not be read', { error: name });
        historyUnavailable = { error: name, cause: message };
        partial = undefined;
      }
    }
    if (nextToken) {
      const next = foldPages(partial, pages);
      logger.info('partial', { pages: pages.length, events: next.eventCount });
      return { kind: 'partial', partial: next };
    }

    const folded = summarize({
      pages,
      event,
      ...(partial === undefined ? {} : { partial }),
      ...(historyUnavailable ? { historyUnavailable } : {}),
      ...(typeof input.definition === 'string' ? { definition: input.definition } : {}),
    });
    let summary = folded;
    // The same client as the history's: in a central environment the execution account's read role, in its region.
    const contextClient =
      readsRunContext(options) && summary.execution.status !== 'RUNNING'
        ? await executionReadClient(event, options).catch((error: unknown) => {
            // An event naming no source account or region: no context, the message goes on.
            logger.warn('run context unavailable', {
              error: error instanceof Error ? error.name : 'Error',
            });
            return undefined;
          })
        : undefined;
    if (contextClient) {
      // Optional: any failure leaves it out (logged once per failed read), and the message goes on.
      const runContext = await readRunContext(
        contextClient,
        {
          stateMachineArn: stateMachineArnOf(event),
          executionArn,
          status: summary.execution.status,
          startDate: summary.execution.startMs ?? event.detail.startDate,
          stopDate: summary.execution.stopMs ?? event.detail.stopDate,
          ...(summary.execution.error ? { error: summary.execution.error } : {}),
          ...(summary.failedState ? { failedState: summary.failedState } : {}),
        },
        {
          ...(options.runContext ?? {}),
          onError: (error) => logger.warn('run context unavailable', { error }),
        }
      );
      if (runContext) summary = { ...summary, runContext };
    }
    // Map Run details with the history's client too: a central environment's own role reads nothing of a source.
    const mapRunErrors = await describeMapRuns(summary, () => executionReadClient(event, options));
    if (mapRunErrors.length > 0) logger.warn('map run not described', { errors: mapRunErrors });
    const fallbackMessage = safePlainText(summary, settings, event);
    let message: SlackMessage;
    try {
      message = await renderSummary(summary, settings, undefined, (warning) =>
        logger.warn('template output fixed', { template: settings.template ?? DEFAULT_TEMPLATE, warning })
      );
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      // The notification still goes out, as plain text; the warning names the template, not the content.
      logger.warn('template failed, sending plain text', { template: error.template, error: error.message });
      message = fallbackMessage;
    }

    const status = typeof event.detail.status === 'string' ? event.detail.status : summary.execution.status;
    const redriveCount =
      typeof event.detail.redriveCount === 'number'
        ? event.detail.redriveCount
        : summary.execution.redriveCount;
    if (settings.actions && settings.actions.length > 0 && settings.destination?.type === 'channel') {
      message = withActionButtons(message, {
        actions: settings.actions,
        executionArn,
        status,
        redriveCount,
        redriveStatus: event.detail.redriveStatus,
        account: event.account,
        region: event.region,
      });
    }
    const dedup = deduplicationId(executionArn, status, redriveCount);
    const channel = settings.destination?.type === 'channel' ? settings.destination.channel : undefined;
    const delivery: DeliveryMessage = {
      payload: { ...message, ...(channel ? { channel } : {}), unfurl_links: false },
      fallback: { text: fallbackMessage.text, ...(channel ? { channel } : {}) },
      executionArn,
      status,
      deduplicationId: dedup,
      ...lifecycleFields(event, summary, {
        status,
        redriveCount,
        mention: safeMention(settings.mentionOnFailure),
      }),
      // Where the execution ran, for routes by account and region (issue "Routing").
      ...(summary.execution.account ? { account: summary.execution.account } : {}),
      ...(summary.execution.region ? { region: summary.execution.region } : {}),
    };
    logger.info('formatted', {
      events: summary.eventCount,
      steps: summary.steps.length + summary.omittedSteps,
      blocks: message.blocks?.length ?? 0,
      historyUnavailable: Boolean(historyUnavailable),
    });
    return {
      kind: 'message',
      delivery,
      messageGroupId: messageGroupId({ destination: settings.destination ?? { type: 'webhook' } }),
      deduplicationId: dedup,
    };
  };
}

/** One destination's message with the defaults: what the notifier's decision formats each destination with. */
export const formatMessage: FormatterHandler = createHandler();

let defaultStore: Promise<MuteStore | undefined> | undefined;

/** The message store the mute counts live in: the table the stack names in the environment, if any. */
function muteStoreFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<MuteStore | undefined> {
  defaultStore ??= (async () => {
    const tableName = env[MESSAGE_STORE_TABLE_ENV];
    if (!tableName) return undefined;
    const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/lib-dynamodb'),
    ]);
    return { client: DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 })), tableName };
  })();
  return defaultStore;
}

/** What the notifier's decision is built with; everything has a default fit for Lambda. */
export interface NotifyHandlerOptions extends HandlerOptions {
  /** Formats each destination's message. @default - createHandler with these options */
  readonly format?: FormatterHandler;
  /**
   * The message store of the mute counts.
   * @default - the table named by `SFN_SLACK_MESSAGE_TABLE`, with the default DynamoDB client; none when unset
   */
  readonly store?: () => Promise<MuteStore | undefined>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * The notifier's Format step (formatters/formatter/notify.ts): the client reading each execution is the source account's
 * read role in a central environment (formatters/formatter/source-client.ts), else `sfnClient` or the process's.
 */
export function createNotifyHandler(options: NotifyHandlerOptions = {}): NotifyHandler {
  const logger = options.logger ?? defaultLogger;
  return notifyHandler({
    format: options.format ?? createHandler(options),
    sfnClient: async (event) =>
      options.sfnClient ?? (await sourceSfnClient(event)) ?? (await defaultSfnClient()),
    store: options.store ?? (() => muteStoreFromEnvironment()),
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
}

/** The formatter function's two operations: the notifier's decision, or the daily digest. */
export type FormatterEntry = (
  input: NotifyInput | FormatterInput
) => Promise<NotifyDecision | FormatterOutput>;

/**
 * One function for both callers of the formatter Lambda: the digest machine (statemachines/digest.asl.json) asks
 * with `digest`, which `format` answers; the notifier's Format step with a NotifyInput, which `notify` decides.
 */
export function formatterEntry(notify: NotifyHandler, format: FormatterHandler): FormatterEntry {
  return async (input) => {
    if ('digest' in input && input.digest) return format(input);
    return notify(input as NotifyInput);
  };
}

/** The Lambda entry point (`formatters/handler.handler`), with the defaults. */
export const handler: FormatterEntry = formatterEntry(createNotifyHandler(), formatMessage);
