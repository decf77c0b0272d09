/**
 * The optimized DynamoDB integrations (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`) on a
 * real DynamoDB-API server in process: dynalite (LevelDB in memory) behind the real `@aws-sdk/client-dynamodb`
 * client, so condition and update expressions are evaluated by a DynamoDB implementation, not by this file.
 *
 * Results and errors are shaped as Step Functions reports them (recorded against AWS): the API response plus
 * `SdkHttpMetadata` and `SdkResponseMetadata`; a failure `DynamoDB.<ErrorCode>` (validation errors are
 * `DynamoDB.AmazonDynamoDBException`) with the cause `<message> (Service: AmazonDynamoDBv2; Status Code: 400;
 * Error Code: <code>; Request ID: <id>; Proxy: null)`.
 *
 * Faults (scenario `store` steps, the fault matrix): the next requests to the table are throttled
 * (`ProvisionedThroughputExceededException`, HTTP 400), fail (`InternalServerError`, HTTP 500) or are slow, as
 * DynamoDB answers them, for every client of the table: the SDK's own retries see each failed attempt. TTL
 * (`expire`): DynamoDB deletes an item whose `expiresAt` has passed; the local table does so when asked (a scenario
 * `advance` step), at once, the harshest case of DynamoDB's "within a few days".
 */
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  type PutItemCommandInput,
  ScanCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { STORE_TTL_ATTRIBUTE } from '../../contract/message-store.js';
import { DYNAMODB_OPTIMIZED, type StatesError, serviceTaskError } from '../asl/index.js';
import { FaultQueue, type QueuedFault } from './fault-queue.js';

/** How the store fails (scenario `store.fail`). */
export const STORE_FAILURES = ['throttled', 'internal_error', 'slow'] as const;
export type StoreFailure = (typeof STORE_FAILURES)[number];

/** The next `count` requests to the table fail that way (with `every`, only every `every`-th request counts). */
export interface StoreFault extends QueuedFault<StoreFailure> {
  /** `slow`: how long each request takes, seconds. */
  readonly seconds?: number;
}

