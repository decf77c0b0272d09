import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsStandIn, startAwsStandIn } from '../../bench/endpoint-stand-in.js';

describe("the benchmark's Secrets Manager and Step Functions stand-in, through the real SDK clients", () => {
  let standIn: AwsStandIn;
  let secrets: SecretsManagerClient;
  let sfn: SFNClient;
  beforeAll(async () => {
    standIn = await startAwsStandIn({
      secret: 's3cret',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf',
      region: 'eu-west-1',
      account: '111122223333',
    });
    const config = {
      endpoint: standIn.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    };
    secrets = new SecretsManagerClient(config);
    sfn = new SFNClient(config);
  });
  afterAll(async () => {
    secrets.destroy();
    sfn.destroy();
    await standIn.close();
  });

  it('answers GetSecretValue and StartExecution, counting each', async () => {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: 'x' }));
    expect(secret.SecretString).toBe('s3cret');
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:m',
        name: 'run-1',
      })
    );
    expect(started.executionArn).toMatch(/^arn:aws:states:eu-west-1:111122223333:execution:.+:run-1$/);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(standIn.counts).toEqual({ getSecretValue: 1, startExecution: 1 });
  });

  it('refuses any other operation, and does not count it', async () => {
    const before = { ...standIn.counts };
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:x' }))).rejects.toThrow(
      /not stood in/
    );
    expect(standIn.counts).toEqual(before);
  });
});
