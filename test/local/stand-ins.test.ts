import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StatesError } from '../../local/asl/index.js';
import { FifoQueue } from '../../local/queue/index.js';
import { type SlackServer, startSlackServer } from '../../local/slack-server/index.js';
import {
  getExecutionHistoryHandler,
  liveHistorySource,
  readHistoryFile,
  recordedHistorySource,
  unavailableHistorySource,
} from '../../local/stand-ins/history.js';
import { httpInvokeHandler, redactUrl } from '../../local/stand-ins/http-invoke.js';
import { lambdaInvokeHandler } from '../../local/stand-ins/lambda.js';
import { sqsSendMessageHandler } from '../../local/stand-ins/sqs.js';
import { ssmGetParameterHandler } from '../../local/stand-ins/ssm.js';

const arn = 'arn:aws:states:eu-west-1:123456789012:execution:etl:run-1';
const events = Array.from({ length: 5 }, (_, i) => ({
  id: i + 1,
  previousEventId: i,
  timestamp: 1_795_485_600.5 + i,
  type: i === 0 ? 'ExecutionStarted' : 'PassStateEntered',
  ...(i === 0
    ? { executionStartedEventDetails: { input: '{"a":1}', roleArn: 'r' } }
    : { stateEnteredEventDetails: { name: `S${i}`, input: '{}' } }),
}));

async function rejection(promise: Promise<unknown>): Promise<StatesError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StatesError);
  return error as StatesError;
}

describe('getExecutionHistory stand-in', () => {
  it('pages by MaxResults with NextToken, in the integration shape (PascalCase, ISO timestamps)', async () => {
    const handler = getExecutionHistoryHandler(
      recordedHistorySource([{ events: events.slice(0, 2) }, { events: events.slice(2) }])
    );
    const first = (await handler({ arguments: { ExecutionArn: arn, MaxResults: 3 } })) as {
      Events: Record<string, unknown>[];
      NextToken?: string;
    };
    expect(first.Events.map((e) => e.Id)).toEqual([1, 2, 3]);
    expect(first.Events[0]).toMatchObject({
      Type: 'ExecutionStarted',
      PreviousEventId: 0,
      Timestamp: '2026-11-24T02:00:00.500Z',
      ExecutionStartedEventDetails: { Input: '{"a":1}', RoleArn: 'r' },
    });
    expect(first.NextToken).toEqual(expect.any(String));
    const second = (await handler({
      arguments: { ExecutionArn: arn, MaxResults: 3, NextToken: first.NextToken },
    })) as {
      Events: { Id: number }[];
      NextToken?: string;
    };
    expect(second.Events.map((e) => e.Id)).toEqual([4, 5]);
    expect(second.NextToken).toBeUndefined();
  });

  it('honours ReverseOrder and IncludeExecutionData false', async () => {
    const handler = getExecutionHistoryHandler(recordedHistorySource([{ events }]));
    const page = (await handler({
      arguments: { ExecutionArn: arn, ReverseOrder: true, IncludeExecutionData: false },
    })) as { Events: Record<string, Record<string, unknown>>[] };
    expect(page.Events.map((e) => e.Id)).toEqual([5, 4, 3, 2, 1]);
    expect(page.Events[0]?.StateEnteredEventDetails).toEqual({ Name: 'S4' });
    expect(page.Events[4]?.ExecutionStartedEventDetails).toEqual({ RoleArn: 'r' });
  });

  it('fails like the integration: unknown execution, bad token, unavailable history', async () => {
    const handler = getExecutionHistoryHandler(recordedHistorySource([{ events }], arn));
    expect((await rejection(handler({ arguments: { ExecutionArn: `${arn}x` } }))).error).toBe(
      'Sfn.ExecutionDoesNotExistException'
    );
    expect((await rejection(handler({ arguments: { ExecutionArn: arn, NextToken: '%%%' } }))).error).toBe(
      'Sfn.InvalidTokenException'
    );
    const gone = getExecutionHistoryHandler(unavailableHistorySource());
    expect((await rejection(gone({ arguments: { ExecutionArn: arn } }))).error).toBe(
      'Sfn.AccessDeniedException'
    );
  });

  it('reads a live execution through @aws-sdk/client-sfn (mocked at the AWS edge)', async () => {
    const sfn = mockClient(SFNClient);
    sfn.on(GetExecutionHistoryCommand, { executionArn: arn, maxResults: 2 }).resolves({
      events: [
        {
          id: 1,
          previousEventId: 0,
          type: 'ExecutionStarted',
          timestamp: new Date('2026-11-24T02:00:00.500Z'),
        },
      ],
      nextToken: 'n1',
    });
    const handler = getExecutionHistoryHandler(liveHistorySource(new SFNClient({ region: 'eu-west-1' })));
    const page = await handler({ arguments: { ExecutionArn: arn, MaxResults: 2 } });
    expect(page).toEqual({
      Events: [
        { Id: 1, PreviousEventId: 0, Type: 'ExecutionStarted', Timestamp: '2026-11-24T02:00:00.500Z' },
      ],
      NextToken: 'n1',
    });
    // Errors the SFN model does not define reach the SDK as its base exception; the integration names them
    // Sfn.SfnException. Modeled ones get "Exception" appended (ExecutionDoesNotExist).
    const denied = new SFNServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: {},
      message: 'not allowed',
    });
    sfn.on(GetExecutionHistoryCommand).rejects(denied);
    expect((await rejection(handler({ arguments: { ExecutionArn: `${arn}2` } }))).error).toBe(
      'Sfn.SfnException'
    );
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(new ExecutionDoesNotExist({ $metadata: {}, message: 'Execution Does Not Exist' }));
    expect((await rejection(handler({ arguments: { ExecutionArn: `${arn}3` } }))).error).toBe(
      'Sfn.ExecutionDoesNotExistException'
    );
    sfn.restore();
  });
});

