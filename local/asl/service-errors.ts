import { StatesError } from './errors.js';

/**
 * How Step Functions names a service integration's errors. Recorded on AWS (see
 * `../shared/fixtures/aws/sfn-integrations/README.md`): the optimized DynamoDB integration fails with
 * `DynamoDB.ResourceNotFoundException` and the cause `Requested resource not found (Service: AmazonDynamoDBv2;
 * Status Code: 400; Error Code: ResourceNotFoundException; Request ID: …; Proxy: null)`, the aws-sdk one with
 * `DynamoDb.ResourceNotFoundException` and `… (Service: DynamoDb, Status Code: 400, Request ID: …)`; a
 * ValidationException comes out under the service's generic exception name in both.
 */
export interface ServiceErrorStyle {
  /** `DynamoDB` (optimized) or `DynamoDb` (aws-sdk): the part before the dot in the error name. */
  readonly errorPrefix: string;
  /** The service name inside the cause's parentheses. */
  readonly serviceName: string;
  /** `optimized`: `(Service: X; Status Code: N; Error Code: C; Request ID: R; Proxy: null)`; `aws-sdk`: `(Service: X, Status Code: N, Request ID: R)`. */
  readonly causeFormat: 'optimized' | 'aws-sdk';
  /** The name AWS reports for an error code the integration has no own exception for. */
  readonly genericException: string;
  /**
   * The error codes the integration raises under their own name; every other code (throttling, validation, access
   * denied, a client's own timeout) is reported under `genericException`.
   */
  readonly ownCodes: readonly string[];
}

/**
 * The optimized DynamoDB integration names an error after the AWS SDK for Java v1 exception class
 * (contract/aws-errors.ts); these are the classes a table call can raise.
 */
const DYNAMODB_JAVA_EXCEPTION_CLASSES = [
  'ConditionalCheckFailedException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceededException',
  'InternalServerErrorException',
  'ResourceNotFoundException',
  'ItemCollectionSizeLimitExceededException',
  'TransactionConflictException',
] as const;

/** `arn:aws:states:::dynamodb:*` */
export const DYNAMODB_OPTIMIZED: ServiceErrorStyle = {
  errorPrefix: 'DynamoDB',
  serviceName: 'AmazonDynamoDBv2',
  causeFormat: 'optimized',
  genericException: 'AmazonDynamoDBException',
  ownCodes: DYNAMODB_JAVA_EXCEPTION_CLASSES,
};

/** `arn:aws:states:::aws-sdk:dynamodb:*` */
export const DYNAMODB_AWS_SDK: ServiceErrorStyle = {
  errorPrefix: 'DynamoDb',
  serviceName: 'DynamoDb',
  causeFormat: 'aws-sdk',
  genericException: 'DynamoDbException',
  ownCodes: DYNAMODB_JAVA_EXCEPTION_CLASSES,
};

export interface ServiceFailure {
  /** The service's error code, e.g. `ConditionalCheckFailedException`. */
  readonly code: string;
  /** The service's message, e.g. `The conditional request failed`. */
  readonly message: string;
  /** @default 400 */
  readonly statusCode?: number;
  /** @default 'local' */
  readonly requestId?: string;
}

/** The StatesError a task fails with when its service answers with an error, named and worded as AWS does. */
export function serviceTaskError(style: ServiceErrorStyle, failure: ServiceFailure): StatesError {
  const { code, message, statusCode = 400, requestId = 'local' } = failure;
  const name = style.ownCodes.includes(code) ? code : style.genericException;
  const cause =
    style.causeFormat === 'optimized'
      ? `${message} (Service: ${style.serviceName}; Status Code: ${statusCode}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`
      : `${message} (Service: ${style.serviceName}, Status Code: ${statusCode}, Request ID: ${requestId})`;
  return new StatesError(`${style.errorPrefix}.${name}`, cause);
}

/**
 * Turns an error thrown by an AWS SDK v3 client (its `name` is the error code, `$metadata` holds the HTTP
 * status and request id) into the task error AWS would record. Anything else is returned unchanged.
 */
export function fromSdkError(style: ServiceErrorStyle, thrown: unknown): unknown {
  if (!(thrown instanceof Error) || !('$metadata' in thrown)) return thrown;
  const metadata =
    (thrown as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata ?? {};
  const failure: ServiceFailure = { code: thrown.name, message: thrown.message };
  return serviceTaskError(style, {
    ...failure,
    ...(metadata.httpStatusCode === undefined ? {} : { statusCode: metadata.httpStatusCode }),
    ...(metadata.requestId === undefined ? {} : { requestId: metadata.requestId }),
  });
}

/**
 * The style AWS names a resource's service errors in, for the integrations this module knows; the runner uses
 * it to name an AWS SDK error a handler lets through (a stand-in calling dynalite, say) as AWS would.
 */
export function serviceErrorStyleFor(resource: string): ServiceErrorStyle | undefined {
  if (/^arn:[^:]+:states:::dynamodb:/.test(resource)) return DYNAMODB_OPTIMIZED;
  if (/^arn:[^:]+:states:::aws-sdk:dynamodb:/.test(resource)) return DYNAMODB_AWS_SDK;
  return undefined;
}
