/**
 * `setup --signing-secret` and the doctor's Slack-actions checks. The endpoint is real: the interactivity decision
 * (formatters/actions/interactivity.ts) behind a localhost HTTP server, with AWS stood in at the SDK edge.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeConnectionCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { register as registerDoctor } from '../../cli/commands/doctor.js';
import { register as registerSetup } from '../../cli/commands/setup.js';
import { handleInteraction, type InteractivityDeps } from '../../formatters/actions/interactivity.js';
import { captureIo, DescribeStacksCommand, describeStacks, runCommand, stackOutputs } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const secrets = mockClient(SecretsManagerClient);
const events = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);

// Built at run time: no secret-shaped literal in the repository.
const SIGNING_SECRET = ['8f742231b10e', '8888abcd99', 'a1b2c3d4e5'].join('');
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:signing-AbCdEf';
let server: Server;
let url = '';
let endpointSecret = SIGNING_SECRET;
let unsignedAccepted = false;

beforeAll(async () => {
  const refuse = () => {
    throw new Error('the ping must reach no AWS call');
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      if (unsignedAccepted) {
        res.writeHead(200).end();
        return;
      }
      const answer = await handleInteraction(
        { method: req.method ?? 'GET', headers, rawBody: Buffer.concat(chunks).toString('utf8') },
        {
          environment: 'dev',
          stateMachineArn: 'x',
          tableName: 't',
          watched: [],
          policy: {
            redrive: { users: [], userGroups: [] },
            stop: { users: [], userGroups: [] },
            mute: { users: [], userGroups: [] },
          },
        },
        {
          signingSecret: async () => endpointSecret,
          dynamodb: { send: refuse } as unknown as InteractivityDeps['dynamodb'],
          sfn: { send: refuse } as unknown as InteractivityDeps['sfn'],
          respond: async () => undefined,
        }
      );
      res.writeHead(answer.status).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const outputs = () => ({
  ...stackOutputs('dev'),
  InteractivityUrl: url,
  SigningSecretArn: SECRET_ARN,
  ActionsStateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:actions',
});

beforeEach(() => {
  for (const mock of [cfn, secrets, events, sfn, sqs]) mock.reset();
  endpointSecret = SIGNING_SECRET;
  unsignedAccepted = false;
  cfn.on(DescribeStacksCommand).resolves(describeStacks('dev', outputs()));
  cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
  events.on(DescribeConnectionCommand).resolves({ ConnectionState: 'AUTHORIZED' });
  sfn
    .on(DescribeStateMachineCommand)
    .resolves({ name: 'm', type: 'STANDARD', status: 'ACTIVE', definition: 'getExecutionHistory' });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: SIGNING_SECRET });
});

const actionLines = (out: string) => out.split('\n').filter((l) => /^[✓✗] Slack/.test(l));

describe('sfn-slack setup --signing-secret', () => {
  it('stores the secret from standard input in the stack signing secret and prints the interactivity URL, not the secret', async () => {
    const io = captureIo(`${SIGNING_SECRET}\n`);
    expect(await runCommand(registerSetup, ['setup', '--env', 'dev', '--signing-secret'], io)).toEqual({
      exitCode: 0,
    });
    expect(secrets.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: SECRET_ARN, SecretString: SIGNING_SECRET },
    ]);
    expect(io.out()).toContain(`Interactivity request URL for the Slack app: ${url}`);
    expect(io.out() + io.err()).not.toContain(SIGNING_SECRET);
  });

  it('refuses a value that is not a signing secret, and an environment without actions, saying what to do', async () => {
    const bad = captureIo('xoxb-not-a-signing-secret\n');
    const refused = await runCommand(registerSetup, ['setup', '--env', 'dev', '--signing-secret'], bad);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.error).toContain('the input is not a Slack signing secret');
    expect(refused.error).not.toContain('xoxb');
    cfn.on(DescribeStacksCommand).resolves(describeStacks('dev', stackOutputs('dev')));
    const io = captureIo(`${SIGNING_SECRET}\n`);
    const missing = await runCommand(registerSetup, ['setup', '--env', 'dev', '--signing-secret'], io);
    expect(missing.error).toContain(
      'environment dev has no Slack actions: add "actions" to environments.dev in cdk.json'
    );
    expect(secrets.commandCalls(PutSecretValueCommand)).toEqual([]);
  });
});

describe('sfn-slack doctor (Slack actions)', () => {
  it('checks that the endpoint refuses an unsigned request and answers a signed ping', async () => {
    const io = captureIo();
    await runCommand(registerDoctor, ['doctor', '--env', 'dev'], io);
    expect(actionLines(io.out())).toEqual([
      '✓ Slack actions endpoint refuses an unsigned request (401)',
      '✓ Slack actions endpoint answers a signed ping',
    ]);
    expect(io.out()).not.toContain(SIGNING_SECRET);
  });

  it('fails when the endpoint accepts an unsigned request, or reads another secret', async () => {
    unsignedAccepted = true;
    const open = captureIo();
    expect((await runCommand(registerDoctor, ['doctor', '--env', 'dev'], open)).exitCode).toBe(1);
    expect(actionLines(open.out())[0]).toBe('✗ Slack actions endpoint refuses an unsigned request (401)');
    unsignedAccepted = false;
    endpointSecret = 'ffffffffffffffffffffffffffffffff';
    const other = captureIo();
    await runCommand(registerDoctor, ['doctor', '--env', 'dev'], other);
    expect(actionLines(other.out())).toEqual([
      '✓ Slack actions endpoint refuses an unsigned request (401)',
      '✗ Slack actions endpoint answers a signed ping',
    ]);
  });

  it('says to run setup when the signing secret is still the stack placeholder', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: 'Xq7RkPz2LmN8vB4cT6yW1sD9fG3hJ5kA' });
    const io = captureIo();
    await runCommand(registerDoctor, ['doctor', '--env', 'dev'], io);
    expect(io.out()).toContain('run sfn-slack setup --env dev --signing-secret');
  });
});
