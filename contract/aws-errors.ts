/**
 * Every error name a state machine file of this project may put in a `Retry` or `Catch`, each with where it comes
 * from: an AWS documentation page or an AWS recording (`../shared/fixtures/aws/sfn-integrations`, recorded against
 * real AWS by LocalStack's parity tests). A name AWS never raises makes a retrier that never fires, so
 * `test/statemachines/error-names.test.ts` refuses any other name in any definition, and the local stand-ins
 * raise exactly these names. Pure data (no AWS SDK).
 */
import { SFN_INTEGRATION_ERRORS } from './sfn-errors.js';

/** Where a name comes from: a documentation page's URL, or `rec:<file>` for an AWS recording. */
export interface ErrorNameSource {
  readonly name: string;
  readonly source: string;
}

const ERROR_HANDLING = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const HTTP_TASK = 'https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html';
const DYNAMODB = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html';
const LAMBDA_BEST_PRACTICE =
  'https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html';
const AWS_SDK_NAMING = 'https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html';
const SCHEDULER_ERRORS = 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html';

/** Step Functions' own errors (`States.*`). */
export const STATES_ERRORS = {
  all: { name: 'States.ALL', source: ERROR_HANDLING },
  timeout: { name: 'States.Timeout', source: ERROR_HANDLING },
  taskFailed: { name: 'States.TaskFailed', source: ERROR_HANDLING },
  dataLimitExceeded: { name: 'States.DataLimitExceeded', source: `${ERROR_HANDLING}; rec:errors.json` },
  httpSocket: { name: 'States.Http.Socket', source: HTTP_TASK },
} as const satisfies Record<string, ErrorNameSource>;

/**
 * The HTTP Task's non-2xx answer: `States.Http.StatusCode.<NNN>` (HTTP_TASK). Only the codes Slack's Web API and
 * incoming webhooks answer with are listed.
 */
export const HTTP_STATUS_CODES = [400, 401, 403, 404, 410, 429, 500, 502, 503, 504] as const;
export const httpStatusError = (code: (typeof HTTP_STATUS_CODES)[number]): string =>
  `States.Http.StatusCode.${code}`;

/**
 * The optimized DynamoDB integration (`arn:aws:states:::dynamodb:*`): `DynamoDB.` + the AWS SDK for Java v1
 * exception class, with its `Exception` suffix; a code without such a class (throttling, validation) arrives as
 * `DynamoDB.AmazonDynamoDBException` (rec:dynamodb.json records it for a ValidationException).
 */
export const DYNAMODB_ERRORS = {
  conditionalCheckFailed: { name: 'DynamoDB.ConditionalCheckFailedException', source: DYNAMODB },
  provisionedThroughputExceeded: {
    name: 'DynamoDB.ProvisionedThroughputExceededException',
    source: DYNAMODB,
  },
  requestLimitExceeded: { name: 'DynamoDB.RequestLimitExceededException', source: DYNAMODB },
  internalServerError: { name: 'DynamoDB.InternalServerErrorException', source: DYNAMODB },
  resourceNotFound: { name: 'DynamoDB.ResourceNotFoundException', source: `${DYNAMODB}; rec:dynamodb.json` },
  generic: { name: 'DynamoDB.AmazonDynamoDBException', source: 'rec:dynamodb.json' },
} as const satisfies Record<string, ErrorNameSource>;

/** The optimized Lambda integration (`arn:aws:states:::lambda:invoke`): the transient errors AWS says to retry. */
export const LAMBDA_ERRORS = {
  service: { name: 'Lambda.ServiceException', source: LAMBDA_BEST_PRACTICE },
  aws: { name: 'Lambda.AWSLambdaException', source: LAMBDA_BEST_PRACTICE },
  sdkClient: { name: 'Lambda.SdkClientException', source: LAMBDA_BEST_PRACTICE },
  tooManyRequests: { name: 'Lambda.TooManyRequestsException', source: LAMBDA_BEST_PRACTICE },
  resourceNotFound: { name: 'Lambda.ResourceNotFoundException', source: 'rec:lambda.json' },
} as const satisfies Record<string, ErrorNameSource>;

/** The optimized SQS integration (`arn:aws:states:::sqs:sendMessage`), both recorded (rec:sqs.json). */
export const SQS_ERRORS = {
  service: { name: 'SQS.AmazonSQSException', source: 'rec:sqs.json' },
  client: { name: 'SQS.SdkClientException', source: 'rec:sqs.json' },
} as const satisfies Record<string, ErrorNameSource>;

