/**
 * The delivery function (formatters/delivery/handler.ts) as the local runner's `lambda:invoke` target: the real
 * handler in process, its store client on the local DynamoDB (dynalite), its clock the caller's. Quiet unless
 * POWERTOOLS_LOG_LEVEL asks for its log lines.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DeliveryConfigInput, deliveryConfig } from '../../contract/delivery.js';
import { deliveryHandler, storeClient } from '../../formatters/delivery/handler.js';
import { DeliveryStore } from '../../formatters/delivery/store.js';
import { lambdaInvokeHandler } from './lambda.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

export interface LocalDeliveryFunction {
  /** The function's ARN, for the definition's `${DeliveryFunctionArn}`. */
  readonly arn: string;
  /** The `lambda:invoke` resource handler. */
  readonly resources: Record<string, (task: { arguments: unknown }) => Promise<unknown>>;
}

export function localDeliveryFunction(options: {
  readonly arn: string;
  readonly dynamodb: DynamoDBClient;
  readonly config: DeliveryConfigInput;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
}): LocalDeliveryFunction {
  const config = deliveryConfig(options.config);
  const handler = deliveryHandler({
    deps: {
      config,
      store: new DeliveryStore(storeClient(options.dynamodb), config.tableName),
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    },
    logger: new Logger({
      serviceName: 'sfn-slack-delivery-local',
      logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'SILENT',
    }),
  });
  return {
    arn: options.arn,
    resources: {
      [LAMBDA_INVOKE]: lambdaInvokeHandler({ [options.arn]: handler as (p: never) => Promise<unknown> }),
    },
  };
}
