/**
 * SlackNotifier: Step Functions execution results in Slack, for one environment.
 *
 * Defines:
 * - an EventBridge rule (source aws.states, the configured statuses and state machines, never the notifier itself)
 *   with a dead-letter queue for events it could not hand over;
 * - the notifier state machine (STANDARD, statemachines/notifier.asl.json), log level ALL with execution data,
 *   X-Ray on;
 * - the formatter Lambda (formatters/formatter/handler.ts bundled by local esbuild, arm64, Node.js 24, JSON logs,
 *   Powertools environment, log retention);
 * - the FIFO queue and its FIFO dead-letter queue (SQS-managed encryption, TLS only, DLQ kept 14 days);
 * - an EventBridge Pipe (batch size 1, REQUEST_RESPONSE) to the delivery state machine (EXPRESS,
 *   statemachines/deliver.asl.json, both transports; constructs/delivery-machine.ts) with its own log group;
 * - the EventBridge connection that holds the Slack credential;
 * - alarms: dead-letter queues not empty, a stalled queue (age of its oldest message), notifier executions failed
 *   or timed out; to the given topic, or to one the construct creates so no alarm goes to nobody;
 * - a queue policy that lets only the notifier and the replay role send to the delivery queue.
 * - the message store (constructs/message-store.ts): the DynamoDB table the delivery machine keeps one message
 *   per execution with, and, with `runningLongerThan`, the EventBridge Scheduler group and role of its checks.
 *
 * The state machines are defined in files, so they get no automatic grants: every permission below is explicit.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArnFormat, Duration, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as pipes from 'aws-cdk-lib/aws-pipes';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import jsonata from 'jsonata';
import { type ActionsPolicy, enabledActions, watchedAnywhere } from '../../contract/actions.js';
import {
  ALARM_NAMES,
  DEFAULT_STALLED_QUEUE_AGE_SECONDS,
  DELIVERY_FAILURES_THRESHOLD,
} from '../../contract/alarms.js';
import type { DigestPlan } from '../../contract/digest.js';
import { QUEUE_DEFAULTS } from '../../contract/queue.js';
import {
  bannerMention,
  type DeployedSettings,
  derivePattern,
  type Route,
  type RouteMatch,
  readsTags,
} from '../../contract/routes.js';
import { DEFAULT_STATUSES, type ExecutionStatus } from '../../contract/statuses.js';
import {
  CUSTOM_TEMPLATE_PREFIX,
  DEFAULT_TEMPLATE,
  LAYER_DIR,
  TEMPLATES_DIR_ENV,
} from '../../contract/templates.js';
import { ENV_NAME } from '../config.js';
import { isoDurationSeconds } from '../message-store-schema.js';
import { nagResourceName } from '../nag-resource-name.js';
import { sourceUsesExecutionData, templateUsesExecutionData } from '../template-data.js';
import { watchedKeyStatements } from '../watched-keys.js';
import { watchedResources } from '../watched-resources.js';
import {
  alarmTopicOrCreate,
  executionsFailedAlarm,
  queueNotEmptyAlarm,
  queueStalledAlarm,
} from './alarms.js';
import { DeliveryMachine, SLACK_WEBHOOK_ENDPOINT } from './delivery-machine.js';
import { DailyDigest } from './digest.js';
import { MessageStore } from './message-store.js';
import { NotifierMachine, type NotifierType } from './notifier-machine.js';
import { OperatorDescriptor } from './operator-descriptor.js';
import { type FunctionFiles, projectFunction, REPO_ROOT } from './project-function.js';
import { createReplayRole } from './replay-role.js';
import { SlackActions } from './slack-actions.js';

/** Where the state machine definitions live (data only; `${Placeholders}` are filled by the construct). */
export const STATE_MACHINE_FILES = {
  notifier: path.join(REPO_ROOT, 'statemachines', 'notifier.asl.json'),
  deliver: path.join(REPO_ROOT, 'statemachines', 'deliver.asl.json'),
} as const;

/**
 * The formatter Lambda. In a checkout it is bundled from its source by NodejsFunction (local esbuild); the
 * installed package holds no TypeScript source but the bundle `npm run build` made (dist/formatter-bundle, with
 * its templates), which deploys as is: the user's app needs neither esbuild nor Docker.
 */
export const FORMATTER_FILES: FunctionFiles = {
  source: path.join(REPO_ROOT, 'formatters', 'formatter', 'handler.ts'),
  bundle: path.join(REPO_ROOT, 'formatter-bundle'),
} as const;

/** The Slack Web API method the channel mode posts to (and the only endpoint its role may call). */
export const SLACK_POST_MESSAGE_URL = 'https://slack.com/api/chat.postMessage';
/** Incoming webhooks live under this root; the webhook mode's role may call nothing else. */
export const SLACK_WEBHOOK_URL_PATTERN = SLACK_WEBHOOK_ENDPOINT;

