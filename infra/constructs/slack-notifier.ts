/**
 * SlackNotifier: Step Functions execution results in Slack, for one environment.
 *
 * Its props are validated first, with the rules of an environment of cdk.json (notifier-props.ts), then each
 * piece is built by its own builder:
 * - the queues: FIFO delivery queue, its FIFO dead-letter queue, the rule's event dead-letter queue
 *   (notifier-queues.ts), and the policy that lets only the notifier, replay, delivery and scheduler roles send;
 * - the message store (message-store.ts): one message per execution, and runningLongerThan's scheduler pieces;
 * - the formatter Lambda and its custom templates layer (formatter-function.ts);
 * - the notifier state machine (notifier-machine.ts, statemachines/notifier.asl.json) and the EventBridge rule that
 *   starts it, never for its own executions (status-change-rule.ts);
 * - the EventBridge connection that holds the Slack credential (slack-connection.ts);
 * - the delivery: Pipe, Express state machine and delivery function (delivery-machine.ts);
 * - the alarms, to the given topic or one created (notifier-alarms.ts); the replay role (replay-role.ts);
 * - with `actions`, the buttons' endpoint and machine (slack-actions.ts); the daily digests (digest.ts);
 * - the operator descriptor the sfn-slack commands find the notifier by (operator-descriptor.ts).
 *
 * The state machines are defined in files, so they get no automatic grants: every permission is explicit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, ArnFormat, type Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as pipes from 'aws-cdk-lib/aws-pipes';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { type ActionsPolicy, enabledActions, watchedAnywhere } from '../../contract/actions.js';
import type { DigestPlan } from '../../contract/digest.js';
import { isoDurationSeconds } from '../../contract/message-store.js';
import { bannerMention, type DeployedSettings, type Route, readsTags } from '../../contract/routes.js';
import { type EnvironmentConfig, mutable } from '../../contract/settings.js';
import { CUSTOM_TEMPLATE_PREFIX } from '../../contract/templates.js';
import { nagResourceName } from '../nag-resource-name.js';
import { sourceUsesExecutionData, templateUsesExecutionData } from '../template-data.js';
import { watchedKeyStatements } from '../watched-keys.js';
import { watchedResources } from '../watched-resources.js';
import { DeliveryMachine, SLACK_WEBHOOK_ENDPOINT } from './delivery-machine.js';
import { DailyDigest } from './digest.js';
import { compileCustomTemplate, formatterFunction } from './formatter-function.js';
import { MessageStore } from './message-store.js';
import { notifierAlarms } from './notifier-alarms.js';
import { NotifierMachine, type NotifierType } from './notifier-machine.js';
import { validateNotifierProps } from './notifier-props.js';
import { notifierQueues, onlySendersMaySend } from './notifier-queues.js';
import { OperatorDescriptor } from './operator-descriptor.js';
import { REPO_ROOT } from './project-function.js';
import { createReplayRole } from './replay-role.js';
import { SlackActions } from './slack-actions.js';
import { slackConnection } from './slack-connection.js';
import { statusChangeRule } from './status-change-rule.js';

/** Where the state machine definitions live (data only; `${Placeholders}` are filled by the construct). */
export const STATE_MACHINE_FILES = {
  notifier: path.join(REPO_ROOT, 'statemachines', 'notifier.asl.json'),
  deliver: path.join(REPO_ROOT, 'statemachines', 'deliver.asl.json'),
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
   * mention and template, validated as cdk.json's `routes` are. When given, stateMachineArns and
   * stateMachineNamePrefixes are refused (each route says which machines it takes), and mentionOnFailure is the
   * mention of a route that names none (as in cdk.json).
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
   * @default - threshold 5 within 300 seconds (contract/message-store.ts)
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
    // First, before anything is built: the same rules as an environment of cdk.json (notifier-props.ts).
    const { config, routes, customTemplates } = validateNotifierProps(props, stack);
    for (const [templateId, file] of Object.entries(customTemplates)) compileCustomTemplate(templateId, file);
    for (const warning of config.warnings) Annotations.of(this).addWarningV2('sfn-slack:props', warning);
    const env = props.environmentName;
    const destination = props.destination;
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const logExecutionData = config.logExecutionData;
    const arns = [...new Set(routes.flatMap((r) => r.match.stateMachineArns))];
    const prefixes = [...new Set(routes.flatMap((r) => r.match.stateMachineNamePrefixes))];
    // GetExecutionHistory works on executions: arn:…:execution:<state machine name>:<execution name>.
    const watchedExecutions = watchedResources(stack, arns, prefixes, 'execution');
    // Map runs: arn:…:mapRun:<state machine name>/<label>:<uuid>.
    const watchedMapRuns = watchedResources(stack, arns, prefixes, 'mapRun');
    const central = props.central;
    // The source accounts and regions the notifier and the actions read and act in (the bus stays here).
    const sources = central && {
      accounts: central.accounts,
      regions: central.regions,
      ...(central.organizationId === undefined ? {} : { organizationId: central.organizationId }),
    };

    const queues = notifierQueues(this, {
      ...(props.maxReceiveCount === undefined ? {} : { maxReceiveCount: props.maxReceiveCount }),
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.eventDeadLetterQueue = queues.eventDeadLetterQueue;

    // One message per execution: the store the delivery machine keeps it with (constructs/message-store.ts).
    const runningLongerThanSeconds =
      config.runningLongerThan === undefined ? 0 : (isoDurationSeconds(config.runningLongerThan) ?? 0);
    const notifiedStatuses = [...new Set(routes.flatMap((r) => r.statuses))];
    this.messageStore = new MessageStore(this, 'MessageStore', {
      environmentName: env,
      queue: this.queue,
      startNotices: notifiedStatuses.includes('RUNNING'),
      replyBroadcast: config.replyBroadcast,
      runningLongerThanSeconds,
      ...(config.storm === undefined
        ? {}
        : { stormThreshold: config.storm.threshold, stormWindowSeconds: config.storm.windowSeconds }),
      // Webhook mode: a storm's digest posts are queued by one-time schedules.
      digestSchedules: destination.type === 'webhook' && config.storm?.threshold !== 0,
    });

    this.formatter = formatterFunction(this, {
      environmentName: env,
      logRetention: retention,
      customTemplates,
    });
    if (!central) {
      // A Distributed Map failure shows its items succeeded, failed and pending (DescribeMapRun).
      this.formatter.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeMapRun'], resources: watchedMapRuns })
      );
    }

    // Notifier state machine (constructs/notifier-machine.ts): its settings must be known at synth time.
    this.notifierType = config.notifierType;
    this.settings = notifierSettings(props, config, routes, customTemplates);
    const notifier = new NotifierMachine(this, {
      environmentName: env,
      settings: this.settings,
      formatter: this.formatter,
      queue: this.queue,
      messageStore: this.messageStore,
      watchedExecutions,
      watchedArns: arns,
      watchedPrefixes: prefixes,
      notifierType: this.notifierType,
      logRetention: retention,
      logExecutionData,
      ...(sources ? { central: sources } : {}),
    });
    this.notifierStateMachine = notifier.stateMachine;
    this.notifierLogGroup = notifier.logGroup;
    this.notifierSubstitutions = notifier.substitutions;
    this.watchedStateMachines = notifier.watchedStateMachines;

    this.rule = statusChangeRule(this, {
      environmentName: env,
      routes,
      // runningLongerThan schedules its check at the RUNNING event, shown or not.
      statuses:
        runningLongerThanSeconds > 0 && !notifiedStatuses.includes('RUNNING')
          ? [...notifiedStatuses, 'RUNNING']
          : notifiedStatuses,
      notifier: this.notifierStateMachine,
      deadLetterQueue: this.eventDeadLetterQueue,
      ...(central ? { eventBus: central.eventBus } : {}),
    });

    const slack = slackConnection(this, env, destination);
    this.connection = slack.connection;
    this.botTokenSecret = slack.botTokenSecret;
    if (destination.type === 'channel') {
      this.slackChannel = destination.channel;
    } else {
      this.webhookParameterName = destination.parameterName;
      this.webhookParameterKey = destination.parameterKey;
    }

    // Delivery: the state machine, the function that decides, the Pipe (constructs/delivery-machine.ts).
    const routeChannels = routes.flatMap((r) =>
      r.destination.type === 'channel' ? [r.destination.channel] : []
    );
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
      replyBroadcast: config.replyBroadcast,
      runningLongerThanSeconds,
      // The "still running" banner's mention: the environment's (routes may each have their own).
      mention: bannerMention(routes, config.mentionOnFailure),
      ...(config.storm === undefined ? {} : { storm: config.storm }),
      logRetention: retention,
      logExecutionData,
    });
    this.deliveryStateMachine = delivery.stateMachine;
    this.deliveryFunction = delivery.function;
    this.deliveryLogGroup = delivery.logGroup;
    this.deliverySubstitutions = delivery.substitutions;
    this.pipe = delivery.pipe;

    const alarms = notifierAlarms(this, {
      environmentName: env,
      queues,
      notifier: this.notifierStateMachine,
      delivery: this.deliveryStateMachine,
      ...(props.stalledQueueAge === undefined ? {} : { stalledQueueAge: props.stalledQueueAge }),
      ...(props.alarmTopic === undefined ? {} : { topic: props.alarmTopic }),
    });
    this.alarms = alarms.alarms;
    this.alarmTopic = alarms.topic;

    // `sfn-slack replay` runs a message move task with the caller's permissions, so it must run as this role
    // (docs/cli.md: a profile with role_arn = the stack output ReplayRoleArn). Who may assume it: replay-role.ts.
    this.replayRole = createReplayRole(this, {
      environmentName: env,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      notifierStateMachine: this.notifierStateMachine,
      ...(config.replayPrincipals === undefined ? {} : { principals: config.replayPrincipals }),
    });

    // Watched machines encrypted with a customer managed key: the roles that read them decrypt through Step
    // Functions only (infra/watched-keys.ts). A central environment reads with the source accounts' roles instead.
    if (!central) {
      for (const statement of watchedKeyStatements(config.kmsKeyArns ?? [])) {
        this.notifierStateMachine.addToRolePolicy(statement);
        this.formatter.addToRolePolicy(statement);
      }
    }

    if (props.actions) {
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
        ...(props.actions.teamId ? { teamId: props.actions.teamId } : {}),
        ...(props.actions.appId ? { appId: props.actions.appId } : {}),
        logExecutionData,
        ...(config.kmsKeyArns ? { kmsKeyArns: config.kmsKeyArns } : {}),
        logRetention: retention,
        ...(sources ? { central: sources } : {}),
      });
    }

    // "Is this normal?" (issue 24): the run context's reads, and the daily digests (infra/constructs/digest.ts).
    // A central environment reads both with the source accounts' read roles (infra/constructs/source-access.ts).
    const digest = new DailyDigest(this, 'DailyDigest', {
      environmentName: env,
      plans: props.digests ?? [],
      formatter: this.formatter,
      queue: this.queue,
      watchedStateMachines: watchedResources(stack, arns, prefixes, 'stateMachine'),
      watchedExecutions,
      mute: mutable(config),
      routing: { routes, allowedChannels: this.settings.allowedChannels },
      ...(sources ? { central: sources } : {}),
      logRetention: retention,
    });

    // Only these may queue a message (the digest machine's Enqueue too, when there are digests).
    onlySendersMaySend(this.queue, [
      this.notifierStateMachine.role.roleArn,
      this.replayRole.roleArn,
      this.deliveryStateMachine.role.roleArn,
      ...(this.messageStore.schedulerRole ? [this.messageStore.schedulerRole.roleArn] : []),
      ...(digest.stateMachine ? [digest.stateMachine.role.roleArn] : []),
    ]);

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

/** The settings written into the notifier's Settings state (contract/routes.ts DeployedSettings). */
function notifierSettings(
  props: SlackNotifierProps,
  config: EnvironmentConfig,
  routes: readonly Route[],
  customTemplates: Readonly<Record<string, string>>
): DeployedSettings {
  // The buttons the formatter shows; none without actions.
  const shownActions = props.actions ? enabledActions(props.actions.policy) : [];
  const executionData =
    props.passExecutionData ??
    routes.some((r) =>
      r.template.startsWith(CUSTOM_TEMPLATE_PREFIX)
        ? sourceUsesExecutionData(
            readFileSync(customTemplates[r.template.slice(CUSTOM_TEMPLATE_PREFIX.length)] ?? '', 'utf8')
          )
        : templateUsesExecutionData(r.template)
    );
  return {
    environment: props.environmentName,
    destinationType: props.destination.type,
    routes,
    allowedChannels: config.allowedChannels,
    readTags: readsTags(routes, { mute: config.mute, actions: shownActions }),
    executionData,
    checksRunning: config.runningLongerThan !== undefined,
    actions: shownActions,
    ...(config.notifierType === 'express' ? { holdsMutes: false } : {}),
  };
}