describe('readHistoryFile', () => {
  it('reads API pages, integration-shaped pages and bare event arrays into the API shape', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'history-file-'));
    try {
      const api = path.join(dir, 'api.json');
      const pascal = path.join(dir, 'pascal.json');
      const bare = path.join(dir, 'bare.json');
      await writeFile(api, JSON.stringify({ events: events.slice(0, 2) }));
      await writeFile(
        pascal,
        JSON.stringify([
          {
            Events: [
              {
                Id: 3,
                PreviousEventId: 2,
                Type: 'PassStateExited',
                Timestamp: '2026-11-24T02:00:03.500Z',
                StateExitedEventDetails: { Name: 'S2', AssignedVariables: { MyVar: '1' } },
              },
            ],
          },
        ])
      );
      await writeFile(bare, JSON.stringify(events));
      expect(await readHistoryFile(api)).toEqual([{ events: events.slice(0, 2) }]);
      expect(await readHistoryFile(pascal)).toEqual([
        {
          events: [
            {
              id: 3,
              previousEventId: 2,
              type: 'PassStateExited',
              timestamp: 1_795_485_603.5,
              stateExitedEventDetails: { name: 'S2', assignedVariables: { MyVar: '1' } },
            },
          ],
        },
      ]);
      expect((await readHistoryFile(bare))[0]?.events).toHaveLength(5);
      await writeFile(bare, '{"nope":1}');
      await expect(readHistoryFile(bare)).rejects.toThrow(/page 1 has no "events" array/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('http:invoke stand-in', () => {
  let server: SlackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const connectionArn = 'arn:aws:events:eu-west-1:123456789012:connection/slack/abc';

  it('injects the connection credential, maps the endpoint and returns the parsed response', async () => {
    server = await startSlackServer({ token: 'xoxb-unit' });
    const invoke = httpInvokeHandler({
      connections: { [connectionArn]: { type: 'API_KEY', key: 'Authorization', value: 'Bearer xoxb-unit' } },
      endpoints: { 'https://slack.com': server.url },
    });
    const result = (await invoke({
      arguments: {
        ApiEndpoint: 'https://slack.com/api/chat.postMessage',
        Method: 'POST',
        Authentication: { ConnectionArn: connectionArn },
        RequestBody: { channel: '#alerts', text: 'hi' },
      },
    })) as {
      StatusCode: number;
      StatusText: string;
      Headers: Record<string, string>;
      ResponseBody: { ok: boolean };
    };
    expect(result.StatusCode).toBe(200);
    expect(result.StatusText).toBe('OK');
    expect(result.ResponseBody.ok).toBe(true);
    expect(result.Headers['content-type']).toMatch(/application\/json/);
    expect(JSON.stringify(result)).not.toContain('xoxb-unit');
  });

  it('fails with States.Http.StatusCode.<NNN> on non-2xx and States.Http.Socket on a timeout', async () => {
    const slack = await startSlackServer();
    server = slack;
    const handler = (timeoutMs: number) =>
      httpInvokeHandler({
        connections: { [connectionArn]: { type: 'NONE' } },
        endpoints: { 'https://hooks.slack.com': slack.url },
        timeoutMs,
      });
    // Long enough for a loaded two-core machine to answer the 404 in time.
    const invoke = handler(5_000);
    const args = (path: string) => ({
      arguments: {
        ApiEndpoint: `https://hooks.slack.com${path}`,
        Method: 'POST',
        Authentication: { ConnectionArn: connectionArn },
        RequestBody: { text: 'x' },
      },
    });
    const notFound = await rejection(invoke(args('/services/T1/B1/abcdef')));
    expect(notFound.error).toBe('States.Http.StatusCode.404');
    expect(notFound.cause).not.toContain('abcdef');
    // A short timeout, which the fault's delay outlasts many times over.
    server.injectFault({ delayMs: 2_000 });
    const socket = await rejection(handler(50)(args('/services/T1/B1/abcdef')));
    expect(socket.error).toBe('States.Http.Socket');
    expect(socket.cause).toBe('POST https://hooks.slack.com/services/***: timed out after 50 ms');
  });

  it('refuses what AWS refuses: forbidden headers, no connection, plain http', async () => {
    const invoke = httpInvokeHandler({ connections: { [connectionArn]: { type: 'NONE' } } });
    const base = {
      ApiEndpoint: 'https://slack.com/api/x',
      Method: 'POST',
      Authentication: { ConnectionArn: connectionArn },
    };
    const forbidden = await rejection(
      invoke({ arguments: { ...base, Headers: { Authorization: 'Bearer x' } } })
    );
    expect([forbidden.error, forbidden.cause]).toEqual([
      'States.Runtime',
      'http:invoke: the header Authorization is not allowed in the task',
    ]);
    expect((await rejection(invoke({ arguments: { ...base, Headers: { 'X-Amz-Date': '1' } } }))).error).toBe(
      'States.Runtime'
    );
    expect(
      (await rejection(invoke({ arguments: { ApiEndpoint: base.ApiEndpoint, Method: 'POST' } }))).error
    ).toBe('States.Runtime');
    expect(
      (await rejection(invoke({ arguments: { ...base, ApiEndpoint: 'http://slack.com/api/x' } }))).cause
    ).toMatch(/https/);
    expect(
      (await rejection(invoke({ arguments: { ...base, Authentication: { ConnectionArn: 'arn:other' } } })))
        .error
    ).toBe('Events.ConnectionResource.ResourceNotFound');
  });

  it('redacts webhook secrets and query strings from URLs it prints', () => {
    expect(redactUrl('https://hooks.slack.com/services/T0/B0/s3cr3t?x=1')).toBe(
      'https://hooks.slack.com/services/***'
    );
    expect(redactUrl('https://slack.com/api/chat.postMessage?token=abc')).toBe(
      'https://slack.com/api/chat.postMessage'
    );
  });
});

describe('lambda, sqs and ssm stand-ins', () => {
  it('lambda:invoke runs the handler with a JSON copy of the payload and wraps the answer', async () => {
    const invoke = lambdaInvokeHandler({
      fn: async (p: { n: number }) => ({ doubled: p.n * 2, at: new Date(0) }),
    });
    expect(await invoke({ arguments: { FunctionName: 'fn', Payload: { n: 21 } } })).toEqual({
      Payload: { doubled: 42, at: '1970-01-01T00:00:00.000Z' },
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    });
    await expect(invoke({ arguments: { FunctionName: 'other' } })).rejects.toThrow(/Function not found/);
  });

  it('sqs:sendMessage sends to the queue with that URL and maps SQS errors', async () => {
    const queue = new FifoQueue({ name: 'q.fifo' });
    const send = sqsSendMessageHandler([queue]);
    const out = await send({
      arguments: { QueueUrl: queue.url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' },
    });
    expect(out).toMatchObject({
      MessageId: expect.any(String),
      SequenceNumber: expect.stringMatching(/^\d{20}$/),
    });
    expect(queue.peekBodies()).toEqual(['b']);
    expect((await rejection(send({ arguments: { QueueUrl: 'https://nope', MessageBody: 'b' } }))).error).toBe(
      'SQS.QueueDoesNotExistException'
    );
    expect(
      (await rejection(send({ arguments: { QueueUrl: queue.url, MessageBody: 'b', MessageGroupId: 'g' } })))
        .error
    ).toBe('SQS.InvalidParameterValue');
  });

  it('ssm:getParameter answers the decrypted value, or ParameterNotFound', async () => {
    const get = ssmGetParameterHandler({ '/dev/SLACK_URL': 'https://hooks.slack.com/services/T/B/x' });
    expect(await get({ arguments: { Name: '/dev/SLACK_URL', WithDecryption: true } })).toMatchObject({
      Parameter: {
        Name: '/dev/SLACK_URL',
        Type: 'SecureString',
        Value: 'https://hooks.slack.com/services/T/B/x',
      },
    });
    expect((await rejection(get({ arguments: { Name: '/prod/SLACK_URL' } }))).error).toBe(
      'Ssm.ParameterNotFoundException'
    );
  });
});
