import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_CLIENT_LIMITS } from '../../../formatters/delivery/handler.js';

describe('the delivery function’s store client', () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    // A store that takes the request and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up on a call that outlasts its request timeout (the SDK only warns unless told to throw), then retries', async () => {
    // The deployed limits with a 50 ms request timeout instead of 2 s, to keep the test fast.
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: STORE_CLIENT_LIMITS.maxAttempts,
      requestHandler: { ...STORE_CLIENT_LIMITS.requestHandler, requestTimeout: 50 },
    });
    try {
      const call = client.send(new GetItemCommand({ TableName: 'store', Key: { pk: { S: 'a' } } }));
      await expect(call).rejects.toMatchObject({
        name: 'TimeoutError',
        $metadata: { attempts: STORE_CLIENT_LIMITS.maxAttempts },
      });
    } finally {
      client.destroy();
    }
  }, 5_000);
});
