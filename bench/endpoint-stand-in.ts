/**
 * Local Secrets Manager (`GetSecretValue`) and Step Functions (`StartExecution`) endpoints for the interactivity
 * Lambda's real SDK clients in another process (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SFN`),
 * counting every call: the benchmark proves with them which requests reached AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsStandIn {
  readonly url: string;
  readonly counts: { getSecretValue: number; startExecution: number };
  close(): Promise<void>;
}

/** Answers GetSecretValue with `secret`, and StartExecution with an execution ARN in `region` and `account`. */
export async function startAwsStandIn(options: {
  readonly secret: string;
  readonly secretArn: string;
  readonly region: string;
  readonly account: string;
}): Promise<AwsStandIn> {
  const { secret, secretArn, region, account } = options;
  const counts = { getSecretValue: 0, startExecution: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const reply = (status: number, type: string, json: unknown) => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(json));
      };
      if (target === 'secretsmanager.GetSecretValue') {
        counts.getSecretValue += 1;
        reply(200, 'application/x-amz-json-1.1', {
          ARN: secretArn,
          Name: 'bench-signing-secret',
          SecretString: secret,
          VersionId: randomUUID(),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        });
      } else if (target === 'AWSStepFunctions.StartExecution') {
        counts.startExecution += 1;
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name?: string };
        reply(200, 'application/x-amz-json-1.0', {
          executionArn: `arn:aws:states:${region}:${account}:execution:sfn-slack-actions-bench:${input.name ?? randomUUID()}`,
          startDate: Date.now() / 1000,
        });
      } else {
        reply(400, 'application/x-amz-json-1.0', {
          __type: 'UnknownOperationException',
          message: `not stood in: ${String(target)}`,
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
