/**
 * The delivery Lambda: the delivery definition's Decide and Record steps. Thin: configuration from the
 * environment (contract/delivery.ts), the store client, one log line per call with the action and its reason,
 * the delivery execution and the watched execution; never message content or the watched execution's data.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTION_ERRORS } from '../../contract/aws-errors.js';
import { DELIVERY_CONFIG_ENV, type DeliveryConfig } from '../../contract/delivery.js';
import { createLogger } from '../shared/logger.js';
import { mapStackTracesOnDemand } from '../shared/stack-traces.js';
import type { Decision } from './decision.js';
import { type DeliveryDeps, type DeliveryInput, deliver } from './deliver.js';
import { DeliveryStore } from './store.js';

// Deployed, the bundle's stack traces point into the TypeScript sources; the map is read on the first one.
mapStackTracesOnDemand(import.meta.url);

/**
 * A store call that failed after the SDK's own retries: the definition's Retry on the Lambda task runs the step
 * again.
 */
export const STORE_UNAVAILABLE = FUNCTION_ERRORS.storeUnavailable.name;

/** An AWS SDK error or a network failure (a programming error is not retried as if the store were down). */
const isServiceError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  ('$metadata' in error ||
    /Timeout|ECONN|socket/i.test(String((error as Error).name) + String((error as Error).message)));

/**
 * The message store client's limits: a call that takes longer than `requestTimeout` is abandoned and tried again
 * (the SDK's standard retries, `maxAttempts` in all), well inside the Decide and Record tasks' 8 s. The SDK's
 * HTTP handler only warns at `requestTimeout` unless `throwOnRequestTimeout` is set (@smithy/node-http-handler 4.x):
 * without it one slow call held the whole invocation until the task timed out. The local store stand-in
 * (local/stand-ins/dynamodb.ts) plays a slow call against the same figures.
 */
export const STORE_CLIENT_LIMITS = {
  maxAttempts: 3,
  requestHandler: { requestTimeout: 2000, connectionTimeout: 1000, throwOnRequestTimeout: true },
} as const;

/** The message store's client: short timeouts and the SDK's standard retries (a slow call is tried again). */
export function storeClient(client?: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    client ??
      new DynamoDBClient({
        maxAttempts: STORE_CLIENT_LIMITS.maxAttempts,
        requestHandler: { ...STORE_CLIENT_LIMITS.requestHandler },
      }),
    { marshallOptions: { removeUndefinedValues: true } }
  );
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const text = env[DELIVERY_CONFIG_ENV];
  if (!text) throw new Error(`${DELIVERY_CONFIG_ENV} is not set`);
  return JSON.parse(text) as DeliveryConfig;
}

export interface DeliveryHandlerOptions {
  readonly deps?: Partial<DeliveryDeps>;
  readonly logger?: Logger;
}

let defaults: { deps: DeliveryDeps; logger: Logger } | undefined;

function resolve(options: DeliveryHandlerOptions): { deps: DeliveryDeps; logger: Logger } {
  if (options.deps?.config && options.deps.store) {
    return {
      deps: { now: Date.now, random: Math.random, ...options.deps } as DeliveryDeps,
      logger: options.logger ?? createLogger(),
    };
  }
  if (!defaults) {
    const config = configFromEnvironment();
    defaults = {
      deps: {
        config,
        store: new DeliveryStore(storeClient(), config.tableName),
        now: Date.now,
        random: Math.random,
      },
      logger: createLogger(),
    };
  }
  return { deps: { ...defaults.deps, ...options.deps }, logger: options.logger ?? defaults.logger };
}

/** Builds a handler; the deployed one reads everything from the environment. */
export function deliveryHandler(options: DeliveryHandlerOptions = {}) {
  return async (input: DeliveryInput): Promise<Decision> => {
    const { deps, logger } = resolve(options);
    let result: Awaited<ReturnType<typeof deliver>>;
    try {
      result = await deliver(input, deps);
    } catch (error) {
      if (!isServiceError(error)) throw error;
      const name = (error as Error).name ?? 'Error';
      logger.warn('store unavailable', {
        operation: input.operation,
        error: name,
        deliveryExecution: input.executionArn,
      });
      const wrapped = new Error(`the message store did not answer (${name}); the step is retried`);
      wrapped.name = STORE_UNAVAILABLE;
      throw wrapped;
    }
    const { decision, watched } = result;
    logger.info(decision.action, {
      operation: input.operation,
      action: decision.action,
      reason: decision.reason,
      waitSeconds: decision.waitSeconds,
      deliveryExecution: input.executionArn,
      watchedExecution: watched,
    });
    return decision;
  };
}

export const handler = deliveryHandler();
