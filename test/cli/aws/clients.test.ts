import { Readable } from 'node:stream';
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import { clientConfig, createClients, MAX_ATTEMPTS } from '../../../cli/aws/clients.js';
import { readLiveExecution } from '../../../cli/commands/preview-run.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret-not-real' };

/** An HTTP handler at the SDK's network edge: answers each request with the next canned response. */
function cannedHandler(responses: { status: number; body: unknown; headers?: Record<string, string> }[]) {
  const targets: string[] = [];
  return {
    targets,
    handler: {
      handle: async (request: { headers: Record<string, string> }) => {
        targets.push(request.headers['x-amz-target'] ?? '');
        const next = responses.shift() ?? { status: 500, body: { __type: 'InternalFailure' } };
        return {
          // The shape of the SDK's HttpResponse.
          response: {
            statusCode: next.status,
            headers: { 'content-type': 'application/x-amz-json-1.0', ...next.headers },
            body: Readable.from([Buffer.from(JSON.stringify(next.body))]),
          },
        };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

describe('createClients', () => {
  it('passes --region and --profile to the SDK, with a profile credential provider', async () => {
    const config = clientConfig({ region: 'eu-central-1', profile: 'ops' });
    expect(config).toMatchObject({ region: 'eu-central-1', profile: 'ops', maxAttempts: MAX_ATTEMPTS });
    expect(typeof config.credentials).toBe('function');
    const clients = createClients({ region: 'eu-central-1', profile: 'ops' });
    await expect(clients.sfn.config.region()).resolves.toBe('eu-central-1');
    expect(clients.sfn).toBe(clients.sfn);
  });

  it('leaves credentials to the default chain without --profile', () => {
    expect(clientConfig({})).toEqual({ maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' });
  });

  it('retries a throttled GetExecutionHistory page and reads every page', async () => {
    const page = (id: number, nextToken?: string) => ({
      events: [
        {
          id,
          previousEventId: id - 1,
          timestamp: 1795485600 + id,
          type: id === 1 ? 'ExecutionStarted' : 'PassStateEntered',
        },
      ],
      ...(nextToken ? { nextToken } : {}),
    });
    const { handler, targets } = cannedHandler([
      {
        status: 200,
        body: {
          executionArn: 'arn:aws:states:eu-west-1:1:execution:m:e',
          stateMachineArn: 'arn:aws:states:eu-west-1:1:stateMachine:m',
          status: 'SUCCEEDED',
          startDate: 1795485600,
        },
      },
      { status: 200, body: page(1, 't2') },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 200, body: page(2) },
    ]);
    // The command's client configuration, with a canned network edge and static test credentials.
    const client = new SFNClient({
      ...clientConfig({ region: 'eu-west-1' }),
      credentials,
      requestHandler: handler,
    });

    // The SDK's backoff before the retry runs on fake timers: seconds of real time otherwise.
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    let done = false;
    const reading = readLiveExecution(client, 'arn:aws:states:eu-west-1:1:execution:m:e').finally(() => {
      done = true;
    });
    while (!done) await vi.advanceTimersByTimeAsync(100);
    const { pages } = await reading;
    expect(pages).toHaveLength(2);
    expect(targets).toEqual([
      'AWSStepFunctions.DescribeExecution',
      'AWSStepFunctions.GetExecutionHistory',
      'AWSStepFunctions.GetExecutionHistory',
      'AWSStepFunctions.GetExecutionHistory',
    ]);
  });
});
