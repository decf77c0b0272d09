/**
 * The "act in region" Lambda of a central environment (formatters/act-in-region/act-in-region.ts), invoked by the
 * actions machine only. Thin: one client per act role for the container, the role assumed with the function's
 * own role, which may assume the act roles and nothing else. Logs nothing: the machine's history has the call.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { CENTRAL_ENVIRONMENT_ENV } from '../../contract/sources.js';
import { mapStackTracesOnDemand } from '../shared/stack-traces.js';
import { type ActInRegionAnswer, type ActTarget, actClientConfig, actInRegion } from './act-in-region.js';

// Deployed, the bundle's stack traces point into the TypeScript sources; the map is read on the first one.
mapStackTracesOnDemand(import.meta.url);

const clients = new Map<string, SFNClient>();

function clientFor(target: ActTarget): SFNClient {
  const cached = clients.get(target.roleArn);
  if (cached) return cached;
  const client = new SFNClient(
    actClientConfig(target, (roleArn) =>
      fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: 'sfn-slack-actions', DurationSeconds: 900 },
      })
    )
  );
  clients.set(target.roleArn, client);
  return client;
}

export async function handler(event: unknown): Promise<ActInRegionAnswer> {
  const environment = process.env[CENTRAL_ENVIRONMENT_ENV];
  if (!environment)
    throw new Error(`the act-in-region function needs ${CENTRAL_ENVIRONMENT_ENV} in its environment`);
  return actInRegion(event, environment, clientFor);
}
