/**
 * Setup file (vitest.config.ts): test files share their worker process (`isolate: false`), so each file leaves
 * the process as it found it. After a file: the temporary folders its helpers made are removed
 * (test/temp-dirs.ts), its environment variables are put back, its spies and stubbed
 * globals restored, real timers back, an AWS SDK client class it mocked with aws-sdk-client-mock
 * (`mockClient(SFNClient)` stubs the class's `send`) real again. Modules stay loaded for the next file: that is
 * the saving. A file that loads a module under a changed environment (the formatter's logger reads its level
 * when loaded) calls `vi.resetModules()` before and after, as test/cli/lambda-logs.test.ts does.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, vi } from 'vitest';
import { removeFileTempDirs } from './temp-dirs.js';

/** Every SDK client class the sources use: the ones a test may mock. */
const CLIENTS = [
  CloudFormationClient,
  DynamoDBClient,
  EventBridgeClient,
  SecretsManagerClient,
  SFNClient,
  SQSClient,
  SSMClient,
  STSClient,
];

let env: NodeJS.ProcessEnv = {};
let cwd = '';

beforeAll(() => {
  env = { ...process.env };
  cwd = process.cwd();
});

afterAll(() => {
  removeFileTempDirs();
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
  if (process.cwd() !== cwd) process.chdir(cwd);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  for (const client of CLIENTS) {
    // A sinon stub left by aws-sdk-client-mock on the class: own property of the prototype, with restore().
    const send = Object.getOwnPropertyDescriptor(client.prototype, 'send')?.value as
      | { restore?: () => void }
      | undefined;
    send?.restore?.();
  }
});
