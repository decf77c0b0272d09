/**
 * AWS SDK clients for the operator commands, built once per command run from `--region` and `--profile`.
 * Without `--profile` the SDK's default chain applies (environment variables, AWS_PROFILE, SSO, instance
 * roles); with it, credentials and region come from that profile of ~/.aws/config and ~/.aws/credentials.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromIni } from '@aws-sdk/credential-providers';
export interface AwsOptions {
    /**
     * AWS region, e.g. `eu-west-1`.
     * @default - the SDK's default: AWS_REGION, then the profile's region
     */
    readonly region?: string;
    /**
     * Named profile from the shared AWS config and credentials files.
     * @default - the SDK's default credential chain
     */
    readonly profile?: string;
}
/**
 * How many times a call is tried. Reading a 25,000-event history is 25 GetExecutionHistory pages, and
 * Step Functions throttles that API; the adaptive mode also slows down client-side after a throttle.
 */
export declare const MAX_ATTEMPTS = 8;
/** Lazily built clients: a command only creates the ones it uses. */
export interface AwsClients {
    readonly sfn: SFNClient;
    readonly sqs: SQSClient;
    readonly cloudFormation: CloudFormationClient;
    readonly eventBridge: EventBridgeClient;
    readonly secretsManager: SecretsManagerClient;
    readonly ssm: SSMClient;
}
/** The configuration every client shares. */
export declare function clientConfig(options: AwsOptions): {
    region?: string;
    profile?: string;
    credentials?: ReturnType<typeof fromIni>;
    maxAttempts: number;
    retryMode: string;
};
export declare function createClients(options?: AwsOptions): AwsClients;
