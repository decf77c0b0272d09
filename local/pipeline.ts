/**
 * The whole notifier, locally: an EventBridge status-change event runs `statemachines/notifier.asl.json`
 * (history → formatter → FIFO queue), and the local Pipe runs `statemachines/deliver.asl.json` (both transports)
 * for each queued message, posting to the local Slack server or, when asked, to real Slack. The definitions run
 * as written; only their `${Placeholders}` are filled with local values.
 *
    this.digestDefinition = readMachine('digest.asl.json', settings);
 * Stand-ins: getExecutionHistory → a history source; lambda:invoke → the formatter and delivery handlers in
 * process (the delivery's store client on dynalite, its clock the pipeline's);
 * sqs:sendMessage → the local FIFO queue; the Pipe → `LocalPipe`; http:invoke → a real HTTP request with the
 * connection's credential injected; ssm:getParameter → the webhook URL.
 *
 * Defaults as deployed: the queue's (contract/queue.ts), the routes and settings in the shape the stack writes
 * (contract/routes.ts), and a virtual clock, so retries, visibility timeouts and mutes cost no real time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ActionsPolicy, enabledActions } from '../contract/actions.js';
import { parseArn } from '../contract/arns.js';
import { fillJsonValues, jsonStringSubstitution } from '../contract/definition-values.js';
import type { DigestRequest } from '../contract/digest.js';
import { fallbackSettings } from '../contract/fallback.js';
import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../contract/formatter.js';
import { lifecycleSubstitutions, muteSubstitutions, STORE_KEY } from '../contract/message-store.js';
import { QUEUE_DEFAULTS } from '../contract/queue.js';
import { bannerMention, type DeployedSettings, type Route, readsTags } from '../contract/routes.js';
import { TAG_MENTION } from '../contract/settings.js';
import { withSourceCredentials } from '../contract/source-credentials.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../contract/sources.js';
import { EXECUTION_STATUSES } from '../contract/statuses.js';
import { DEFAULT_TEMPLATE } from '../contract/templates.js';
import { type Decision, RATELIMITED_RETRIES } from '../formatters/delivery/decision.js';
import { STORE_CLIENT_LIMITS } from '../formatters/delivery/handler.js';
import { createNotifyHandler, formatterEntry } from '../formatters/formatter/handler.js';
import {
  type Clock,
  type ExecutionResult,
  type HistoryEvent,
  type ResourceHandler,
  type RetryNotice,
  runStateMachine,
  substitute,
  VirtualClock,
} from './asl/index.js';
import { LocalActions } from './interactivity.js';
import {
  clockTime,
  type DrainStats,
  formatSeconds,
  LocalPipe,
  type SqsRecord,
  type TargetResult,
} from './pipe.js';
import { FifoQueue } from './queue/index.js';
import { type SlackServer, startSlackServer } from './slack-server/index.js';
import { renderReceivedPage } from './slack-server/page.js';
import { localDeliveryFunction } from './stand-ins/delivery-function.js';
import type { DefinitionSource } from './stand-ins/describe.js';
import { type LocalDynamoDb, startLocalDynamoDb } from './stand-ins/dynamodb.js';
import { ExecutionRegistry } from './stand-ins/executions.js';
import { FunctionFaults } from './stand-ins/function-faults.js';
import { getExecutionHistoryHandler, type HistorySource } from './stand-ins/history.js';
import { httpInvokeHandler, type LocalConnection } from './stand-ins/http-invoke.js';
import { lambdaInvokeHandler } from './stand-ins/lambda.js';
import { LocalScheduler, schedulerResources } from './stand-ins/scheduler.js';
import {
  type SdkCaller,
  serveHistoryToSdk,
  setSdkReadCheck,
  setServedDefinitions,
  setServedExecutions,
  setServedHistory,
  setServedTags,
} from './stand-ins/sfn-endpoint.js';
import { checkSourceRead, readWithSourceRole, type SourceRead } from './stand-ins/source-roles.js';
import { sqsSendMessageBatchHandler, sqsSendMessageHandler } from './stand-ins/sqs.js';
import { ssmGetParameterHandler } from './stand-ins/ssm.js';
import { roleOfAccessKey, serveStsLocally } from './stand-ins/sts-endpoint.js';
import type { TagStore } from './stand-ins/tags.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const machinesDir = path.join(repoRoot, 'statemachines');

/** The region the local pipeline's state machines run in (a central environment's notifier region, locally). */
export const LOCAL_REGION = 'us-east-1';
const region = LOCAL_REGION;
const account = '000000000000';
const connectionArn = `arn:aws:events:${region}:${account}:connection/sfn-slack-local/00000000-0000-0000-0000-000000000000`;
const formatterArn = `arn:aws:lambda:${region}:${account}:function:sfn-slack-formatter-local`;
const deliveryFunctionArn = `arn:aws:lambda:${region}:${account}:function:sfn-slack-delivery-local`;
const webhookParameterName = '/local/SLACK_URL';
const tableName = 'sfn-slack-local-messages';
const scheduleGroupName = 'sfn-slack-local';
const schedulerRoleArn = `arn:aws:iam::${account}:role/sfn-slack-local-scheduler`;
/** A channel ID as Slack issues them (conversations.history and chat.update take IDs only). */
const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;