/** A client of the local table, configured like one on AWS. */
export interface LocalStoreClientOptions {
  /** @default 1 */
  readonly maxAttempts?: number;
  /**
   * The client gives up on a request after this long (and retries it, within `maxAttempts`): a slow request fails
   * with the SDK's `TimeoutError` at this point. @default - none: the request takes as long as it takes
   */
  readonly requestTimeoutMs?: number;
}

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
  /** The next requests fail (or are slow) as DynamoDB would have them; faults queue one after another. */
  injectFault(fault: StoreFault): void;
  /** Ends every injected fault. */
  clearFaults(): void;
  /** Requests that an injected fault answered, by kind. */
  faultsServed(): Readonly<Record<StoreFailure, number>>;
  /** TTL: deletes every item whose `expiresAt` (epoch seconds) is at or before `nowMs`; returns how many. */
  expire(nowMs: number): Promise<number>;
  /** Another client of the table (its own retries and request timeout), faults included. */
  newClient(options?: LocalStoreClientOptions): DynamoDBClient;
  /** Every client of the table so far (`client` first), e.g. to measure what each request costs. */
  clients(): readonly DynamoDBClient[];
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
  /** What a slow request sleeps on (the pipeline's clock). @default real time */
  readonly clock?: { now(): number; sleep(ms: number): Promise<void> };
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
  const faults = new StoreFaults(
    options.clock ?? {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }
  );
  const clients: DynamoDBClient[] = [];
  const connect = (maxAttempts: number) =>
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      // dynalite checks nothing; the client needs some credentials to sign with.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
      ...(maxAttempts > 1 ? { retryStrategy: retriesOnClock(maxAttempts, faults.clock) } : {}),
    });
  const newClient = (clientOptions: LocalStoreClientOptions = {}): DynamoDBClient => {
    const made = connect(clientOptions.maxAttempts ?? 1);
    faults.attach(made, clientOptions.requestTimeoutMs);
    clients.push(made);
    return made;
  };
  const client = newClient();
  // The table's own bookkeeping (creation, scans, TTL deletes) meets no fault and is not one of `clients()`.
  const admin = connect(1);
  await createLocalTable(admin, options.tableName, options.key);

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

  const items = async (): Promise<Record<string, unknown>[]> => {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await admin.send(
        new ScanCommand({
          TableName: options.tableName,
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        })
      );
      out.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (start);
    return out;
  };

  return {
    client,
    tableName: options.tableName,
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    requestsByOperation: () => ({ ...byOperation }),
    handlers,
    items,
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    faultsServed: () => faults.served(),
    async expire(nowMs) {
      let deleted = 0;
      for (const item of await items()) {
        const expiresAt = (item[STORE_TTL_ATTRIBUTE] as { N?: string } | undefined)?.N;
        if (expiresAt === undefined || Number(expiresAt) * 1000 > nowMs) continue;
        const key: Record<string, unknown> = { [options.key.partition]: item[options.key.partition] };
        if (options.key.sort) key[options.key.sort] = item[options.key.sort];
        await admin.send(
          new DeleteItemCommand({ TableName: options.tableName, Key: key as DeleteItemCommandInput['Key'] })
        );
        deleted += 1;
      }
      return deleted;
    },
    newClient,
    clients: () => [...clients],
    async close() {
      admin.destroy();
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type RetryStrategy = Extract<
  Awaited<ReturnType<DynamoDBClient['config']['retryStrategy']>>,
  { refreshRetryTokenForRetry: unknown }
>;
interface Backoff {
  setDelayBase(ms: number): void;
  computeNextBackoffDelay(attempts: number): number;
}

/**
 * The SDK's standard retries (which errors, how many attempts, its backoff and retry quota), with the backoff slept
 * on the pipeline's clock instead of real time: the standard strategy's backoff answers 0 to the SDK (which then
 * sleeps 0 ms) and its delay is slept on `clock`. Where the SDK keeps its backoff elsewhere, the delay stays real.
 */
function retriesOnClock(maxAttempts: number, clock: { sleep(ms: number): Promise<void> }): RetryStrategy {
  const standard = new DynamoDBClient({ maxAttempts }).config.retryStrategy() as Promise<RetryStrategy>;
  let resolved: RetryStrategy | undefined;
  let owed = 0;
  const resolve = async (): Promise<RetryStrategy> => {
    if (resolved) return resolved;
    resolved = await standard;
    const holder = resolved as unknown as { retryBackoffStrategy?: Backoff };
    const backoff = holder.retryBackoffStrategy;
    if (backoff && typeof backoff.computeNextBackoffDelay === 'function') {
      holder.retryBackoffStrategy = {
        setDelayBase: (ms) => backoff.setDelayBase(ms),
        computeNextBackoffDelay: (attempts) => {
          owed = backoff.computeNextBackoffDelay(attempts);
          return 0;
        },
      };
    }
    return resolved;
  };
  return {
    async acquireInitialRetryToken(scope) {
      return (await resolve()).acquireInitialRetryToken(scope);
    },
    async refreshRetryTokenForRetry(token, errorInfo) {
      owed = 0;
      const next = await (await resolve()).refreshRetryTokenForRetry(token, errorInfo);
      await clock.sleep(owed);
      return next;
    },
    recordSuccess(token) {
      resolved?.recordSuccess(token);
    },
  } as RetryStrategy;
}

/**
 * The injected faults, shared by every client of the table: a middleware on each client, inside the SDK's retries
 * (each attempt is one request to the table), answers with the error DynamoDB would send, built by the SDK's own
 * exception classes, so the SDK classifies and retries it as it would on AWS.
 */
class StoreFaults {
  private readonly faults: FaultQueue<StoreFault>;

  constructor(readonly clock: { now(): number; sleep(ms: number): Promise<void> }) {
    this.faults = new FaultQueue<StoreFault>(clock, STORE_FAILURES);
  }

  inject(fault: StoreFault): void {
    this.faults.inject(fault);
  }

  clear(): void {
    this.faults.clear();
  }

  served(): Readonly<Record<StoreFailure, number>> {
    return { ...this.faults.served };
  }

  attach(client: DynamoDBClient, requestTimeoutMs: number | undefined): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const fault = this.faults.take();
        if (!fault) return next(args);
        const $metadata = { requestId: 'local-fault', attempts: 1, totalRetryDelay: 0 };
        if (fault.fail === 'throttled') {
          throw new ProvisionedThroughputExceededException({
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
            $metadata: { ...$metadata, httpStatusCode: 400 },
          });
        }
        if (fault.fail === 'internal_error') {
          throw new InternalServerError({
            message: 'Internal server error',
            $metadata: { ...$metadata, httpStatusCode: 500 },
          });
        }
        const slowMs = (fault.seconds ?? 0) * 1000;
        if (requestTimeoutMs !== undefined && slowMs > requestTimeoutMs) {
          // The client gives up at its request timeout, as @smithy/node-http-handler does with
          // throwOnRequestTimeout (a transient error: the SDK tries again).
          await this.clock.sleep(requestTimeoutMs);
          throw Object.assign(
            new Error(
              `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${requestTimeoutMs} ms requestTimeout.`
            ),
            { name: 'TimeoutError', code: 'ETIMEDOUT' }
          );
        }
        await this.clock.sleep(slowMs);
        return next(args);
      },
      { step: 'deserialize', name: 'localStoreFaults', priority: 'high' }
    );
  }
}
