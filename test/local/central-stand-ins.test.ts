/**
 * The local stand-ins of a central environment: the STS endpoint the formatter assumes read roles through, and
 * the source accounts' IAM that decides each read (local/stand-ins/sts-endpoint.ts, source-roles.ts).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatesError } from '../../local/asl/index.js';
import { checkSourceRead } from '../../local/stand-ins/source-roles.js';
import { roleOfAccessKey, serveStsLocally } from '../../local/stand-ins/sts-endpoint.js';

const ROLE = 'arn:aws:iam::111122223333:role/sfn-slack-org-read-eu-west-1';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-1';

describe('the local STS endpoint', () => {
  let release: (() => Promise<void>) | undefined;
  let client: STSClient;
  beforeAll(async () => {
    release = await serveStsLocally();
    client = new STSClient({
      region: 'eu-west-1',
      endpoint: process.env.AWS_ENDPOINT_URL_STS,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await release?.();
  });

  const assume = (RoleArn: string) =>
    client.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'test' }));

  it('issues one access key id per role, which names the role', async () => {
    const first = await assume(ROLE);
    const again = await assume(ROLE);
    const other = await assume('arn:aws:iam::777788889999:role/sfn-slack-org-read-eu-west-1');
    const key = first.Credentials?.AccessKeyId ?? '';
    expect(roleOfAccessKey(key)).toBe(ROLE);
    expect(again.Credentials?.AccessKeyId).toBe(key);
    expect(other.Credentials?.AccessKeyId).not.toBe(key);
    expect(first.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/sfn-slack-org-read-eu-west-1/test'
    );
  });

  it('refuses what is not a role ARN', async () => {
    await expect(assume('arn:aws:iam::111122223333:user/alice')).rejects.toThrow(/not served locally/);
  });
});

describe("the source accounts' IAM", () => {
  const check =
    (roleArn: string | undefined, callerRegion = 'eu-west-1') =>
    () =>
      checkSourceRead({ executionArn: EXECUTION, roleArn, callerRegion }, 'org', 'GetExecutionHistory');

  it("allows the execution's own account and region read role, in that region", () => {
    expect(check(ROLE)).not.toThrow();
  });

  it.each([
    [
      'no role (the central notifier role itself)',
      undefined,
      'eu-west-1',
      /the notifier role is not authorized/,
    ],
    [
      "another account's read role",
      'arn:aws:iam::777788889999:role/sfn-slack-org-read-eu-west-1',
      'eu-west-1',
      /not authorized/,
    ],
    [
      "another region's read role",
      'arn:aws:iam::111122223333:role/sfn-slack-org-read-us-east-1',
      'eu-west-1',
      /not authorized/,
    ],
    [
      "another environment's read role",
      'arn:aws:iam::111122223333:role/sfn-slack-prod-read-eu-west-1',
      'eu-west-1',
      /not authorized/,
    ],
    ['the right role, called from another region', ROLE, 'us-east-1', /cross-Region/],
  ])('refuses %s', (_, roleArn, region, message) => {
    expect(check(roleArn, region)).toThrow(message);
    try {
      check(roleArn, region)();
    } catch (error) {
      expect(error).toBeInstanceOf(StatesError);
      expect((error as StatesError).error).toBe('Sfn.SfnException');
    }
  });
});