export const resources = {
  history: 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory',
  lambda: 'arn:aws:states:::lambda:invoke',
  sqs: 'arn:aws:states:::sqs:sendMessage',
  sqsBatch: 'arn:aws:states:::aws-sdk:sqs:sendMessageBatch',
  http: 'arn:aws:states:::http:invoke',
  ssm: 'arn:aws:states:::aws-sdk:ssm:getParameter',
  describe: 'arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution',
  listTags: 'arn:aws:states:::aws-sdk:sfn:listTagsForResource',
  tag: 'arn:aws:states:::aws-sdk:sfn:tagResource',
  untag: 'arn:aws:states:::aws-sdk:sfn:untagResource',
} as const;

/** Where delivered messages go. */
export type SlackTarget =
  /** The local Slack-compatible server (started by the pipeline unless one is given). */
  | { readonly kind: 'local'; readonly server?: SlackServer; readonly webhook?: boolean }
  /** Real Slack, chat.postMessage with a bot token (a secret: never logged). */
  | { readonly kind: 'bot'; readonly token: string; readonly channel: string }
  /** Real Slack, an incoming webhook (its URL is a secret: never logged). */
  | { readonly kind: 'webhook'; readonly url: string };

export type Formatter = (input: FormatterInput) => Promise<FormatterOutput>;

export interface PipelineOptions {
  /** Answers GetExecutionHistory for the notifier. */
  readonly history: HistorySource;
  /**
   * Formats one destination's message (formatters/formatter/handler.ts `formatMessage`), run in process: the formatter
   * Lambda's decision (formatters/formatter/notify.ts: routes, tags, mute, the batch) calls it once per destination.
   */
  readonly formatter: Formatter;
  /** @default { kind: 'local' } */
  readonly slack?: SlackTarget;
  /** @default 'local' */
  readonly environment?: string;
  /**
   * The routes, as the environment's stack has them (contract/settings.ts `EnvironmentConfig.routes`).
   * @default - one route taking every machine and status to `channel` with `template` and `mentionOnFailure`
   */
  readonly routes?: readonly Route[];
  /** Channels a `sfn-slack:channel` tag may pick. @default the routes' channels */
  readonly allowedChannels?: readonly string[];
  /** Read the `sfn-slack:mute-until` tag (the environment's `mute`). @default false */
  readonly mute?: boolean;
  /** The watched state machines' tags. @default - an empty store */
  readonly tags?: TagStore;
  /** Template of the default route. @default 'detailed' */
  readonly template?: string;
  /** @default '' (no mention) */
  readonly mentionOnFailure?: string;
  /** Channel for the local server and the notifier's settings. @default '#alerts' (or the bot target's channel) */
  readonly channel?: string;
  /** @default a VirtualClock; use a RealClock against real Slack */
  readonly clock?: Clock;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default 5 (as deployed) */
  readonly maxReceiveCount?: number;
  /** @default 360 (as deployed) */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Where real Slack's origins (`https://slack.com`, `https://hooks.slack.com`) go for a `bot` or `webhook`
   * target: tests point them at a local server that plays real Slack. @default - the real origins
   */
  readonly slackEndpoints?: Readonly<Record<string, string>>;
  /**
   * Stop delivering at the first failed delivery execution instead of waiting out the visibility timeout
   * (an interactive one-shot run reports it at once; the message stays in flight in the queue).
   * @default false
   */
  readonly stopAtFirstFailure?: boolean;
  /** Per HTTP request. @default 60000 (the HTTP Task's limit) */
  readonly httpTimeoutMs?: number;
  /**
   * A message store shared with other pipelines (one deployed environment posting to several channels: one table,
   * one workspace-wide chat.update bucket); the caller closes it. @default - a store of its own
   */
  readonly store?: LocalDynamoDb;
  /** Progress and outcome lines; never secrets. */
  readonly log?: (line: string) => void;
  /** Also log each state each execution enters (`start --verbose`). @default false */
  readonly logSteps?: boolean;
  /**
   * Where the formatter's own history reads (`readHistory`, after a page over 256 KiB) go: `'local'` serves
   * `history` on a local SFN endpoint; `'aws'` leaves the SDK to the environment (for a live execution).
   * @default 'local'
   */
  readonly sdkHistory?: 'local' | 'aws';
  /**
   * Answers DescribeStateMachineForExecution for the notifier's Describe step.
   * @default - no definition is known: Describe fails and the notification goes out without it
   */
  readonly definition?: DefinitionSource;
  /**
   * Pass the execution's input and output to the formatter (what the stack decides from the template).
   * @default false
   */
  readonly executionData?: boolean;
  /**
   * The one-message-per-execution settings (cdk.json: RUNNING among `statuses`, `replyBroadcast`,
   * `runningLongerThan`). @default no start notices, failure replies broadcast, no runningLongerThan
   */
  readonly lifecycle?: {
    readonly startNotices?: boolean;
    readonly replyBroadcast?: boolean;
    readonly runningLongerThanSeconds?: number;
    /** Storm digests past this many new executions of one state machine in the window; 0: off. @default 5 */
    readonly stormThreshold?: number;
    /** @default 300 */
    readonly stormWindowSeconds?: number;
  };
  /**
   * Redrive, Stop and Mute buttons, with the interactivity endpoint and the actions machine (local Slack server,
   * channel mode only). @default no buttons
   */
  readonly actions?: {
    readonly policy: ActionsPolicy;
    /** Watched state machine ARNs, and ARN prefixes ending in `*`. */
    readonly watched: readonly string[];
    /** @default a random secret */
    readonly signingSecret?: string;
  };
  /**
   * Run as a central environment (cdk.json `sources`): the notifier reads each execution of its own region
   * (us-east-1 here) with the read role of its account (task `Credentials`, contract/source-credentials.ts) and sends one
   * of another region to the formatter, which assumes that role itself (through a local STS endpoint) and reads
   * in that region; a read with any other role or from another region is refused as the source account's IAM
   * and Step Functions would (local/stand-ins/source-roles.ts). Every read is in `sourceReads`.
   * @default false
   */
  readonly central?: boolean;
}

