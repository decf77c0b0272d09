/** The optimized DynamoDB integrations on dynalite, and EventBridge Scheduler one-time schedules on a clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/asl/index.js';
import { FifoQueue } from '../../local/queue/index.js';
import { dynamoDbResources, type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';
import { LocalScheduler } from '../../local/stand-ins/scheduler.js';

describe('DynamoDB stand-in (dynalite behind the real SDK client)', () => {
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startLocalDynamoDb({ tableName: 'messages', key: { partition: 'pk', sort: 'sk' } });
  });
  afterAll(async () => {
    await db.close();
  });
  const task = (resource: string, args: unknown) => db.handlers[resource]?.({ arguments: args });
  const Key = { pk: { S: 'C1' }, sk: { S: 'arn:1' } };

  it('answers as the optimized integration does: the API response plus SdkHttpMetadata and SdkResponseMetadata', async () => {
    const put = (await task(dynamoDbResources.putItem, {
      TableName: 'messages',
      Item: { ...Key, n: { N: '1' } },
    })) as Record<string, unknown>;
    expect(put).toMatchObject({
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    const got = await task(dynamoDbResources.getItem, { TableName: 'messages', Key, ConsistentRead: true });
    expect(got).toMatchObject({ Item: { ...Key, n: { N: '1' } } });
    const missing = (await task(dynamoDbResources.getItem, {
      TableName: 'messages',
      Key: { ...Key, sk: { S: 'x' } },
    })) as Record<string, unknown>;
    expect(missing.Item).toBeUndefined();
  });

  it('serves another process at its endpoint URL, and counts every request it receives', async () => {
    const before = db.requestCount();
    const response = await fetch(db.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20261130/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20261130T000000Z',
      },
      body: '{}',
    });
    expect(await response.json()).toMatchObject({ TableNames: ['messages'] });
    await task(dynamoDbResources.getItem, { TableName: 'messages', Key });
    expect(db.requestCount()).toBe(before + 2);
  });

  it('a failed condition is DynamoDB.ConditionalCheckFailedException with the service-style cause', async () => {
    const claim = {
      TableName: 'messages',
      Key,
      UpdateExpression: 'ADD #sent :ids',
      ConditionExpression: 'NOT contains(#sent, :id)',
      ExpressionAttributeNames: { '#sent': 'sent' },
      ExpressionAttributeValues: { ':ids': { SS: ['d1'] }, ':id': { S: 'd1' } },
    };
    await task(dynamoDbResources.updateItem, claim);
    await expect(task(dynamoDbResources.updateItem, claim)).rejects.toMatchObject({
      error: 'DynamoDB.ConditionalCheckFailedException',
      cause: expect.stringMatching(
        /\(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException;/
      ),
    });
  });

  it('a request DynamoDB refuses is DynamoDB.AmazonDynamoDBException; an unknown table ResourceNotFoundException', async () => {
    await expect(
      task(dynamoDbResources.getItem, { TableName: 'messages', Key: { pk: { S: 'C1' } } })
    ).rejects.toMatchObject({
      error: 'DynamoDB.AmazonDynamoDBException',
    });
    await expect(task(dynamoDbResources.getItem, { TableName: 'nope', Key })).rejects.toMatchObject({
      error: 'DynamoDB.ResourceNotFoundException',
    });
  });
});

describe('EventBridge Scheduler stand-in', () => {
  const clock = new VirtualClock(Date.UTC(2026, 10, 24, 2));
  const queue = new FifoQueue({ name: 'q.fifo', clock, contentBasedDeduplication: true });
  const scheduler = new LocalScheduler([queue], clock);
  const request = (name: string, at: string) => ({
    arguments: {
      Name: name,
      GroupName: 'g',
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: queue.arn,
        RoleArn: 'arn:aws:iam::1:role/r',
        Input: `{"n":"${name}"}`,
        SqsParameters: { MessageGroupId: 'C1' },
      },
    },
  });

  it('fires a one-time schedule on the clock, to the queue in its message group, then deletes it', async () => {
    await scheduler.handler(request('a', '2026-11-24T04:00:00'));
    expect(scheduler.fireDue()).toBe(0);
    await clock.sleep(2 * 3600 * 1000);
    expect(scheduler.fireDue()).toBe(1);
    const [message] = queue.receiveMessage(1);
    expect(message?.Body).toBe('{"n":"a"}');
    expect(message?.Attributes.MessageGroupId).toBe('C1');
    expect(scheduler.pending()).toEqual([]);
  });

  it('refuses a name already used in the group (ConflictException) and an expression that is not at(...)', async () => {
    await scheduler.handler(request('b', '2026-11-25T00:00:00'));
    await expect(scheduler.handler(request('b', '2026-11-25T00:00:00'))).rejects.toMatchObject({
      error: 'Scheduler.ConflictException',
    });
    await expect(scheduler.handler(request('c', 'rate(1 hour)'))).rejects.toMatchObject({
      error: 'Scheduler.ValidationException',
    });
  });

  it('refuses exactly the next `count` calls, one refusal after another, then creates again', async () => {
    const local = new LocalScheduler([queue], clock);
    local.refuse('throttled', 2);
    local.refuse('quota', 1);
    // A fault "always" on (the bench's million calls) costs nothing until it is met.
    local.refuse('access_denied', 1_000_000);
    const errors: string[] = [];
    for (const name of ['r1', 'r2', 'r3', 'r4']) {
      await local.handler(request(name, '2026-11-26T00:00:00')).catch((e: { error: string }) => {
        errors.push(e.error);
      });
    }
    expect(errors).toEqual([
      'Scheduler.ThrottlingException',
      'Scheduler.ThrottlingException',
      'Scheduler.ServiceQuotaExceededException',
      'Scheduler.AccessDeniedException',
    ]);
    expect(local.refused.map((r) => r.error)).toEqual(errors);
    const spent = new LocalScheduler([queue], clock);
    spent.refuse('quota', 1);
    await expect(spent.handler(request('s1', '2026-11-26T00:00:00'))).rejects.toMatchObject({
      error: 'Scheduler.ServiceQuotaExceededException',
    });
    await expect(spent.handler(request('s2', '2026-11-26T00:00:00'))).resolves.toMatchObject({
      ScheduleArn: expect.stringContaining('schedule/g/s2'),
    });
  });
});
