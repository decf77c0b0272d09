/**
 * A central environment's formatter reads a history itself (after a page too large for Step Functions) in the
 * execution's own account and region, with that account's read role (infra/source-roles.ts). The stack names
 * the central environment in `SFN_SLACK_CENTRAL_ENVIRONMENT`; unset in a single-account environment, where the
 * formatter's own role reads the history.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { ACCOUNT_ID, CENTRAL_ENVIRONMENT_ENV, REGION, readRoleArn } from '../../contract/sources.js';

/** Where and as whom an execution's history is read. */
export interface SourceAccess {
  readonly region: string;
  readonly roleArn: string;
}

/**
 * The read role and region for the event's execution. The account and region come from the event envelope,
 * which EventBridge sets (as the notifier's `Credentials` do); the partition from the execution ARN.
 * @throws Error when the event lacks a valid account or region (the message then says the history is missing)
 */
export function sourceAccess(event: StatusChangeEvent, environment: string): SourceAccess {
  const partition = event.detail.executionArn.split(':')[1] ?? '';
  const { account, region } = event;
  if (typeof account !== 'string' || !ACCOUNT_ID.test(account)) {
    throw new Error('the event names no source account to read the history in');
  }
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw new Error('the event names no source region to read the history in');
  }
  if (!/^aws[a-z-]*$/.test(partition)) throw new Error('the execution ARN names no partition');
  return { region, roleArn: readRoleArn(partition, account, environment, region) };
}

const clients = new Map<string, SFNClient>();

/**
 * The client reading this event's history in a central environment, one per role for the process; undefined
 * in a single-account environment.
 */
export async function sourceSfnClient(
  event: StatusChangeEvent,
  env: NodeJS.ProcessEnv = process.env
): Promise<SFNClient | undefined> {
  const environment = env[CENTRAL_ENVIRONMENT_ENV];
  if (!environment) return undefined;
  const { region, roleArn } = sourceAccess(event, environment);
  const cached = clients.get(roleArn);
  if (cached) return cached;
  const [{ SFNClient }, { fromTemporaryCredentials }] = await Promise.all([
    import('@aws-sdk/client-sfn'),
    import('@aws-sdk/credential-providers'),
  ]);
  const client = new SFNClient({
    region,
    maxAttempts: 8,
    credentials: fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'sfn-slack-formatter', DurationSeconds: 900 },
    }),
  });
  clients.set(roleArn, client);
  return client;
}
