import { QueueDoesNotExist, SQSServiceException } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_AWS_SDK,
  DYNAMODB_OPTIMIZED,
  fromSdkError,
  runStateMachine,
  type ServiceErrorStyle,
  StatesError,
  serviceTaskError,
} from '../../../local/asl/index.js';
import { machine } from './helpers.js';

describe('service errors named as AWS names them', () => {
  // Recorded on AWS (sfn-integrations/dynamodb.json): the wording these styles must reproduce.
  it('optimized DynamoDB: DynamoDB.<code>, cause with Service AmazonDynamoDBv2 and the error code', () => {
    expect(
      serviceTaskError(DYNAMODB_OPTIMIZED, {
        code: 'ResourceNotFoundException',
        message: 'Requested resource not found',
        requestId: '<request_id>',
      })
    ).toEqual(
      new StatesError(
        'DynamoDB.ResourceNotFoundException',
        'Requested resource not found (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; Request ID: <request_id>; Proxy: null)'
      )
    );
    expect(
      serviceTaskError(DYNAMODB_OPTIMIZED, {
        code: 'ConditionalCheckFailedException',
        message: 'The conditional request failed',
      }).error
    ).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  it('a code without its own Java exception class (throttling, access denied) is the generic exception', () => {
    for (const code of ['ThrottlingException', 'AccessDeniedException']) {
      expect(serviceTaskError(DYNAMODB_OPTIMIZED, { code, message: 'm' }).error).toBe(
        'DynamoDB.AmazonDynamoDBException'
      );
    }
    expect(
      serviceTaskError(DYNAMODB_OPTIMIZED, { code: 'RequestLimitExceededException', message: 'm' }).error
    ).toBe('DynamoDB.RequestLimitExceededException');
  });

  it('a ValidationException comes out under the generic exception name, in both styles', () => {
    const failure = { code: 'ValidationException', message: 'bad', requestId: 'r' };
    expect(serviceTaskError(DYNAMODB_OPTIMIZED, failure).error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(serviceTaskError(DYNAMODB_AWS_SDK, failure)).toEqual(
      new StatesError(
        'DynamoDb.DynamoDbException',
        'bad (Service: DynamoDb, Status Code: 400, Request ID: r)'
      )
    );
  });

  it('reads the code, status and request id of an AWS SDK v3 error; leaves other errors alone', () => {
    const style: ServiceErrorStyle = {
      ...DYNAMODB_AWS_SDK,
      errorPrefix: 'SQS',
      serviceName: 'Sqs',
      ownCodes: ['QueueDoesNotExist'],
    };
    const sdkError = new QueueDoesNotExist({
      message: 'The specified queue does not exist.',
      $metadata: { httpStatusCode: 400, requestId: 'req-1' },
    });
    expect(fromSdkError(style, sdkError)).toEqual(
      new StatesError(
        'SQS.QueueDoesNotExist',
        'The specified queue does not exist. (Service: Sqs, Status Code: 400, Request ID: req-1)'
      )
    );
    const plain = new Error('no');
    expect(fromSdkError(style, plain)).toBe(plain);
  });
});

describe('an AWS SDK error a handler lets through', () => {
  // Any SDK v3 ServiceException carries the error code as `name` and the HTTP facts in `$metadata`.
  const conditionFailed = () =>
    new SQSServiceException({
      name: 'ConditionalCheckFailedException',
      $fault: 'client',
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400, requestId: 'req-9' },
    });
  const def = (resource: string) =>
    machine({
      Put: {
        Type: 'Task',
        Resource: resource,
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Output: '{% $states.errorOutput %}', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Succeed' },
    });

  it('is named as the optimized DynamoDB integration names it', async () => {
    const resource = 'arn:aws:states:::dynamodb:putItem';
    const result = await runStateMachine(
      def(resource),
      {},
      {
        resources: {
          [resource]: async () => {
            throw conditionFailed();
          },
        },
      }
    );
    expect(result.output).toEqual({
      Error: 'DynamoDB.ConditionalCheckFailedException',
      Cause:
        'The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: req-9; Proxy: null)',
    });
  });

  it('and as the aws-sdk integration names it', async () => {
    const resource = 'arn:aws:states:::aws-sdk:dynamodb:putItem';
    const result = await runStateMachine(
      def(resource),
      {},
      {
        resources: {
          [resource]: async () => {
            throw conditionFailed();
          },
        },
      }
    );
    expect(result.output).toEqual({
      Error: 'DynamoDb.ConditionalCheckFailedException',
      Cause: 'The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: req-9)',
    });
  });
});