/** Where messages go. */
export type SlackDestination =
  | {
      /** Slack Web API chat.postMessage with a bot token. */
      readonly type: 'channel';
      /** Channel ID (C…) or name (#alerts). */
      readonly channel: string;
      /**
       * The secret holding the bot token (`xoxb-…`). Its value is copied into the EventBridge connection at deploy
       * time; after changing it, update the connection (`sfn-slack setup` does both).
       * @default - a new secret with a random placeholder value
       */
      readonly botTokenSecret?: secretsmanager.ISecret;
    }
  | {
      /** An incoming webhook whose URL is an SSM SecureString read by the delivery machine at run time. */
      readonly type: 'webhook';
      /** The SSM parameter name, e.g. `/prod/SLACK_URL`. */
      readonly parameterName: string;
      /**
       * The customer managed key the parameter is encrypted with (kms:Decrypt is granted through SSM only).
       * @default - the AWS managed key aws/ssm, which every principal of the account may use: no grant needed
       */
      readonly parameterKey?: kms.IKey;
    };

export interface SlackNotifierProps {
  /**
   * Environment name shown in messages and used in log group and parameter names, e.g. `prod`: a letter, then
   * letters, digits and `-`, at most 32 characters.
   */
  readonly environmentName: string;
  /**
   * The routes, in order (contract/routes.ts): which machines, statuses and tags go to which channel with which
   * mention and template. When given, stateMachineArns, stateMachineNamePrefixes, statuses, mentionOnFailure and
   * template are not used.
   * @default - one route built from stateMachineArns, stateMachineNamePrefixes, statuses, mentionOnFailure,
   *   template and the destination
   */
  readonly routes?: readonly Route[];
  /**
   * Channels a `sfn-slack:channel` tag may send to.
   * @default - the channels the routes name
   */
  readonly allowedChannels?: readonly string[];
  /**
   * Read the `sfn-slack:mute-until` tag so `sfn-slack mute` can hold a machine's notifications (tags are read
   * anyway when a route matches on them or allows overrides).
   * @default false
   */
  readonly mute?: boolean;
  /**
   * Custom templates the routes name as `custom/<id>`: id → path of the `.jsonata` file. Each is compiled at
   * synth (a syntax error fails the synth) and shipped in a layer of the formatter (so the package's prebuilt
   * formatter, and `formatterCode`, get them too).
   * @default - none
   */
  readonly customTemplates?: Readonly<Record<string, string>>;
  /**
   * ARNs of the Standard state machines to watch (shorthand for one route).
   * @default - none (then `stateMachineNamePrefixes` must name some)
   */
  readonly stateMachineArns?: readonly string[];
  /**
   * Name prefixes of state machines (in this stack's account and region) to watch.
   * @default - none (then `stateMachineArns` must name some)
   */
  readonly stateMachineNamePrefixes?: readonly string[];
  /**
   * Execution statuses to notify.
   * @default FAILED, TIMED_OUT, ABORTED, SUCCEEDED
   */
  readonly statuses?: readonly string[];
  /** Slack destination. */
  readonly destination: SlackDestination;
  /**
   * Mention added to failed, timed-out and aborted messages, e.g. `<!subteam^S0123ABCD>`.
   * @default - no mention
   */
  readonly mentionOnFailure?: string;
  /**
   * Formatter template name.
   * @default 'detailed'
   */
  readonly template?: string;
  /**
   * Topic the alarms notify.
   * @default - a new topic (subscribe to it: its ARN is `alarmTopic`)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * How old the oldest queued message may get before the stalled-queue alarm fires.
   * @default Duration.minutes(5) (contract/alarms.ts)
   */
  readonly stalledQueueAge?: Duration;
  /**
   * Keep the watched executions' data (the notifier's and delivery's state inputs and outputs) in the log groups.
   * Off by default: the watched workflows' inputs and outputs must not sit in our logs; turn it on to debug.
   * @default false
   */
  readonly logExecutionData?: boolean;
  /**
   * Pass the watched execution's input and output (each cut to 8,192 characters) to the formatter.
   * @default - only when the template uses them (infra/template-data.ts reads the template at synth)
   */
  readonly passExecutionData?: boolean;
  /**
   * Retention of the state machine and formatter log groups.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Deliveries tried before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * The formatter Lambda's entry file (it must export `handler`), bundled with NodejsFunction (local esbuild).
   * @default - the formatter of this package (prebuilt when installed from npm)
   */
  readonly formatterEntry?: string;
  /**
   * A failure's thread reply is also shown in the channel (`reply_broadcast`).
   * @default true
   */
  readonly replyBroadcast?: boolean;
  /**
   * ISO 8601 duration (`PT2H`): an execution still running then gets "still running" on its message, through an
   * EventBridge Scheduler one-time schedule created at its RUNNING event (so the rule also matches RUNNING).
   * Channel destinations only.
   * @default - no check
   */
  readonly runningLongerThan?: string;
  /**
   * Redrive, Stop and Mute buttons on the messages, with the interactivity endpoint and the actions state machine
   * behind them (constructs/slack-actions.ts). Channel destinations only.
   * @default - no buttons
   */
  readonly actions?: SlackNotifierActions;
  /**
   * A central environment: the rule listens on the central bus, name prefixes match in every source account and
   * region, and the notifier and formatter read each history with the read role of the execution's account and
   * region (infra/stacks/source-stack.ts), never with their own.
   * @default - a single-account environment: the default bus of this account and region, read with own roles
   */
  readonly central?: CentralSources;
  /**
   * The formatter Lambda's code, already bundled: a folder with `index.mjs` exporting `handler` (and the
   * `templates/` it reads), deployed as is instead of bundling `formatterEntry`. Tests use a small stand-in.
   * @default - see `formatterEntry`
   */
  readonly formatterCode?: lambda.Code;
  /**
   * Customer managed KMS keys the watched state machines are encrypted with: the notifier, formatter and actions
   * roles (a central environment: the source stack's read and act roles) get `kms:Decrypt` on them through Step
   * Functions only (`kms:ViaService`).
   * @default - none
   */
  readonly watchedKmsKeyArns?: readonly string[];
  /**
   * IAM role or user ARNs (this account; `*` allowed) that may assume the replay role.
   * @default - principals tagged `sfn-slack:replay` = the environment name
   */
  readonly replayPrincipals?: readonly string[];
  /**
   * Storm digests: more than `threshold` new executions of one state machine in the channel within `windowSeconds`
   * go into one digest message updated in place, each execution listed in its thread (webhook mode: digest posts at
   * most once a minute, each listing the executions since the last). `threshold` 0: off.
   * @default - threshold 5 within 300 seconds (message-store-schema.ts)
   */
  readonly storm?: { readonly threshold: number; readonly windowSeconds: number };
  /**
   * The notifier state machine's type. `express` costs far less at millions of notifications a month, but a
   * notification cannot be redriven, its run is seen through the log group only, it lasts 5 minutes at most, and
   * it cannot hold a muted machine's notifications (`mute` and the Mute button are refused): docs/infra.md.
   * @default 'standard'
   */
  readonly notifierType?: NotifierType;
  /**
   * Daily digests, one per destination (contract/digest.ts, from the environment's and routes' `digest`).
   * @default [] (no digest)
   */
  readonly digests?: readonly DigestPlan[];
}

