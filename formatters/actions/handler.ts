/**
 * The interactivity Lambda behind the function URL (Slack's interactivity request URL). Thin: it reads its
 * settings from the environment the construct sets (contract/actions.ts INTERACTIVITY_ENV), caches the signing
 * secret, and hands each request to interactivity.ts. Logs carry the outcome only: never the body, a header or
 * the secret.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { type ActionsPolicy, INTERACTIVITY_ENV } from '../../contract/actions.js';
import { mapStackTracesOnDemand } from '../shared/stack-traces.js';
import { handleInteraction, type InteractivityConfig, type InteractivityDeps } from './interactivity.js';

// Deployed, the bundle's stack traces point into the TypeScript sources; the map is read on the first one.
mapStackTracesOnDemand(import.meta.url);

/** How long an ephemeral answer may take: the whole request must be answered within Slack's 3 seconds. */
const RESPOND_TIMEOUT_MS = 1_000;
/** A new secret value (after `sfn-slack setup`) is picked up within this time. */
const SECRET_CACHE_MS = 5 * 60_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the interactivity function needs ${name} in its environment`);
  return value;
}

/** The settings from the environment (read once per container). */
export function configFromEnv(): InteractivityConfig {
  return {
    environment: process.env[INTERACTIVITY_ENV.environment] ?? '',
    stateMachineArn: required(INTERACTIVITY_ENV.stateMachineArn),
    tableName: required(INTERACTIVITY_ENV.tableName),
    watched: JSON.parse(required(INTERACTIVITY_ENV.watched)) as string[],
    policy: JSON.parse(required(INTERACTIVITY_ENV.policy)) as ActionsPolicy,
    ...(process.env[INTERACTIVITY_ENV.teamId] ? { teamId: process.env[INTERACTIVITY_ENV.teamId] } : {}),
    ...(process.env[INTERACTIVITY_ENV.appId] ? { appId: process.env[INTERACTIVITY_ENV.appId] } : {}),
  };
}

/** Reads a secret string once and keeps it for `SECRET_CACHE_MS`. */
export function cachedSecret(
  client: SecretsManagerClient,
  secretId: string,
  now = Date.now
): () => Promise<string> {
  let value: string | undefined;
  let readAt = 0;
  return async () => {
    if (value === undefined || now() - readAt > SECRET_CACHE_MS) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (!out.SecretString) throw new Error('the signing secret has no string value');
      value = out.SecretString;
      readAt = now();
    }
    return value;
  };
}

/** Posts to a Slack response URL; a slow or failed answer is dropped (the click itself was handled). */
export async function respondToSlack(responseUrl: string, body: Record<string, unknown>): Promise<void> {
  try {
    await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
    });
  } catch {
    // Best effort: the ephemeral line is a courtesy, and nothing happened anyway.
  }
}

let state: { config: InteractivityConfig; deps: InteractivityDeps } | undefined;

function init(): { config: InteractivityConfig; deps: InteractivityDeps } {
  state ??= {
    config: configFromEnv(),
    deps: {
      signingSecret: cachedSecret(new SecretsManagerClient({}), required(INTERACTIVITY_ENV.signingSecretArn)),
      dynamodb: new DynamoDBClient({ maxAttempts: 2 }),
      sfn: new SFNClient({ maxAttempts: 2 }),
      respond: respondToSlack,
    },
  };
  return state;
}

/** Header names in lower case (function URLs already send them so; a test or proxy may not). */
function lowerHeaders(
  headers: Record<string, string | undefined> | undefined
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const { config, deps } = init();
  const rawBody =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const result = await handleInteraction(
    { method: event.requestContext.http.method, headers: lowerHeaders(event.headers), rawBody },
    config,
    deps
  );
  console.log(JSON.stringify({ outcome: result.outcome, status: result.status }));
  return {
    statusCode: result.status,
    headers: { 'content-type': result.body ? 'application/json' : 'text/plain' },
    body: result.body,
  };
}
