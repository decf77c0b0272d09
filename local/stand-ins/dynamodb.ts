/**
 * The optimized DynamoDB integrations (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`) on a
 * real DynamoDB-API server in process: dynalite (LevelDB in memory) behind the real `@aws-sdk/client-dynamodb`
 * client, so condition and update expressions are evaluated by a DynamoDB implementation, not by this file.
 *
 * Results and errors are shaped as Step Functions reports them (recorded against AWS): the API response plus
 * `SdkHttpMetadata` and `SdkResponseMetadata`; a failure `DynamoDB.<ErrorCode>` (validation errors are
 * `DynamoDB.AmazonDynamoDBException`) with the cause `<message> (Service: AmazonDynamoDBv2; Status Code: 400;
 * Error Code: <code>; Request ID: <id>; Proxy: null)`.
 */
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  ScanCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DYNAMODB_OPTIMIZED, type StatesError, serviceTaskError } from '../asl/index.js';

export const dynamoDbResources = {
  getItem: 'arn:aws:states:::dynamodb:getItem',
  putItem: 'arn:aws:states:::dynamodb:putItem',
  updateItem: 'arn:aws:states:::dynamodb:updateItem',
  deleteItem: 'arn:aws:states:::dynamodb:deleteItem',
} as const;

export interface LocalTableKey {
  readonly partition: string;
  readonly sort?: string;
}

/** Creates an on-demand table with this key (string attributes), as the stack deploys the store. */
export async function createLocalTable(
  client: DynamoDBClient,
  tableName: string,
  { partition, sort }: LocalTableKey
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partition, AttributeType: 'S' },
        ...(sort ? [{ AttributeName: sort, AttributeType: 'S' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: partition, KeyType: 'HASH' },
        ...(sort ? [{ AttributeName: sort, KeyType: 'RANGE' as const }] : []),
      ],
    })
  );
}

/** A local DynamoDB endpoint with one table, and the task handlers that use it. */
export interface LocalDynamoDb {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The server's URL, for an SDK client in another process (`AWS_ENDPOINT_URL_DYNAMODB`). */
  readonly endpoint: string;
  /** Requests the server has received (table creation included): proves which paths made no DynamoDB call. */
  requestCount(): number;
  /** Requests by operation (`GetItem`, `UpdateItem`, …, from the `x-amz-target` header): what a path costs. */
  requestsByOperation(): Readonly<Record<string, number>>;
  /** Resource ARN → handler, for the runner's `resources`. */
  readonly handlers: Record<string, (task: { arguments: unknown }) => Promise<unknown>>;
  /** Every item of the table (for tests and reports). */
  items(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** What Step Functions adds to every optimized DynamoDB result. */
function sdkMetadata(requestId: string, bodyLength: number): Record<string, unknown> {
  const headers = {
    'Content-Length': String(bodyLength),
    'Content-Type': 'application/x-amz-json-1.0',
    'x-amzn-RequestId': requestId,
  };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** The SDK's error as the optimized integration names it. */
function toStatesError(error: unknown): StatesError {
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const code = e.name ?? 'UnknownError';
  return serviceTaskError(DYNAMODB_OPTIMIZED, {
    code,
    message: e.message ?? code,
    statusCode: e.$metadata?.httpStatusCode ?? 400,
    requestId: e.$metadata?.requestId ?? 'local',
  });
}

/**
 * dynalite, loaded when the local pipeline first needs it. It is an optional peer dependency of the package: a CDK
 * app that installs sfn-slack-notifier for the construct does not get it (nor its native LevelDB module); the
 * local runner (`sfn-slack start`) asks for it by name.
 */
export async function loadDynalite(
  load: () => Promise<{ default: typeof import('dynalite').default }> = () => import('dynalite')
): Promise<typeof import('dynalite').default> {
  try {
    return (await load()).default;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingLocalDependency(
        'the local pipeline keeps its message store in dynalite, which is not installed: run `npm i -D dynalite@^4` in this project (the construct itself does not need it)'
      );
    }
    throw error;
  }
}

/** An optional dependency the local runner needs is missing; the CLI prints the message as one line, exit 2. */
export class MissingLocalDependency extends Error {
  override readonly name = 'MissingLocalDependency';
}

/** Starts dynalite on an ephemeral localhost port and creates the table (on-demand, as deployed). */
export async function startLocalDynamoDb(options: {
  readonly tableName: string;
  readonly key: LocalTableKey;
}): Promise<LocalDynamoDb> {
  const dynalite = await loadDynalite();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Node closes a keep-alive socket idle for 5 s (real time) while the client may pick it for its next request:
  // that request fails with ECONNRESET (`DynamoDB.TimeoutError`), a race of the local wiring that the service
  // integration on AWS does not have (it retries its own connection errors). Idle sockets stay open instead;
  // close() destroys the client's sockets first.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let requests = 0;
  const byOperation: Record<string, number> = {};
  server.on('request', (request: { headers: Record<string, string | string[] | undefined> }) => {
    requests += 1;
    const target = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    if (target) byOperation[target] = (byOperation[target] ?? 0) + 1;
  });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    // dynalite checks nothing; the client needs some credentials to sign with.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await createLocalTable(client, options.tableName, options.key);

  const call = async (send: () => Promise<object>): Promise<unknown> => {
    let response: object;
    try {
      response = await send();
    } catch (error) {
      throw toStatesError(error);
    }
    const { $metadata, ...body } = response as { $metadata?: { requestId?: string } };
    return { ...body, ...sdkMetadata($metadata?.requestId ?? 'local', JSON.stringify(body).length) };
  };
  const args = (task: { arguments: unknown }) => (task.arguments ?? {}) as Record<string, unknown>;

  const handlers = {
    [dynamoDbResources.getItem]: (task: { arguments: unknown }) =>
      call(() => client.send(new GetItemCommand(args(task) as unknown as GetItemCommandInput))),
    [dynamoDbResources.putItem]: (task: { arguments: unknown }) =>
      call(() => client.send(new PutItemCommand(args(task) as unknown as PutItemCommandInput))),
    [dynamoDbResources.updateItem]: (task: { arguments: unknown }) =>
      call(() => client.send(new UpdateItemCommand(args(task) as unknown as UpdateItemCommandInput))),
    [dynamoDbResources.deleteItem]: (task: { arguments: unknown }) =>
      call(() => client.send(new DeleteItemCommand(args(task) as unknown as DeleteItemCommandInput))),
  };

  return {
    client,
    tableName: options.tableName,
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    requestsByOperation: () => ({ ...byOperation }),
    handlers,
    async items() {
      const out: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: options.tableName,
            ...(start ? { ExclusiveStartKey: start as never } : {}),
          })
        );
        out.push(...((page.Items ?? []) as Record<string, unknown>[]));
        start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
      } while (start);
      return out;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
