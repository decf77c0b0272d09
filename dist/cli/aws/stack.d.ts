/**
 * Finds an environment's resources from its stack's outputs (`SfnSlackNotifier-<env>`), so no operator ever
 * types a queue URL or state machine ARN by hand.
 */
import { type CloudFormationClient } from '@aws-sdk/client-cloudformation';
/** The CfnOutputs the stack defines (infra/stacks/notifier-stack.ts). */
export declare const OUTPUT_NAMES: readonly ["NotifierStateMachineArn", "DeliveryStateMachineArn", "QueueUrl", "QueueArn", "DeadLetterQueueUrl", "DeadLetterQueueArn", "ConnectionArn", "ConnectionName", "BotTokenSecretArn", "SlackChannel", "WebhookParameterName", "WebhookParameterKeyArn", "FormatterFunctionName"];
export type OutputName = (typeof OUTPUT_NAMES)[number];
/**
 * Outputs a healthy stack may lack: one of BotTokenSecretArn (channel mode, with SlackChannel) and
 * WebhookParameterName (webhook mode, with WebhookParameterKeyArn only for a customer managed key); and
 * FormatterFunctionName, which no command uses. Every other output must be there.
 */
export declare const OPTIONAL_OUTPUTS: ReadonlySet<OutputName>;
/** The outputs every deployed stack has, whatever its Slack mode. */
export declare const REQUIRED_OUTPUTS: readonly OutputName[];
export interface StackInfo {
    readonly env: string;
    readonly stackName: string;
    readonly status?: string;
    readonly outputs: Partial<Record<OutputName, string>> & Readonly<Record<string, string>>;
}
export declare function stackName(env: string): string;
/** Reads the stack's outputs; a missing stack is a CliError that says how to deploy it. */
export declare function readStack(cloudFormation: CloudFormationClient, env: string): Promise<StackInfo>;
/** An output the command cannot work without. */
export declare function requireOutput(stack: StackInfo, name: OutputName, why?: string): string;
