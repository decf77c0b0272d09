import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
/** Where the state machine definitions live (data only; `${Placeholders}` are filled by the construct). */
export declare const STATE_MACHINE_FILES: {
    readonly notifier: string;
    readonly deliver: string;
    readonly deliverWebhook: string;
};
/**
 * The formatter Lambda. In a checkout it is bundled from its source by NodejsFunction (local esbuild); the
 * installed package holds no TypeScript source but the bundle `npm run build` made (dist/formatter-bundle, with
 * its templates), which deploys as is: the user's app needs neither esbuild nor Docker.
 */
export declare const FORMATTER_FILES: {
    readonly source: string;
    readonly bundle: string;
};
/** The Slack Web API method the channel mode posts to (and the only endpoint its role may call). */
export declare const SLACK_POST_MESSAGE_URL = "https://slack.com/api/chat.postMessage";
/** Incoming webhooks live under this root; the webhook mode's role may call nothing else. */
export declare const SLACK_WEBHOOK_URL_PATTERN = "https://hooks.slack.com/*";
/** The statuses notified unless `statuses` says otherwise. */
export declare const DEFAULT_NOTIFIED_STATUSES: readonly ["FAILED", "TIMED_OUT", "ABORTED", "SUCCEEDED"];
/** Where messages go. */
export type SlackDestination = {
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
} | {
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
     * ARNs of the Standard state machines to watch.
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
     * @default - alarms without actions
     */
    readonly alarmTopic?: sns.ITopic;
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
}
/** The notifier pipeline of one environment. */
export declare class SlackNotifier extends Construct {
    /** STANDARD state machine started by the rule: history → formatter → queue. */
    readonly notifierStateMachine: sfn.StateMachine;
    /** EXPRESS state machine started by the Pipe: queue message → Slack. */
    readonly deliveryStateMachine: sfn.StateMachine;
    /** Bundled from source in a checkout (NodejsFunction), from the package's prebuilt bundle when installed. */
    readonly formatter: lambda.Function;
    readonly queue: sqs.Queue;
    readonly deadLetterQueue: sqs.Queue;
    /** Events the rule could not hand to the notifier. */
    readonly eventDeadLetterQueue: sqs.Queue;
    readonly rule: events.Rule;
    readonly pipe: pipes.CfnPipe;
    readonly connection: events.Connection;
    /** The bot-token secret (channel mode). */
    readonly botTokenSecret?: secretsmanager.ISecret;
    /** The channel messages go to (channel mode), as configured: an ID (C…) or a name (#alerts). */
    readonly slackChannel?: string;
    /** The webhook URL parameter name (webhook mode). */
    readonly webhookParameterName?: string;
    /** The customer managed key of the webhook URL parameter (webhook mode, when one is given). */
    readonly webhookParameterKey?: kms.IKey;
    readonly notifierLogGroup: logs.LogGroup;
    readonly deliveryLogGroup: logs.LogGroup;
    readonly alarms: readonly cloudwatch.Alarm[];
    /**
     * The DefinitionSubstitutions passed to the notifier state machine. The settings (environment, template,
     * channel, mention) are JSON-escaped: substituted as plain text into the definition, they read back as the
     * configured values.
     */
    readonly notifierSubstitutions: Readonly<Record<string, string>>;
    /** The DefinitionSubstitutions passed to the delivery state machine. */
    readonly deliverySubstitutions: Readonly<Record<string, string>>;
    constructor(scope: Construct, id: string, props: SlackNotifierProps);
    /**
     * cdk-nag findings that are intended, each on the one resource it concerns and with the reason (docs/infra.md
     * lists them too). Acknowledgements are metadata: they change nothing without cdk-nag.
     */
    private acknowledgeNagFindings;
}
