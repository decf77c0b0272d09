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
import { CliError, ExitCode } from '../errors.js';

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
export const MAX_ATTEMPTS = 8;

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
export function clientConfig(options: AwsOptions): {
  region?: string;
  profile?: string;
  credentials?: ReturnType<typeof fromIni>;
  maxAttempts: number;
  retryMode: string;
} {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile
      ? { profile: options.profile, credentials: profileCredentials(options.profile) }
      : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
  };
}

/**
 * The profile's credentials; a profile that exists but yields none is reported as that (not as "pass --profile"):
 * cli/aws/context.ts has already checked that it exists.
 */
function profileCredentials(profile: string): ReturnType<typeof fromIni> {
  const provider = fromIni({ profile });
  return async (identityProperties) => {
    try {
      return await provider(identityProperties);
    } catch (error) {
      throw new CliError(
        `the profile ${profile} has no usable credentials (${oneLine((error as Error).message)}): add aws_access_key_id and aws_secret_access_key, role_arn with source_profile, or SSO settings to it, or run \`aws sso login --profile ${profile}\``,
        ExitCode.aws,
        { cause: error }
      );
    }
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function createClients(options: AwsOptions = {}): AwsClients {
  const config = clientConfig(options);
  const cache = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    get sfn() {
      return once('sfn', () => new SFNClient(config));
    },
    get sqs() {
      return once('sqs', () => new SQSClient(config));
    },
    get cloudFormation() {
      return once('cloudFormation', () => new CloudFormationClient(config));
    },
    get eventBridge() {
      return once('eventBridge', () => new EventBridgeClient(config));
    },
    get secretsManager() {
      return once('secretsManager', () => new SecretsManagerClient(config));
    },
    get ssm() {
      return once('ssm', () => new SSMClient(config));
    },
  };
}