const SEND_MESSAGE_BATCH =
  'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html';

/**
 * The aws-sdk integration for SQS (`arn:aws:states:::aws-sdk:sqs:sendMessageBatch`, the notifier's Enqueue):
 * `Sqs.` + the API reference's error name (AWS_SDK_NAMING: the service name as the SDK spells it, the exception
 * with its `Exception` suffix); `Sqs.SqsException` is the SDK's base exception, what a code the model does not
 * define (an internal error) arrives as. RequestThrottled is listed under SendMessageBatch's errors.
 */
export const SQS_SDK_ERRORS = {
  service: { name: 'Sqs.SqsException', source: AWS_SDK_NAMING },
  throttled: { name: 'Sqs.RequestThrottledException', source: `${AWS_SDK_NAMING}; ${SEND_MESSAGE_BATCH}` },
} as const satisfies Record<string, ErrorNameSource>;

/**
 * The aws-sdk integration for EventBridge Scheduler (`arn:aws:states:::aws-sdk:scheduler:*`): `Scheduler.` + the
 * API reference's error name (AWS_SDK_NAMING); CreateSchedule's errors are listed on its API page, and throttling
 * of CreateSchedule is reported as ServiceQuotaExceededException (reference/aws-facts.md §10.6).
 */
export const SCHEDULER_ERRORS_BY_KEY = {
  conflict: { name: 'Scheduler.ConflictException', source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}` },
  throttling: { name: 'Scheduler.ThrottlingException', source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}` },
  internal: { name: 'Scheduler.InternalServerException', source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}` },
  quota: {
    name: 'Scheduler.ServiceQuotaExceededException',
    source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}`,
  },
  validation: { name: 'Scheduler.ValidationException', source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}` },
  accessDenied: { name: 'Scheduler.AccessDeniedException', source: `${AWS_SDK_NAMING}; ${SCHEDULER_ERRORS}` },
} as const satisfies Record<string, ErrorNameSource>;

/**
 * Errors the project's own Lambda functions raise on purpose: a Lambda Task fails with the function's `errorType`
 * (the thrown error's `name`) as its error name (LAMBDA_NODE_ERRORS; ERROR_HANDLING "Lambda function errors").
 */
const LAMBDA_NODE_ERRORS = 'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html';
export const FUNCTION_ERRORS = {
  /** The delivery function's message store did not answer after the SDK's retries (formatters/delivery). */
  storeUnavailable: { name: 'Delivery.StoreUnavailable', source: LAMBDA_NODE_ERRORS },
} as const satisfies Record<string, ErrorNameSource>;

/** Every `Sfn.*` name the aws-sdk Step Functions integration raises (contract/sfn-errors.ts; rec:sfn-sdk.json). */
export const SFN_ERRORS: readonly ErrorNameSource[] = SFN_INTEGRATION_ERRORS.map((name) => ({
  name,
  source: `${AWS_SDK_NAMING}; rec:sfn-sdk.json`,
}));

/** The one list: every name a `Retry` or `Catch` in `statemachines/` may use. */
export const ERROR_NAME_SOURCES: readonly ErrorNameSource[] = [
  ...Object.values(STATES_ERRORS),
  ...HTTP_STATUS_CODES.map((code) => ({ name: httpStatusError(code), source: HTTP_TASK })),
  ...Object.values(DYNAMODB_ERRORS),
  ...Object.values(LAMBDA_ERRORS),
  ...Object.values(SQS_ERRORS),
  ...Object.values(SQS_SDK_ERRORS),
  ...Object.values(SCHEDULER_ERRORS_BY_KEY),
  ...Object.values(FUNCTION_ERRORS),
  ...SFN_ERRORS,
];

/** The names alone. */
export const KNOWN_ERROR_NAMES: ReadonlySet<string> = new Set(ERROR_NAME_SOURCES.map(({ name }) => name));

/** The transient Lambda invoke errors, as one retrier's `ErrorEquals`. */
export const LAMBDA_TRANSIENT = Object.values(LAMBDA_ERRORS)
  .filter(({ name }) => name !== LAMBDA_ERRORS.resourceNotFound.name)
  .map(({ name }) => name);

/** The transient optimized-DynamoDB errors, as one retrier's `ErrorEquals`. */
export const DYNAMODB_TRANSIENT = [
  DYNAMODB_ERRORS.provisionedThroughputExceeded.name,
  DYNAMODB_ERRORS.requestLimitExceeded.name,
  DYNAMODB_ERRORS.internalServerError.name,
  DYNAMODB_ERRORS.generic.name,
];
