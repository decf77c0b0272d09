import { QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_AWS_SDK,
  DYNAMODB_OPTIMIZED,
  fromSdkError,
  type ServiceErrorStyle,
  StatesError,
  serviceTaskError,
} from '../../../local/asl/index.js';

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
    const style: ServiceErrorStyle = { ...DYNAMODB_AWS_SDK, errorPrefix: 'SQS', serviceName: 'Sqs' };
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