export interface NotifyResult {
  readonly execution: ExecutionResult;
}

/** A setting no substitution can carry safely (`${`, or a whole `{% … %}` the machine would evaluate). */
export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
}

/**
 * Fills a definition's placeholders the way the deployed stack does (contract/definition-values.ts): each
 * value lands inside a JSON string, so it is JSON-escaped and arrives unchanged, quotes and backslashes included.
 */
function readMachine(
  file: string,
  values: Record<string, string>,
  jsonValues: Readonly<Record<string, unknown>> = {}
): string {
  let text = readFileSync(path.join(machinesDir, file), 'utf8');
  try {
    text = fillJsonValues(text, jsonValues);
  } catch (error) {
    throw new InvalidSettingError((error as Error).message);
  }
  const used = new Set([...text.matchAll(/\$\{([^{}]+)\}/g)].map((m) => m[1] as string));
  const subs: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!used.has(name)) continue;
    try {
      subs[name] = jsonStringSubstitution(name, value);
    } catch (error) {
      throw new InvalidSettingError((error as Error).message);
    }
  }
  return substitute(text, subs);
}

/**
 * The delivery definitions' store and lifecycle placeholders as the local pipeline fills them (tests that run
 * the delivery definition on its own reuse them).
 */
export function localStoreSubstitutions(
  queueArn: string,
  lifecycle: PipelineOptions['lifecycle'] = {},
  /** The channels the delivery may post to (comma-separated) and its dead-letter queue. */
  delivery: {
    readonly allowedChannels?: string;
    readonly queueUrl?: string;
    readonly deadLetterQueueUrl?: string;
  } = {}
): Record<string, string> {
  const { region: queueRegion, account: queueAccount, resource: queueName } = parseArn(queueArn) ?? {};
  const queueUrl =
    delivery.queueUrl ?? `https://sqs.${queueRegion}.amazonaws.com/${queueAccount}/${queueName}`;
  return {
    QueueArn: queueArn,
    QueueUrl: queueUrl,
    AllowedChannels: delivery.allowedChannels ?? '',
    DeadLetterQueueUrl: delivery.deadLetterQueueUrl ?? queueUrl.replace(/\.fifo$/, '-dlq.fifo'),
    TableName: tableName,
    ScheduleGroupName: scheduleGroupName,
    SchedulerRoleArn: schedulerRoleArn,
    ...lifecycleSubstitutions({
      startNotices: lifecycle.startNotices ?? false,
      replyBroadcast: lifecycle.replyBroadcast ?? true,
      runningLongerThanSeconds: lifecycle.runningLongerThanSeconds ?? 0,
      ...(lifecycle.stormThreshold === undefined ? {} : { stormThreshold: lifecycle.stormThreshold }),
      ...(lifecycle.stormWindowSeconds === undefined
        ? {}
        : { stormWindowSeconds: lifecycle.stormWindowSeconds }),
    }),
  };
}

