/**
 * A local STS endpoint answering `AssumeRole` (query protocol), for code that assumes a role itself: a central
 * environment's formatter reads a history in the execution's account with `fromTemporaryCredentials`
 * (formatters/formatter/source-client.ts). Each role gets its own access key id, so the local SFN endpoint can tell which
 * role signed a request (`roleOfAccessKey`). Pointing the SDK at it through `AWS_ENDPOINT_URL_STS` keeps the
 * formatter unchanged. Like the SFN endpoint, it keeps its port for the life of the process
 * (local/stand-ins/process-endpoint.ts).
 */
import { parseArn } from '../../contract/arns.js';
import { type EndpointReply, processEndpoint } from './process-endpoint.js';

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

function assumeRole(body: string): EndpointReply {
  const form = new URLSearchParams(body);
  const roleArn = form.get('RoleArn') ?? '';
  const reply = (status: number, text: string) => ({ status, contentType: 'text/xml', body: text });
  if (form.get('Action') !== 'AssumeRole' || !ARN.test(roleArn)) {
    return reply(
      400,
      `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${xml(
        `not served locally: ${form.get('Action')} ${roleArn}`
      )}</Message></Error><RequestId>local</RequestId></ErrorResponse>`
    );
  }
  const { partition, account, resource } = parseArn(roleArn) ?? {};
  const session = form.get('RoleSessionName') ?? 'session';
  return reply(
    200,
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
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
</AssumeRoleResponse>`
  );
}

const endpoint = processEndpoint({
  handle: ({ body }) => assumeRole(body),
  env: (url) => ({ AWS_ENDPOINT_URL_STS: url }),
});

/**
 * Serves AssumeRole locally and points the SDK's STS clients at it (`AWS_ENDPOINT_URL_STS`).
 * @returns release: call it when done; the last release restores the environment
 */
export function serveStsLocally(): Promise<() => Promise<void>> {
  return endpoint.acquire();
}