/** The `actions` prop. */
export interface SlackNotifierActions {
  /** Who may do each action (Slack user IDs and user group IDs); an action nobody may do shows no button. */
  readonly policy: ActionsPolicy;
  /**
   * The Slack app's signing secret.
   * @default - a new secret (`sfn-slack setup --signing-secret` writes it)
   */
  readonly signingSecret?: secretsmanager.ISecret;
  /**
   * The interactivity Lambda's entry file.
   * @default - formatters/actions/handler.ts of this project
   */
  readonly entry?: string;
  /**
   * The Slack workspace (`team_id`) whose clicks are accepted.
   * @default - any workspace the app is installed in
   */
  readonly teamId?: string;
  /**
   * The Slack app (`api_app_id`) whose clicks are accepted.
   * @default - any app that holds the signing secret
   */
  readonly appId?: string;
}

/** Where a central environment's events come from. */
export interface CentralSources {
  /** The bus the source accounts forward to (infra/constructs/central-bus.ts). */
  readonly eventBus: events.IEventBus;
  /** Source accounts. */
  readonly accounts: readonly string[];
  /**
   * The source organization: its read roles may be in any of its accounts.
   * @default - only `accounts`
   */
  readonly organizationId?: string;
  /** Source regions. */
  readonly regions: readonly string[];
}

/** The notifier pipeline of one environment. */
export class SlackNotifier extends Construct {
  /** STANDARD state machine started by the rule: history → formatter → queue. */
  public readonly notifierStateMachine: sfn.StateMachine;
  /** EXPRESS state machine started by the Pipe: queue message → Slack. */
  public readonly deliveryStateMachine: sfn.StateMachine;
  /** The delivery function: the machine's Decide and Record steps (formatters/delivery/handler.ts). */
  public readonly deliveryFunction: lambda.Function;
  /** Bundled from source in a checkout (NodejsFunction), from the package's prebuilt bundle when installed. */
  public readonly formatter: lambda.Function;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Events the rule could not hand to the notifier. */
  public readonly eventDeadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;
  public readonly pipe: pipes.CfnPipe;
  public readonly connection: events.Connection;
  /** The bot-token secret (channel mode). */
  public readonly botTokenSecret?: secretsmanager.ISecret;
  /** The channel messages go to (channel mode), as configured: an ID (C…) or a name (#alerts). */
  public readonly slackChannel?: string;
  /** The webhook URL parameter name (webhook mode). */
  public readonly webhookParameterName?: string;
  /** The customer managed key of the webhook URL parameter (webhook mode, when one is given). */
  public readonly webhookParameterKey?: kms.IKey;
  public readonly notifierLogGroup: logs.LogGroup;
  public readonly deliveryLogGroup: logs.LogGroup;
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The topic the alarms notify: the one given, or the one created. */
  public readonly alarmTopic: sns.ITopic;
  /** The role `sfn-slack replay` runs as: the only principal besides the notifier that may send to the queue. */
  public readonly replayRole: iam.Role;
  /** The table (and scheduler pieces) behind one message per execution. */
  public readonly messageStore: MessageStore;
  /**
   * The DefinitionSubstitutions passed to the notifier state machine: resource names only; the settings are
   * `settings`, written as JSON.
   */
  public readonly notifierSubstitutions: Readonly<Record<string, string>>;
  /** The settings written into the notifier's Settings state (contract/routes.ts DeployedSettings). */
  public readonly settings: DeployedSettings;
  /** The watched state machines whose tags the notifier reads (when it reads tags), as IAM resources. */
  public readonly watchedStateMachines: readonly string[] = [];
  /** The DefinitionSubstitutions passed to the delivery state machine. */
  public readonly deliverySubstitutions: Readonly<Record<string, string>>;
  /** Redrive, Stop and Mute from Slack (with `actions`). */
  public readonly actions?: SlackActions;
  /** The notifier state machine's type. */
  public readonly notifierType: NotifierType;

