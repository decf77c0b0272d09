/**
 * A local STS endpoint answering `AssumeRole` (query protocol), for code that assumes a role itself: a central
 * environment's formatter reads a history in the execution's account with `fromTemporaryCredentials`
 * (formatters/source-client.ts). Each role gets its own access key id, so the local SFN endpoint can tell which
 * role signed a request (`roleOfAccessKey`). Pointing the SDK at it through `AWS_ENDPOINT_URL_STS` keeps the
 * formatter unchanged. Like the SFN endpoint, it keeps its port for the life of the process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

let server: Server | undefined;
let port = 0;
let users = 0;
let saved: string | undefined;
const keys = new Map<string, string>();
const ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@-]{1,64}$/;

/** The role an access key id issued here stands for. */
export function roleOfAccessKey(accessKeyId: string): string | undefined {
  return keys.get(accessKeyId);
}

function keyFor(roleArn: string): string {
  for (const [key, role] of keys) if (role === roleArn) return key;
  const key = `ASIALOCAL${String(keys.size + 1).padStart(11, '0')}`;
  keys.set(key, roleArn);
  return key;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function start(): Promise<void> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const roleArn = form.get('RoleArn') ?? '';
      res.setHeader('content-type', 'text/xml');
      if (form.get('Action') !== 'AssumeRole' || !ARN.test(roleArn)) {
        res.writeHead(400);
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${xml(
            `not served locally: ${form.get('Action')} ${roleArn}`
          )}</Message></Error><RequestId>local</RequestId></ErrorResponse>`
        );
        return;
      }
      const [, partition, , , account, resource] = roleArn.split(':');
      const session = form.get('RoleSessionName') ?? 'session';
      res.writeHead(200);
      res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${keyFor(roleArn)}</AccessKeyId>
      <SecretAccessKey>local</SecretAccessKey>
      <SessionToken>local</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROALOCAL:${xml(session)}</AssumedRoleId>
      <Arn>arn:${partition}:sts::${account}:assumed-${xml(resource ?? '')}/${xml(session)}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>local</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
    });
  });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      server = s;
      port = (s.address() as AddressInfo).port;
      resolve();
    });
  });
}

/**
 * Serves AssumeRole locally and points the SDK's STS clients at it (`AWS_ENDPOINT_URL_STS`).
 * @returns release: call it when done; the last release restores the environment
 */
export async function serveStsLocally(): Promise<() => Promise<void>> {
  users += 1;
  if (!server) await start();
  if (users === 1) {
    server?.ref();
    saved = process.env.AWS_ENDPOINT_URL_STS;
  }
  process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    users -= 1;
    if (users > 0 || !server) return;
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
    server.closeIdleConnections();
    server.unref();
  };
}