/** Central pipelines open in this process, and the variable's value before the first one. */
let centralUsers = 0;
let savedCentralEnvironment: string | undefined;

/**
 * The formatter as a central environment's stack configures it: `SFN_SLACK_CENTRAL_ENVIRONMENT` set, so it
 * assumes the execution account's read role for its own reads, through a local STS endpoint. Pipelines of one
 * process share the variable: the first sets it, the last restores it.
 * @returns release
 */
async function centralFormatter(environment: string): Promise<() => Promise<void>> {
  const releaseSts = await serveStsLocally();
  if (centralUsers === 0) savedCentralEnvironment = process.env[CENTRAL_ENVIRONMENT_ENV];
  centralUsers += 1;
  process.env[CENTRAL_ENVIRONMENT_ENV] = environment;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    centralUsers -= 1;
    if (centralUsers === 0) {
      if (savedCentralEnvironment === undefined) delete process.env[CENTRAL_ENVIRONMENT_ENV];
      else process.env[CENTRAL_ENVIRONMENT_ENV] = savedCentralEnvironment;
    }
    await releaseSts();
  };
}

export class LocalPipeline {
  readonly queue: FifoQueue;
  readonly deadLetterQueue: FifoQueue;
  readonly clock: Clock;
  readonly pipe: LocalPipe;
  /** The settings the notifier runs with, in the shape the stack writes them. */
  readonly settings: DeployedSettings;
  /** The watched machines' tags (`sfn-slack mute` locally: set `sfn-slack:mute-until` here). */
  readonly tags: TagStore;
  /** The executions the events spoke of: what ListExecutions and DescribeExecution answer (issue 24). */
  readonly executions = new ExecutionRegistry();
  /** EventBridge Scheduler one-time schedules (runningLongerThan), on this pipeline's clock. */
  readonly scheduler: LocalScheduler;
  /** In a central environment, every read of a watched execution and the role it ran with, oldest first. */
  readonly sourceReads: SourceRead[] = [];
  /** Results of every delivery execution, oldest first, with the time each ended (epoch ms). */
  readonly deliveries: { records: SqsRecord[]; result: ExecutionResult; endedAt: number }[] = [];
  /** Every notifier execution's status and the time it ended (epoch ms), oldest first (what its alarm counts). */
  readonly notifierRuns: { status: ExecutionResult['status']; endedAt: number }[] = [];
  /** Faults of the formatter Lambda (scenario `formatter` steps): it throws, or answers late. */
  readonly formatterFaults: FunctionFaults;
  private readonly notifierDefinition: string;
  /** statemachines/digest.asl.json with this pipeline's formatter and queue (issue 24). */
  private readonly digestDefinition: string;
  private readonly deliverDefinition: string;
  private readonly notifierResources: Record<string, ResourceHandler>;
  private readonly deliverResources: Record<string, ResourceHandler>;
  /** The interactivity endpoint and actions machine (with `actions`). */
  readonly actions: LocalActions | undefined;

