/**
 * Per-environment configuration, read from cdk.json context `environments.<name>` and validated at synth.
 * Every error names the key that is wrong and says how to fix it, so a typo fails `cdk synth` with one line.
 */
/** Execution statuses the EventBridge rule can match. */
export declare const EXECUTION_STATUSES: readonly ["FAILED", "TIMED_OUT", "ABORTED", "SUCCEEDED", "RUNNING", "PENDING_REDRIVE"];
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** The statuses notified when an environment does not list its own. */
export declare const DEFAULT_STATUSES: readonly ExecutionStatus[];
export declare const DEFAULT_TEMPLATE = "detailed";
export type DestinationConfig = {
    readonly type: 'channel';
    /** Channel ID (C…) or name (#alerts). */
    readonly channel: string;
    /**
     * Name of an existing Secrets Manager secret holding the bot token.
     * @default - the stack creates one; `sfn-slack setup` writes the token into it
     */
    readonly botTokenSecretName?: string;
} | {
    readonly type: 'webhook';
    /**
     * SSM SecureString parameter holding the incoming-webhook URL.
     * @default `/{env}/SLACK_URL`
     */
    readonly parameterName: string;
    /**
     * ARN of the customer managed KMS key the parameter is encrypted with.
     * @default - the AWS managed key aws/ssm (it lets every principal of the account decrypt, so no grant)
     */
    readonly kmsKeyArn?: string;
};
export interface EnvironmentConfig {
    /** The environment name (the key under `environments`). */
    readonly name: string;
    /** AWS account to deploy to. @default - the CLI's current account (environment-agnostic stack) */
    readonly account?: string;
    /** AWS region to deploy to. @default - the CLI's current region (environment-agnostic stack) */
    readonly region?: string;
    /** Full ARNs of watched Standard state machines. @default [] */
    readonly stateMachineArns: readonly string[];
    /** Name prefixes of watched state machines in the stack's account and region. @default [] */
    readonly stateMachineNamePrefixes: readonly string[];
    /** @default FAILED, TIMED_OUT, ABORTED, SUCCEEDED */
    readonly statuses: readonly ExecutionStatus[];
    readonly destination: DestinationConfig;
    /** Slack mention for failed, timed-out and aborted runs. @default - no mention */
    readonly mentionOnFailure?: string;
    /** Formatter template name. @default 'detailed' */
    readonly template: string;
    /** SNS topic for the alarms. @default - alarms without actions */
    readonly alarmTopicArn?: string;
}
/** A configuration mistake; the message is one line meant for the person editing cdk.json. */
export declare class ConfigError extends Error {
    readonly name = "ConfigError";
}
/** An environment name: it becomes part of stack, log group and parameter names. */
export declare const ENV_NAME: RegExp;
/** Validates one environment's raw context value. */
export declare function parseEnvironment(name: string, raw: unknown): EnvironmentConfig;
/**
 * Validates the `environments` context and selects the ones to synthesize.
 * @param selected the `env` context value; undefined selects every environment
 */
export declare function loadEnvironments(environments: unknown, selected?: unknown): EnvironmentConfig[];
