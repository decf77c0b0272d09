/**
 * The Lambda adapter: a function URL event in, the decision's status out, settings from the environment the
 * construct sets, the signing secret read once and cached. AWS is mocked at the SDK edge.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERACTIVITY_ENV } from '../../../contract/actions.js';
import { actionId, encodeButtonValue } from '../../../contract/buttons.js';
import { cachedSecret, handler as lambdaHandler } from '../../../formatters/actions/handler.js';
import { clickBody, signedHeaders } from '../../../local/slack-clicks.js';

/** The handler's answer (always the structured form). */
const handler = async (e: LambdaFunctionURLEvent) =>
  (await lambdaHandler(e)) as { statusCode: number; body?: string };

const SECRET = ['0123456789abcdef', '0123456789abcdef'].join('');
const secrets = mockClient(SecretsManagerClient);
const dynamodb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);

beforeAll(() => {
  vi.stubEnv(
    INTERACTIVITY_ENV.signingSecretArn,
    'arn:aws:secretsmanager:eu-west-1:111122223333:secret:signing'
  );
  vi.stubEnv(INTERACTIVITY_ENV.stateMachineArn, 'arn:aws:states:eu-west-1:111122223333:stateMachine:actions');
  vi.stubEnv(INTERACTIVITY_ENV.tableName, 'messages');
  vi.stubEnv(
    INTERACTIVITY_ENV.watched,
    JSON.stringify(['arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*'])
  );
  vi.stubEnv(
    INTERACTIVITY_ENV.policy,
    JSON.stringify({
      redrive: { users: ['U0ALICE'], userGroups: [] },
      stop: { users: [], userGroups: [] },
      mute: { users: [], userGroups: [] },
    })
  );
  vi.stubEnv('AWS_REGION', 'eu-west-1');
});
let logs: string[];
beforeEach(() => {
  secrets.reset();
  dynamodb.reset();
  sfn.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
  dynamodb.on(PutItemCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  logs = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => {
    logs.push(line);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function event(body: string, headers: Record<string, string>, base64 = false): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    isBase64Encoded: base64,
    body: base64 ? Buffer.from(body).toString('base64') : body,
    requestContext: { http: { method: 'POST' } },
  } as unknown as LambdaFunctionURLEvent;
}

const click = () =>
  clickBody({
    user: 'U0ALICE',
    channel: 'C0123456789',
    message: { ts: '1700000000.000100' },
    button: {
      action_id: actionId('redrive'),
      value: encodeButtonValue({
        executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:etl-a:run-1',
        redriveCount: 0,
      }),
    },
  });

describe('the interactivity Lambda', () => {
  it('starts the actions machine for a signed click sent base64-encoded, and logs the outcome only', async () => {
    const body = click();
    const result = await handler(event(body, signedHeaders(SECRET, body, Date.now()), true));
    expect(result.statusCode).toBe(200);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(logs).toEqual([JSON.stringify({ outcome: 'started', status: 200 })]);
  });

  it('reads the header names in any case, answers 401 to a bad signature and a replay, and logs no body or secret', async () => {
    const body = click();
    const upper = Object.fromEntries(
      Object.entries(signedHeaders(`${SECRET}x`, body, Date.now())).map(([k, v]) => [k.toUpperCase(), v])
    );
    expect((await handler(event(body, upper))).statusCode).toBe(401);
    dynamodb
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'seen', $metadata: {} }));
    expect((await handler(event(body, signedHeaders(SECRET, body, Date.now())))).statusCode).toBe(401);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(logs.join('\n')).not.toMatch(new RegExp(`${SECRET}|payload|U0ALICE`));
  });
});

describe('cachedSecret', () => {
  it('reads the secret once, and again after 5 minutes', async () => {
    let now = 0;
    const read = cachedSecret(new SecretsManagerClient({ region: 'eu-west-1' }), 'signing', () => now);
    await read();
    await read();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now = 5 * 60_000 + 1;
    expect(await read()).toBe(SECRET);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