  private constructor(
    private readonly options: PipelineOptions,
    /** The local Slack server, when delivering locally. */
    readonly slack: SlackServer | undefined,
    private readonly ownsServer: boolean,
    private readonly releaseSdkHistory: (() => Promise<void>) | undefined,
    /** The message store (DynamoDB API in process). */
    readonly store: LocalDynamoDb,
    private readonly releaseCentral: (() => Promise<void>) | undefined
  ) {
    const log = options.log;
    this.clock = options.clock ?? new VirtualClock(Date.now());
    this.deadLetterQueue = new FifoQueue({
      name: 'sfn-slack-local-dlq.fifo',
      clock: this.clock,
      retentionSeconds: QUEUE_DEFAULTS.deadLetterRetentionSeconds,
      region,
      accountId: account,
    });
    this.queue = new FifoQueue({
      name: 'sfn-slack-local.fifo',
      clock: this.clock,
      region,
      accountId: account,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? QUEUE_DEFAULTS.visibilityTimeoutSeconds,
      retentionSeconds: QUEUE_DEFAULTS.retentionSeconds,
      deduplicationScope: QUEUE_DEFAULTS.deduplicationScope,
      redrivePolicy: {
        deadLetterQueue: this.deadLetterQueue,
        maxReceiveCount: options.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
      },
      // EventBridge Scheduler sends to a FIFO queue without a deduplication id: the queue must hash the content.
      contentBasedDeduplication: true,
    });
    this.scheduler = new LocalScheduler([this.queue], this.clock);
    this.formatterFaults = new FunctionFaults(this.clock);

    const target = options.slack ?? { kind: 'local' };
    const webhookMode = target.kind === 'webhook' || (target.kind === 'local' && target.webhook === true);
    const channel = options.channel ?? (target.kind === 'bot' ? target.channel : '#alerts');

    let connection: LocalConnection = { type: 'NONE' };
    let endpoints: Record<string, string> = {};
    const parameters: Record<string, string> = {};
    if (target.kind === 'local' && slack) {
      endpoints = { 'https://slack.com': slack.url, 'https://hooks.slack.com': slack.url };
      if (webhookMode) {
        // The local hook URL as it would be in SSM: on hooks.slack.com, which the http stand-in maps back.
        parameters[webhookParameterName] =
          `https://hooks.slack.com${new URL(slack.addWebhook(channel)).pathname}`;
      } else connection = { type: 'API_KEY', key: 'Authorization', value: `Bearer ${slack.token}` };
    } else if (target.kind === 'bot') {
      connection = { type: 'API_KEY', key: 'Authorization', value: `Bearer ${target.token}` };
      endpoints = { ...options.slackEndpoints };
    } else if (target.kind === 'webhook') {
      parameters[webhookParameterName] = target.url;
      endpoints = { ...options.slackEndpoints };
    }

    this.settings = localSettings(options, webhookMode, channel);
    const settings: Record<string, string> = {
      ConnectionArn: connectionArn,
      WebhookParameterName: webhookParameterName,
      FormatterFunctionArn: formatterArn,
      QueueUrl: this.queue.url,
      MentionOnFailure: bannerMention(this.settings.routes, options.mentionOnFailure),
      MentionPattern: TAG_MENTION.source,
      ...muteSubstitutions(),
      ...localStoreSubstitutions(this.queue.arn, options.lifecycle, {
        allowedChannels: webhookMode ? '' : allowedChannelsOf(this.settings),
        queueUrl: this.queue.url,
        deadLetterQueueUrl: this.deadLetterQueue.url,
      }),
    };
    const environment = this.settings.environment;
    const notifier = readMachine('notifier.asl.json', settings, {
      Settings: this.settings,
      Fallback: fallbackSettings(this.settings),
    });
    this.notifierDefinition = options.central ? withSourceCredentials(notifier, environment) : notifier;
    // In a central environment the source account's IAM decides which role may read an execution.
    const fromSource = (handler: ResourceHandler): ResourceHandler =>
      options.central
        ? readWithSourceRole(handler, environment, (read) => this.sourceReads.push(read))
        : handler;
    this.digestDefinition = readMachine('digest.asl.json', settings);
    this.deliverDefinition = readMachine('deliver.asl.json', {
      ...settings,
      DeliveryFunctionArn: deliveryFunctionArn,
    });
    const lifecycle = options.lifecycle ?? {};
    const delivery = localDeliveryFunction({
      arn: deliveryFunctionArn,
      // Its own client, with the deployed client's retries and request timeout (a slow store call is given up).
      dynamodb: store.newClient({
        maxAttempts: STORE_CLIENT_LIMITS.maxAttempts,
        requestTimeoutMs: STORE_CLIENT_LIMITS.requestHandler.requestTimeout,
      }),
      config: {
        tableName,
        transport: webhookMode ? 'webhook' : 'channel',
        allowedChannels: webhookMode ? [] : allowedChannelsOf(this.settings).split(','),
        startNotices: lifecycle.startNotices ?? false,
        replyBroadcast: lifecycle.replyBroadcast ?? true,
        runningLongerThanSeconds: lifecycle.runningLongerThanSeconds ?? 0,
        mention: settings.MentionOnFailure ?? '',
        ...(lifecycle.stormThreshold === undefined ? {} : { stormThreshold: lifecycle.stormThreshold }),
        ...(lifecycle.stormWindowSeconds === undefined
          ? {}
          : { stormWindowSeconds: lifecycle.stormWindowSeconds }),
        queueArn: this.queue.arn,
        scheduleGroup: scheduleGroupName,
        schedulerRoleArn,
      },
      now: () => this.clock.now(),
      ...(options.random ? { random: options.random } : {}),
    });

    this.tags = options.tags ?? new Map();
    // The formatter Lambda in process: it decides (formatters/formatter/notify.ts) and formats each destination's message
    // with `options.formatter`; it reads the rest of the history, the definition and the tags through the local SFN
    // endpoint (with the source read role in a central environment) and counts mutes in the local store.
    const documents = DynamoDBDocumentClient.from(store.client);
    const decide = createNotifyHandler({
      format: options.formatter,
      store: async () => ({ client: documents, tableName }),
      now: () => this.clock.now(),
    });
    this.notifierResources = {
      [resources.history]: fromSource(getExecutionHistoryHandler(options.history)),
      [resources.lambda]: lambdaInvokeHandler({
        [formatterArn]: this.formatterFaults.wrap(
          formatterEntry(decide, options.formatter) as (p: never) => Promise<unknown>
        ),
      }),
      [resources.sqsBatch]: sqsSendMessageBatchHandler([this.queue]),
      // The event-only fallback.
      [resources.sqs]: sqsSendMessageHandler([this.queue]),
    };
    this.deliverResources = {
      [resources.http]: httpInvokeHandler({
        connections: { [connectionArn]: connection },
        endpoints,
        ...(options.httpTimeoutMs !== undefined ? { timeoutMs: options.httpTimeoutMs } : {}),
        ...(log ? { log } : {}),
      }),
      [resources.ssm]: ssmGetParameterHandler(parameters, region),
      // The delivery function, in process on the same store and clock.
      ...delivery.resources,
      // The delivery sends poison records to the dead-letter queue itself (and storm flushes to its own queue).
      [resources.sqs]: sqsSendMessageHandler([this.deadLetterQueue, this.queue]),
      ...store.handlers,
      [schedulerResources.createSchedule]: this.scheduler.handler,
    };
    this.actions =
      options.actions && slack && !webhookMode
        ? new LocalActions({
            clock: this.clock,
            environment: options.environment ?? 'local',
            policy: options.actions.policy,
            watched: options.actions.watched,
            tags: this.tags,
            tableName,
            dynamodb: store.client,
            dynamodbHandlers: store.handlers,
            http: this.deliverResources[resources.http] as ResourceHandler,
            httpResource: resources.http,
            connectionArn,
            respond: async (url, body) => {
              await fetch(url.replace('https://hooks.slack.com', slack.url), {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(body),
              });
            },
            ...(options.actions.signingSecret ? { signingSecret: options.actions.signingSecret } : {}),
            ...(options.random ? { random: options.random } : {}),
            ...(options.central ? { central: true } : {}),
          })
        : undefined;
    this.pipe = new LocalPipe({
      queue: this.queue,
      clock: this.clock,
      region,
      target: (records) => this.runDelivery(records),
      ...(log ? { log } : {}),
    });
  }

