/**
 * A central environment's formatter reads in the execution's own account and region, with that account's read
 * role (contract/source-credentials.ts): a history itself (a run of another region, or a page too large for Step
 * Functions), the machine's tags, the run context's recent runs (ListExecutions, DescribeExecution), and the daily
 * digest's machines. The stack names the central environment in `SFN_SLACK_CENTRAL_ENVIRONMENT`; unset in a
 * single-account environment, where the formatter's own role reads.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { parseArn } from '../../contract/arns.js';
import type { DigestRequest } from '../../contract/digest.js';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { ACCOUNT_ID, CENTRAL_ENVIRONMENT_ENV, REGION, readRoleArn } from '../../contract/sources.js';
import type { DigestClients } from './digest/read.js';

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
  const partition = parseArn(event.detail.executionArn)?.partition ?? '';
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

/** The SDK, loaded once: a single-account formatter never needs the credential providers. */
let sdk:
  | Promise<[typeof import('@aws-sdk/client-sfn'), typeof import('@aws-sdk/credential-providers')]>
  | undefined;

/** The client reading as `roleArn` in `region`, one per role for the process (each role names its region). */
function clientAs(
  roleArn: string,
  region: string,
  modules: [typeof import('@aws-sdk/client-sfn'), typeof import('@aws-sdk/credential-providers')]
): SFNClient {
  const cached = clients.get(roleArn);
  if (cached) return cached;
  const [{ SFNClient }, { fromTemporaryCredentials }] = modules;
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

function loadSdk() {
  sdk ??= Promise.all([import('@aws-sdk/client-sfn'), import('@aws-sdk/credential-providers')]);
  return sdk;
}

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
  return clientAs(roleArn, region, await loadSdk());
}

/**
 * A central environment's daily digest reads each account and region with its read role, there: the machines
 * named by prefix are listed in every source account and region the request names, and each machine is read in
 * its own (from its ARN). Undefined in a single-account environment (the formatter's own client reads).
 */
export async function sourceDigestClients(
  request: Pick<DigestRequest, 'sources' | 'partition'>,
  env: NodeJS.ProcessEnv = process.env
): Promise<DigestClients | undefined> {
  const environment = env[CENTRAL_ENVIRONMENT_ENV];
  if (!environment) return undefined;
  const modules = await loadSdk();
  const partition = request.partition ?? 'aws';
  if (!/^aws[a-z-]*$/.test(partition)) throw new Error('the digest request names no partition');
  const at = (account: string, region: string) =>
    clientAs(readRoleArn(partition, account, environment, region), region, modules);
  return {
    listing: () =>
      (request.sources?.accounts ?? []).flatMap((account) =>
        (request.sources?.regions ?? []).map((region) => ({
          where: `${account} in ${region}`,
          client: at(account, region),
        }))
      ),
    machine: (stateMachineArn) => {
      const { region = '', account = '' } = parseArn(stateMachineArn) ?? {};
      return at(account, region);
    },
  };
}