  constructor(scope: Construct, id: string, props: SlackNotifierProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const routes = props.routes ?? [shorthandRoute(props)];
    const arns = [...new Set(routes.flatMap((r) => r.match.stateMachineArns))];
    const prefixes = [...new Set(routes.flatMap((r) => r.match.stateMachineNamePrefixes))];
    if (arns.length === 0 && prefixes.length === 0) {
      throw new Error(
        'SlackNotifier: set stateMachineArns and/or stateMachineNamePrefixes (or routes) to watch something'
      );
    }
    const customTemplates = props.customTemplates ?? {};
    for (const [id, file] of Object.entries(customTemplates)) compileCustomTemplate(id, file);
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const env = props.environmentName;
    // A token is refused with its own message where the settings are substituted.
    if (!Token.isUnresolved(env) && !ENV_NAME.test(env)) {
      throw new Error(
        `SlackNotifier: environmentName ${JSON.stringify(env)} must start with a letter and hold only letters, digits and "-" (at most 32)`
      );
    }
    const destination = props.destination;

    // GetExecutionHistory works on executions: arn:…:execution:<state machine name>:<execution name>.
    const watchedExecutions = watchedResources(stack, arns, prefixes, 'execution');
    // Map runs: arn:…:mapRun:<state machine name>/<label>:<uuid>.
    const watchedMapRuns = watchedResources(stack, arns, prefixes, 'mapRun');

    // Queues
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.deadLetterRetentionSeconds),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.retentionSeconds),
      // Above the delivery machine's 240 s timeout, so a message is never handed out twice at once.
      visibilityTimeout: Duration.seconds(QUEUE_DEFAULTS.visibilityTimeoutSeconds),
      // Deduplication per destination: one execution's status goes once to each channel it is routed to.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      // EventBridge Scheduler sends runningLongerThan checks without a deduplication id; the notifier still sets
      // its own, which takes precedence.
      contentBasedDeduplication: true,
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
      },
    });
    this.eventDeadLetterQueue = new sqs.Queue(this, 'EventDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.deadLetterRetentionSeconds),
    });

    // Message store
    const runningLongerThanSeconds =
      props.runningLongerThan === undefined ? 0 : isoDurationSeconds(props.runningLongerThan);
    if (runningLongerThanSeconds === undefined) {
      throw new Error(
        `SlackNotifier: runningLongerThan ${JSON.stringify(props.runningLongerThan)} must be an ISO 8601 duration such as "PT2H"`
      );
    }
    if (runningLongerThanSeconds > 0 && destination.type !== 'channel') {
      throw new Error(
        'SlackNotifier: runningLongerThan needs a channel destination (a webhook message cannot be edited)'
      );
    }
    const notifiedStatuses = [...new Set(routes.flatMap((r) => r.statuses))];
    this.messageStore = new MessageStore(this, 'MessageStore', {
      environmentName: env,
      queue: this.queue,
      startNotices: notifiedStatuses.includes('RUNNING'),
      ...(props.replyBroadcast === undefined ? {} : { replyBroadcast: props.replyBroadcast }),
      runningLongerThanSeconds,
      ...(props.storm === undefined
        ? {}
        : { stormThreshold: props.storm.threshold, stormWindowSeconds: props.storm.windowSeconds }),
      // Webhook mode: a storm's digest posts are queued by one-time schedules.
      digestSchedules: destination.type === 'webhook' && props.storm?.threshold !== 0,
    });
    // runningLongerThan schedules its check at the RUNNING event, shown or not.
    const ruleStatuses =
      runningLongerThanSeconds > 0 && !notifiedStatuses.includes('RUNNING')
        ? [...notifiedStatuses, 'RUNNING']
        : notifiedStatuses;

    // Formatter
    const formatterLogGroup = new logs.LogGroup(this, 'FormatterLogGroup', { retention });
    const formatterProps = {
      description: `sfn-slack-notifier (${env}): execution history to a Slack message`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: formatterLogGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'sfn-slack-notifier',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    } satisfies Partial<lambda.FunctionProps>;
    this.formatter = projectFunction(this, 'Formatter', {
      functionProps: formatterProps,
      files: FORMATTER_FILES,
      ...(props.formatterEntry === undefined ? {} : { entry: props.formatterEntry }),
      ...(props.formatterCode === undefined ? {} : { code: props.formatterCode }),
      // The JSONata templates are read from files at run time: ship them next to the bundle.
      afterBundling: (inputDir, outputDir) => [
        `if [ -d "${inputDir}/formatters/formatter/templates" ]; then cp -R "${inputDir}/formatters/formatter/templates" "${outputDir}/templates"; fi`,
      ],
    });
    // Custom templates (compiled above) ride in a layer, not in the bundle: the package's prebuilt formatter (and
    // any formatterCode) gets them too. The settings name them custom/<id>.
    if (Object.keys(customTemplates).length > 0) {
      this.formatter.addLayers(
        new lambda.LayerVersion(this, 'CustomTemplates', {
          description: `sfn-slack-notifier (${env}): the custom message templates the routes name`,
          code: lambda.Code.fromAsset(stageCustomTemplates(customTemplates)),
          compatibleRuntimes: [formatterProps.runtime],
          compatibleArchitectures: [formatterProps.architecture],
        })
      );
      this.formatter.addEnvironment(TEMPLATES_DIR_ENV, LAYER_DIR);
    }
    const central = props.central;
    // The source accounts and regions the notifier and the actions read and act in (the bus stays here).
    const sources = central && {
      accounts: central.accounts,
      regions: central.regions,
      ...(central.organizationId === undefined ? {} : { organizationId: central.organizationId }),
    };
    if (!central) {
      // A Distributed Map failure shows its items succeeded, failed and pending (DescribeMapRun).
      this.formatter.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeMapRun'], resources: watchedMapRuns })
      );
    }

    // Notifier state machine (constructs/notifier-machine.ts): its settings must be known at synth time.
    const passExecutionData =
      props.passExecutionData ??
      routes.some((r) =>
        r.template.startsWith('custom/')
          ? sourceUsesExecutionData(readFileSync(customTemplates[r.template.slice(7)] ?? '', 'utf8'))
          : templateUsesExecutionData(r.template)
      );
    const logExecutionData = props.logExecutionData ?? false;
    const routeChannels = routes.flatMap((r) =>
      r.destination.type === 'channel' ? [r.destination.channel] : []
    );
    // The buttons the formatter shows; none without actions.
    const shownActions = props.actions ? enabledActions(props.actions.policy) : [];
    const notifierType = props.notifierType ?? 'standard';
    if (notifierType !== 'standard' && notifierType !== 'express') {
      throw new Error(
        `SlackNotifier: notifierType ${JSON.stringify(notifierType)} must be "standard" or "express"`
      );
    }
    if (notifierType === 'express' && (props.mute === true || shownActions.includes('mute'))) {
      throw new Error(
        'SlackNotifier: notifierType "express" cannot hold a muted machine\'s notifications (an Express run lasts 5 minutes at most); remove mute and the Mute button, or use "standard"'
      );
    }
    this.settings = {
      environment: env,
      destinationType: destination.type,
      routes,
      allowedChannels: [...(props.allowedChannels ?? new Set(routeChannels))],
      readTags: readsTags(routes, { mute: props.mute === true, actions: shownActions }),
      executionData: passExecutionData,
      checksRunning: props.runningLongerThan !== undefined,
      actions: shownActions,
      ...(notifierType === 'express' ? { holdsMutes: false } : {}),
    };
    for (const value of [env, ...routeChannels, ...this.settings.allowedChannels]) {
      if (Token.isUnresolved(value)) {
        throw new Error(
          'SlackNotifier: the environment name and channels must be plain strings known at synth time, not tokens'
        );
      }
    }
    const notifier = new NotifierMachine(this, {
      environmentName: env,
      settings: this.settings,
      formatter: this.formatter,
      queue: this.queue,
      messageStore: this.messageStore,
      watchedExecutions,
      watchedArns: arns,
      watchedPrefixes: prefixes,
      notifierType,
      logRetention: retention,
      logExecutionData,
      ...(sources ? { central: sources } : {}),
    });
    this.notifierStateMachine = notifier.stateMachine;
    this.notifierLogGroup = notifier.logGroup;
    this.notifierSubstitutions = notifier.substitutions;
    this.watchedStateMachines = notifier.watchedStateMachines;
    this.notifierType = notifierType;

    // Rule: the watched machines, but never the notifier's own executions (it would notify about itself forever).
    const notifierExecutionPrefix = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.notifierStateMachine.stateMachineName}:`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.rule = new events.Rule(this, 'StatusChangeRule', {
      description: `sfn-slack-notifier (${env}): watched Step Functions executions changed status`,
      ...(central ? { eventBus: central.eventBus } : {}),
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        resources: events.Match.anythingButPrefix(notifierExecutionPrefix),
        // The union of the routes (contract/routes.ts derivePattern); the notifier's routing states narrow it.
        detail: {
          ...derivePattern(routes, {
            partition: stack.partition,
            account: stack.account,
            region: stack.region,
            anyAccountAndRegion: central !== undefined,
          }),
          // runningLongerThan schedules its check at the RUNNING event, shown or not.
          status: ruleStatuses,
        } as Record<string, unknown>,
      },
    });
    this.rule.addTarget(
      new eventsTargets.SfnStateMachine(this.notifierStateMachine, {
        deadLetterQueue: this.eventDeadLetterQueue,
      })
    );

    // Connection: the credential never appears in a definition, history or log.
    if (destination.type === 'channel') {
      const secret =
        destination.botTokenSecret ??
        new secretsmanager.Secret(this, 'BotTokenSecret', {
          description: `sfn-slack-notifier (${env}): Slack bot token (xoxb-...), written by sfn-slack setup`,
          generateSecretString: { passwordLength: 32, excludePunctuation: true },
        });
      this.botTokenSecret = secret;
      this.slackChannel = destination.channel;
      this.connection = new events.Connection(this, 'Connection', {
        description: `sfn-slack-notifier (${env}): Slack bot token for chat.postMessage`,
        // A dynamic reference: CloudFormation resolves it at deploy time; the template holds only the reference.
        authorization: events.Authorization.apiKey(
          'Authorization',
          SecretValue.unsafePlainText(`Bearer ${secret.secretValue.unsafeUnwrap()}`)
        ),
      });
    } else {
      this.webhookParameterName = destination.parameterName;
      this.webhookParameterKey = destination.parameterKey;
      this.connection = new events.Connection(this, 'Connection', {
        description: `sfn-slack-notifier (${env}): incoming webhook (the URL is in SSM, not here)`,
        // HTTP tasks need a connection; a webhook needs no credential, so this header carries no secret.
        authorization: events.Authorization.apiKey(
          'X-Sfn-Slack-Notifier',
          SecretValue.unsafePlainText('webhook-mode')
        ),
      });
    }

    // Delivery: the state machine, the function that decides, the Pipe (constructs/delivery-machine.ts).
    const delivery = new DeliveryMachine(this, 'Delivery', {
      environmentName: env,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      connection: this.connection,
      store: this.messageStore,
      destination:
        destination.type === 'channel'
          ? {
              type: 'channel',
              // Defence in depth: whatever a body says, the delivery posts only where the environment routes
              // (every route's channel, and those a tag may choose).
              allowedChannels: [...new Set([...routeChannels, ...this.settings.allowedChannels])],
            }
          : {
              type: 'webhook',
              parameterName: destination.parameterName,
              ...(destination.parameterKey ? { parameterKey: destination.parameterKey } : {}),
            },
      startNotices: notifiedStatuses.includes('RUNNING'),
      ...(props.replyBroadcast === undefined ? {} : { replyBroadcast: props.replyBroadcast }),
      runningLongerThanSeconds,
      // The "still running" banner's mention: the environment's (routes may each have their own).
      mention: bannerMention(routes, props.mentionOnFailure),
      ...(props.storm === undefined ? {} : { storm: props.storm }),
      logRetention: retention,
      logExecutionData,
    });
    this.deliveryStateMachine = delivery.stateMachine;
    this.deliveryFunction = delivery.function;
    this.deliveryLogGroup = delivery.logGroup;
    this.deliverySubstitutions = delivery.substitutions;
    this.pipe = delivery.pipe;

    // Alarms (infra/constructs/alarms.ts; thresholds in contract/alarms.ts): each description says what to do.
    const deadLetterAlarm = queueNotEmptyAlarm(
      this,
      ALARM_NAMES.deadLetterQueueNotEmpty,
      this.deadLetterQueue,
      `sfn-slack-notifier (${env}): a Slack message could not be delivered and waits in the dead-letter queue (its reason is the message attribute "reason"). Read the delivery log group: invalid_auth/token_revoked -> run sfn-slack setup again; channel_not_found/not_in_channel/is_archived -> fix the channel or invite the bot. Then sfn-slack replay --env ${env} (as the replay role).`
    );
    const eventDeadLetterAlarm = queueNotEmptyAlarm(
      this,
      ALARM_NAMES.eventDeadLetterQueueNotEmpty,
      this.eventDeadLetterQueue,
      `sfn-slack-notifier (${env}): EventBridge could not start the notifier for a status change; the event waits in the event dead-letter queue (14 days). Check the notifier state machine (deleted, its role, throttling), then sfn-slack renotify posts for an execution again.`
    );
    const notifierFailedAlarm = executionsFailedAlarm(
      this,
      ALARM_NAMES.notifierFailed,
      this.notifierStateMachine,
      {
        label: 'notifier executions failed or timed out',
        description: `sfn-slack-notifier (${env}): a notifier execution failed or timed out, so a notification was not queued (even the message built from the event alone could not be). Open the failed execution, fix the cause (usually the queue: its policy, its key), then sfn-slack replay --env ${env} --notifier (within 14 days).`,
      }
    );
    const deliveryFailedAlarm = executionsFailedAlarm(
      this,
      ALARM_NAMES.deliveryFailed,
      this.deliveryStateMachine,
      {
        label: 'delivery executions failed or timed out',
        threshold: DELIVERY_FAILURES_THRESHOLD,
        description: `sfn-slack-notifier (${env}): a delivery execution failed or timed out after its own retries, so a message went back to the queue and its channel waits (Slack down or rate-limiting, the message store throttled or unreachable). Read the delivery log group (/aws/vendedlogs/states/sfn-slack-notifier-${env}-delivery) for the error; the message is retried, then dead-lettered (DeadLetterQueueNotEmptyAlarm). Check https://status.slack.com and the message store table's throttling metrics.`,
      }
    );
    const stalledAge = props.stalledQueueAge ?? Duration.seconds(DEFAULT_STALLED_QUEUE_AGE_SECONDS);
    const queueStalled = queueStalledAlarm(
      this,
      ALARM_NAMES.queueStalled,
      this.queue,
      stalledAge,
      `sfn-slack-notifier (${env}): the oldest message in the delivery queue is older than ${stalledAge.toHumanString()}: a channel is stalled (Slack down or rate-limiting, a message retrying and holding its channel). Read the delivery log group for the failing call; sfn-slack replay --env ${env} --dry-run lists what already reached the dead-letter queue.`
    );
    this.alarms = [
      deadLetterAlarm,
      eventDeadLetterAlarm,
      notifierFailedAlarm,
      queueStalled,
      deliveryFailedAlarm,
    ];
    // No alarm goes to nobody: without a configured topic, one is created (subscribe to it; stack output).
    this.alarmTopic = alarmTopicOrCreate(this, props.alarmTopic, `sfn-slack-notifier (${env}) alarms`);
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of this.alarms) alarm.addAlarmAction(action);

    // ── Least exposure: only the notifier, the replay role and the scheduler role may send to the delivery queue ──
    // `sfn-slack replay` runs a message move task with the caller's permissions, so it must run as this role
    // (docs/cli.md: a profile with role_arn = the stack output ReplayRoleArn). Who may assume it: replay-role.ts.
    this.replayRole = createReplayRole(this, {
      environmentName: env,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      notifierStateMachine: this.notifierStateMachine,
      ...(props.replayPrincipals === undefined ? {} : { principals: props.replayPrincipals }),
    });
    // The runningLongerThan checks are sent by EventBridge Scheduler as the message store's scheduler role.
    // The delivery queues storm-digest flushes behind its channel's messages.
    const senders = [
      this.notifierStateMachine.role.roleArn,
      this.replayRole.roleArn,
      this.deliveryStateMachine.role.roleArn,
    ];
    if (this.messageStore.schedulerRole) senders.push(this.messageStore.schedulerRole.roleArn);
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheNotifierAndReplaySend',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': senders,
          },
        },
      })
    );

    // Watched machines encrypted with a customer managed key: the roles that read them decrypt through Step
    // Functions only (infra/watched-keys.ts). A central environment reads with the source accounts' roles instead.
    if (!central) {
      for (const statement of watchedKeyStatements(props.watchedKmsKeyArns ?? [])) {
        this.notifierStateMachine.addToRolePolicy(statement);
        this.formatter.addToRolePolicy(statement);
      }
    }

    if (props.actions) {
      if (destination.type !== 'channel') {
        throw new Error(
          'SlackNotifier: actions need a channel destination (a webhook message cannot be edited)'
        );
      }
      this.actions = new SlackActions(this, 'Actions', {
        environmentName: env,
        policy: props.actions.policy,
        // A central environment's name prefixes hold in every source account and region.
        watchedStateMachines: [
          ...arns,
          ...prefixes.map((prefix) =>
            central
              ? watchedAnywhere(stack.partition, prefix)
              : `${stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: prefix, arnFormat: ArnFormat.COLON_RESOURCE_NAME })}*`
          ),
        ],
        watchedExecutions,
        table: this.messageStore.table,
        connection: this.connection,
        ...(props.actions.signingSecret ? { signingSecret: props.actions.signingSecret } : {}),
        ...(props.actions.entry ? { entry: props.actions.entry } : {}),
        ...(props.actions.teamId ? { teamId: props.actions.teamId } : {}),
        ...(props.actions.appId ? { appId: props.actions.appId } : {}),
        logExecutionData: props.logExecutionData ?? false,
        ...(props.watchedKmsKeyArns ? { kmsKeyArns: props.watchedKmsKeyArns } : {}),
        logRetention: retention,
        ...(sources ? { central: sources } : {}),
      });
    }

    // "Is this normal?" (issue 24): the run context's reads, and the daily digests (infra/constructs/digest.ts).
    // A central environment reads both with the source accounts' read roles (infra/constructs/source-access.ts).
    new DailyDigest(this, 'DailyDigest', {
      environmentName: env,
      plans: props.digests ?? [],
      formatter: this.formatter,
      queue: this.queue,
      watchedStateMachines: watchedResources(stack, arns, prefixes, 'stateMachine'),
      watchedExecutions,
      mute:
        props.mute === true ||
        (props.actions !== undefined && enabledActions(props.actions.policy).includes('mute')),
      routing: { routes, allowedChannels: this.settings.allowedChannels },
      ...(sources ? { central: sources } : {}),
      logRetention: retention,
    });

    this.acknowledgeNagFindings(central ? [] : watchedMapRuns);
    // What the sfn-slack commands need to find this notifier in any stack (constructs/operator-descriptor.ts).
    new OperatorDescriptor(this, 'OperatorDescriptor');
  }

  /**
   * cdk-nag findings that are intended, each on the one resource it concerns and with the reason (docs/infra.md
   * lists them too). Acknowledgements are metadata: they change nothing without cdk-nag.
   */
  private acknowledgeNagFindings(watchedMapRuns: readonly string[]): void {
    const formatterRole = this.formatter.role as iam.Role;
    Validations.of(formatterRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Formatter role: the AWS managed basic execution policy only lets the function write its CloudWatch logs.',
    });
    const wildcardReasons: Array<[iam.IRole, string]> = [
      [
        formatterRole,
        'Formatter role: X-Ray PutTraceSegments/PutTelemetryRecords support only Resource "*".',
      ],
    ];
    for (const [role, reason] of wildcardReasons) {
      Validations.of(role).acknowledge({ id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason });
    }
    // The notifier role's and the formatter's reads of the watched executions: constructs/notifier-machine.ts.
    for (const resource of watchedMapRuns) {
      Validations.of(formatterRole).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(this), resource)}]`,
        reason:
          'states:DescribeMapRun on the Map runs of one watched state machine (or name prefix): Map run ARNs hold a label and a UUID not known in advance.',
      });
    }
    if (this.botTokenSecret instanceof secretsmanager.Secret) {
      Validations.of(this.botTokenSecret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'Slack issues the bot token; Secrets Manager cannot rotate it. sfn-slack setup writes a new token and updates the connection.',
      });
    }
    Validations.of(this.eventDeadLetterQueue).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'This queue is the dead-letter queue of the EventBridge rule target; it needs no DLQ of its own.',
      },
      {
        id: 'Serverless::Serverless-SQSRedrivePolicy',
        reason:
          'This queue is the dead-letter queue of the EventBridge rule target; it needs no redrive policy.',
      }
    );
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason:
        "This is the delivery queue's dead-letter queue; messages are replayed from it, not redriven further.",
    });
    Validations.of(this.formatter).acknowledge({
      id: 'Serverless::Serverless-LambdaDLQ',
      reason:
        'The formatter is invoked synchronously by the notifier state machine (Retry, then a failed execution and its alarm); a Lambda DLQ only applies to asynchronous invocations.',
    });
  }
}

/** The one route the shorthand props describe (a construct used without routes). */
function shorthandRoute(props: SlackNotifierProps): Route {
  const match: RouteMatch = {
    stateMachineArns: props.stateMachineArns ?? [],
    stateMachineNamePrefixes: props.stateMachineNamePrefixes ?? [],
    tags: {},
    accounts: [],
    regions: [],
  };
  return {
    name: 'default',
    match,
    statuses: (props.statuses ?? DEFAULT_STATUSES) as readonly ExecutionStatus[],
    destination:
      props.destination.type === 'channel'
        ? { type: 'channel', channel: props.destination.channel }
        : { type: 'webhook' },
    ...(props.mentionOnFailure === undefined ? {} : { mention: props.mentionOnFailure }),
    template: props.template ?? DEFAULT_TEMPLATE,
    stop: false,
    tagOverrides: false,
  };
}

/**
 * A folder holding `custom/<id>.jsonata` for each custom template: the custom templates layer's content (Lambda
 * mounts it under /opt). CDK copies it into the cloud assembly, so a temporary folder is enough.
 */
function stageCustomTemplates(templates: Readonly<Record<string, string>>): string {
  const files = Object.entries(templates)
    .map(([id, file]) => [`${id}.jsonata`, readFileSync(path.resolve(file), 'utf8')] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  // Named after the content, not a fresh temporary name: every synth (and test run) of the same templates reuses
  // one folder instead of leaving a new one behind.
  const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
  const root = path.join(os.tmpdir(), `sfn-slack-templates-${digest}`);
  const folder = path.join(root, CUSTOM_TEMPLATE_PREFIX);
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(folder, name), text);
  return root;
}

/** A custom template must compile at synth: a typo fails `cdk synth`, not every notification. */
function compileCustomTemplate(id: string, absolute: string): void {
  const file = path.relative(process.cwd(), absolute) || absolute;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `SlackNotifier: custom template ${file} cannot be read; check the path (relative to cdk.json)`
    );
  }
  try {
    jsonata(source);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    throw new Error(
      `SlackNotifier: custom template ${file} (custom/${id}) does not compile: ${e.message ?? String(error)}${
        typeof e.position === 'number' ? ` at position ${e.position}` : ''
      }`
    );
  }
}