  /**
   * A message store as the pipeline creates its own, to share between pipelines (`store`); `clock` is what its slow
   * requests (store faults) sleep on: the pipelines' clock.
   */
  static startStore(clock?: Clock): Promise<LocalDynamoDb> {
    return startLocalDynamoDb({ tableName, key: STORE_KEY, ...(clock ? { clock } : {}) });
  }

  /** Builds the pipeline; starts a local Slack server first unless one is given or Slack is real. */
  static async create(given: PipelineOptions): Promise<LocalPipeline> {
    // One clock for everything that waits: the store's slow calls, the Slack server, the runner.
    const options = { ...given, clock: given.clock ?? new VirtualClock(Date.now()) };
    const release = options.sdkHistory === 'aws' ? undefined : await serveHistoryToSdk(options.history);
    const central =
      options.central === true ? await centralFormatter(options.environment ?? 'local') : undefined;
    const target = options.slack ?? { kind: 'local' };
    let server: SlackServer | undefined;
    let store: LocalDynamoDb | undefined;
    try {
      store =
        options.store ?? (await startLocalDynamoDb({ tableName, key: STORE_KEY, clock: options.clock }));
      if (target.kind !== 'local')
        return new LocalPipeline(options, undefined, false, release, store, central);
      if (target.server) return new LocalPipeline(options, target.server, false, release, store, central);
      const clock = options.clock;
      server = await startSlackServer({
        clock,
        channels: localChannels(options),
        renderPage: renderReceivedPage,
      });
      const pipeline = new LocalPipeline({ ...options, clock }, server, true, release, store, central);
      if (pipeline.actions) {
        server.setInteractivity({
          url: await pipeline.actions.listen(),
          signingSecret: pipeline.actions.signingSecret,
        });
      }
      return pipeline;
    } catch (error) {
      // A definition that cannot be filled, an unknown webhook channel: leave nothing listening.
      await server?.close();
      if (!options.store) await store?.close();
      await release?.();
      await central?.();
      throw error;
    }
  }

  /** Runs the notifier state machine for one EventBridge event (what the rule's target does). */
  async notify(event: StatusChangeEvent): Promise<ExecutionResult> {
    // The execution exists on AWS by the time its status change is sent.
    this.executions.record(event);
    if (this.releaseSdkHistory) {
      setServedHistory(this.options.history);
      setServedTags(this.tags);
      setServedDefinitions(this.options.definition);
      setServedExecutions(this.executions);
      // The formatter's own reads (readHistory) answer to the source accounts' IAM in a central environment.
      setSdkReadCheck(this.options.central ? (caller) => this.checkFormatterRead(caller) : undefined);
    }
    const name = randomUUID();
    const result = await runStateMachine(this.notifierDefinition, event, {
      resources: this.notifierResources,
      clock: this.clock,
      stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-notifier-local`,
      executionArn: `arn:aws:states:${region}:${account}:execution:sfn-slack-notifier-local:${name}`,
      name,
      ...(this.options.random ? { random: this.options.random } : {}),
      ...this.retryProgress('notifier'),
    });
    this.notifierRuns.push({ status: result.status, endedAt: this.clock.now() });
    this.options.log?.(
      `notifier ${event.detail.status} ${event.detail.name ?? event.detail.executionArn}: ${result.status}${
        result.error ? ` (${result.error})` : ''
      }`
    );
    return result;
  }

  /**
   * Runs the daily digest machine for one destination, as its schedule would (issue 24): the formatter reads what
   * this pipeline's executions hold through the local SFN endpoint; the digest is queued for the delivery.
   */
  async digest(request: DigestRequest): Promise<ExecutionResult> {
    if (this.releaseSdkHistory) {
      setServedHistory(this.options.history);
      setServedTags(this.tags);
      setServedExecutions(this.executions);
      // A central environment's digest reads each source account and region with its read role, there.
      setSdkReadCheck(this.options.central ? (caller) => this.checkFormatterRead(caller) : undefined);
    }
    const name = randomUUID();
    const result = await runStateMachine(this.digestDefinition, request, {
      resources: this.notifierResources,
      clock: this.clock,
      stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-digest-local`,
      executionArn: `arn:aws:states:${region}:${account}:execution:sfn-slack-digest-local:${name}`,
      name,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    this.options.log?.(
      `digest ${request.destination.type === 'channel' ? request.destination.channel : 'webhook'}: ${result.status}${
        result.error ? ` (${result.error})` : ''
      }`
    );
    return result;
  }

  private async runDelivery(records: SqsRecord[]): Promise<TargetResult> {
    const name = randomUUID();
    const result = await runStateMachine(this.deliverDefinition, records, {
      resources: this.deliverResources,
      clock: this.clock,
      stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-deliver-local`,
      executionArn: `arn:aws:states:${region}:${account}:express:sfn-slack-deliver-local:${name}:${name}`,
      name,
      ...(this.options.random ? { random: this.options.random } : {}),
      ...this.retryProgress('delivery'),
    });
    this.deliveries.push({ records, result, endedAt: this.clock.now() });
    return {
      status: result.status,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
    };
  }

  /** A progress line for each retry inside an execution: what failed, which retry, when the next attempt is. */
  private retryProgress(machine: string): {
    onRetry?: (retry: RetryNotice) => void;
    onEvent?: (event: HistoryEvent) => void;
  } {
    const log = this.options.log;
    if (!log) return {};
    const logSteps = this.options.logSteps === true;
    return {
      onEvent: (event: HistoryEvent) => {
        if (logSteps && event.type.endsWith('StateEntered')) {
          log(`${machine}: ${event.stateName ?? '?'} (${event.type.replace(/StateEntered$/, '')})`);
        }
        // A resend the delivery function decides (a webhook post failed on the way, Slack's ratelimited on
        // HTTP 200): announced like the HTTP Task's own retries.
        const resend = event.type === 'TaskSucceeded' ? decidedResend(event.details?.output) : undefined;
        if (resend) {
          log(
            `${machine}: ${resend.action} failed with ${resend.error}; retry ${resend.attempt} of ${RATELIMITED_RETRIES} in ${formatSeconds(
              resend.waitSeconds * 1000
            )} (at ${clockTime(this.clock.now() + resend.waitSeconds * 1000)})`
          );
        }
      },
      onRetry: (r) =>
        log(
          `${machine}: ${r.stateName} failed with ${r.error}; retry ${r.attempt} of ${r.maxAttempts} in ${formatSeconds(
            r.delayMs
          )} (at ${clockTime(this.clock.now() + r.delayMs)})`
        ),
    };
  }

  /**
   * Lets the Pipe deliver everything in the queue (retrying failures until they succeed or reach the DLQ; with
   * `stopAtFirstFailure`, only until the first failed delivery).
   */
  deliver(): Promise<DrainStats> {
    return this.pipe.drain(1000, { stopOnFailure: this.options.stopAtFirstFailure ?? false });
  }

  /** notify + deliver. */
  async run(event: StatusChangeEvent): Promise<{ notifier: ExecutionResult; delivery: DrainStats }> {
    const notifier = await this.notify(event);
    const delivery = await this.deliver();
    return { notifier, delivery };
  }

  /** Moves the DLQ's messages back to the queue (StartMessageMoveTask) and delivers them. */
  async redriveDeadLetters(): Promise<{ moved: number; delivery: DrainStats }> {
    // As `sfn-slack replay` does: back to the delivery queue (dead letters the delivery sent itself have no source).
    const moved = this.deadLetterQueue.startMessageMoveTask(this.queue);
    this.options.log?.(`dlq: moved ${moved} message(s) back to the queue`);
    return { moved, delivery: await this.deliver() };
  }

  /**
   * Moves the clock forward to `epochMs`, firing the schedules that come due on the way (each check is queued
   * and delivered at its time), then delivers what the queue holds.
   */
  async advanceTo(epochMs: number): Promise<void> {
    for (;;) {
      const due = this.scheduler.nextDueAt();
      if (due === undefined || due > epochMs) break;
      if (due > this.clock.now()) await this.clock.sleep(due - this.clock.now());
      this.scheduler.fireDue();
      await this.deliver();
    }
    if (epochMs > this.clock.now()) await this.clock.sleep(epochMs - this.clock.now());
    await this.deliver();
  }

  /** A formatter read on the local SFN endpoint: with the role its access key was issued for, in its region. */
  private checkFormatterRead(caller: SdkCaller): void {
    const roleArn = caller.accessKeyId === undefined ? undefined : roleOfAccessKey(caller.accessKeyId);
    const read = {
      stateName: 'formatter',
      action: caller.action,
      executionArn: caller.executionArn,
      roleArn,
    };
    try {
      checkSourceRead(
        { executionArn: caller.executionArn, roleArn, callerRegion: caller.region ?? '' },
        this.options.environment ?? 'local',
        caller.action
      );
    } catch (error) {
      this.sourceReads.push({ ...read, allowed: false });
      throw error;
    }
    this.sourceReads.push({ ...read, allowed: true });
  }

  async close(): Promise<void> {
    await this.actions?.close();
    if (!this.options.store) await this.store.close();
    await this.releaseCentral?.();
    await this.releaseSdkHistory?.();
    if (this.ownsServer) await this.slack?.close();
  }
}

/** The settings the deployed stack would write, for the local options. */
function localSettings(options: PipelineOptions, webhookMode: boolean, channel: string): DeployedSettings {
  const routes: readonly Route[] = options.routes ?? [
    {
      name: 'default',
      // Every machine and status: a local run notifies what it is given.
      match: { stateMachineArns: [], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
      statuses: [...EXECUTION_STATUSES],
      destination: webhookMode ? { type: 'webhook' } : { type: 'channel', channel },
      ...(options.mentionOnFailure ? { mention: options.mentionOnFailure } : {}),
      template: options.template ?? DEFAULT_TEMPLATE,
      stop: false,
      tagOverrides: false,
    },
  ];
  const channels = routes.flatMap((r) => (r.destination.type === 'channel' ? [r.destination.channel] : []));
  const actions = options.actions && !webhookMode ? enabledActions(options.actions.policy) : [];
  return {
    environment: options.environment ?? 'local',
    destinationType: webhookMode ? 'webhook' : 'channel',
    routes,
    allowedChannels: [...(options.allowedChannels ?? new Set(channels))],
    readTags: readsTags(routes, { mute: options.mute === true, actions }),
    executionData: options.executionData === true,
    checksRunning: (options.lifecycle?.runningLongerThanSeconds ?? 0) > 0,
    actions,
  };
}

/** The delivery's AllowedChannels, as the construct fills it: every route's channel and those a tag may choose. */
function allowedChannelsOf(settings: DeployedSettings): string {
  const routeChannels = settings.routes.flatMap((r) =>
    r.destination.type === 'channel' ? [r.destination.channel] : []
  );
  return [...new Set([...routeChannels, ...settings.allowedChannels])].join(',');
}

/** The local Slack server's channels: every channel the routes (or tags) may post to. */
function localChannels(options: PipelineOptions): { id: string; name: string }[] {
  const refs = new Set<string>([
    options.channel ?? '#alerts',
    ...(options.routes ?? []).flatMap((r) =>
      r.destination.type === 'channel' ? [r.destination.channel] : []
    ),
    ...(options.allowedChannels ?? []),
  ]);
  // A channel ID as Slack issues them is kept (conversations.history and chat.update take IDs only).
  return [...refs].map((ref, index) =>
    CHANNEL_ID.test(ref)
      ? { id: ref, name: index === 0 ? 'alerts' : ref.toLowerCase() }
      : { id: `C0LOCAL${String(index + 1).padStart(3, '0')}`, name: ref.replace(/^#/, '') }
  );
}

/** The delivery function's decision in a task result, when it resends a request after a failure. */
function decidedResend(output: unknown):
  | {
      readonly action: string;
      readonly error: string;
      readonly attempt: number;
      readonly waitSeconds: number;
    }
  | undefined {
  if (typeof output !== 'string') return undefined;
  let decision: Partial<Decision> | undefined;
  try {
    decision = (JSON.parse(output) as { Payload?: Partial<Decision> }).Payload;
  } catch {
    return undefined;
  }
  if (!decision?.resend || decision.action === undefined) return undefined;
  return { action: decision.action, ...decision.resend, waitSeconds: decision.waitSeconds ?? 0 };
}
