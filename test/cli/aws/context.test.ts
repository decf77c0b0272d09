/**
 * Region and profile the AWS CLI's way (cli/aws/context.ts), and what each command does with them: a missing
 * profile is reported as missing (not as "no region"), a profile without credentials as that (not as "pass
 * --profile"), AWS_DEFAULT_REGION counts, and an execution ARN's region wins over the environment's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../cli/aws/clients.js';
import { resolveAwsContext } from '../../../cli/aws/context.js';
import { toCliError } from '../../../cli/aws/errors.js';
import { CliError, ExitCode } from '../../../cli/errors.js';
import { main } from '../../../cli/main.js';
import { tempDir } from '../../temp-dirs.js';
import { captureIo, describeStacks, stackOutputs } from '../helpers.js';

const dir = tempDir('sfn-slack-context-');

/** Shared AWS files with these contents, and an environment that points at them. */
function awsFiles(config: string, credentials = ''): Record<string, string> {
  const sub = mkdtempSync(path.join(dir, 'aws-'));
  writeFileSync(path.join(sub, 'config'), config);
  writeFileSync(path.join(sub, 'credentials'), credentials);
  return {
    AWS_CONFIG_FILE: path.join(sub, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(sub, 'credentials'),
    HOME: sub,
  };
}

const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:etl:run-42';

describe('resolveAwsContext', () => {
  const files = awsFiles(
    '[default]\nregion = us-west-2\n[profile ops]\nregion = eu-central-1\n[sso-session corp]\nsso_region = us-east-1\n',
    '[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = not-a-secret\n'
  );

  it('takes the region from --region, then the ARN, AWS_REGION, AWS_DEFAULT_REGION, the profile', async () => {
    const env = { ...files, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'ap-south-1' };
    expect(await resolveAwsContext({ region: 'sa-east-1' }, env, ARN)).toMatchObject({
      region: 'sa-east-1',
      regionSource: '--region',
    });
    expect(await resolveAwsContext({}, env, ARN)).toMatchObject({
      region: 'eu-west-1',
      regionSource: 'the ARN',
    });
    expect(await resolveAwsContext({}, env)).toMatchObject({
      region: 'us-east-1',
      regionSource: 'AWS_REGION',
    });
    expect(await resolveAwsContext({}, { ...files, AWS_DEFAULT_REGION: 'ap-south-1' })).toMatchObject({
      region: 'ap-south-1',
      regionSource: 'AWS_DEFAULT_REGION',
    });
    expect(await resolveAwsContext({ profile: 'ops' }, files)).toEqual({
      region: 'eu-central-1',
      regionSource: 'the profile',
      profile: 'ops',
    });
    expect(await resolveAwsContext({}, files)).toMatchObject({
      region: 'us-west-2',
      regionSource: 'the profile',
    });
  });

  it('takes the profile from --profile, then AWS_PROFILE', async () => {
    expect(await resolveAwsContext({}, { ...files, AWS_PROFILE: 'ops' })).toMatchObject({ profile: 'ops' });
    expect(await resolveAwsContext({ profile: 'ops' }, { ...files, AWS_PROFILE: 'nope' })).toMatchObject({
      profile: 'ops',
    });
  });

  it('reports a missing profile as missing, naming where it came from and the profiles there are', async () => {
    const fromFlag = await resolveAwsContext({ profile: 'prdo', region: 'eu-west-1' }, files).catch((e) => e);
    expect(fromFlag).toBeInstanceOf(CliError);
    expect((fromFlag as CliError).exitCode).toBe(ExitCode.badInput);
    expect((fromFlag as CliError).message).toBe(
      `profile "prdo" (--profile) is not in ${files.AWS_CONFIG_FILE} or ${files.AWS_SHARED_CREDENTIALS_FILE}: use one of default, ops`
    );
    const fromEnv = await resolveAwsContext({}, { ...files, AWS_PROFILE: 'gone' }).catch((e) => e);
    expect((fromEnv as CliError).message).toMatch(
      /^profile "gone" \(AWS_PROFILE\) is not in .*, or unset AWS_PROFILE$/
    );
  });

  it('says how to give a region when there is none', async () => {
    const none = awsFiles('');
    const error = await resolveAwsContext({}, none).catch((e) => e);
    expect((error as CliError).message).toBe(
      'no AWS region: pass --region <region>, set AWS_REGION, or add region to the profile default (aws configure)'
    );
  });
});

describe('a profile without credentials', () => {
  it('is reported as such when the first AWS call needs them, exit 3', async () => {
    const files = awsFiles('[profile empty]\nregion = eu-west-1\n');
    const saved = { ...process.env };
    // The SDK reads the shared files named by the process environment.
    Object.assign(process.env, files, { AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      const clients = createClients({ profile: 'empty', region: 'eu-west-1' });
      // SQS: the SFN and CloudFormation clients are mocked in this file, and this call must reach the SDK's
      // credential lookup (it fails there, before any request).
      const error = await clients.sqs
        .send(
          new GetQueueAttributesCommand({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q' })
        )
        .then(() => new CliError('the call succeeded'))
        .catch((e: unknown) => toCliError(e, 'read the queue'));
      expect(error.exitCode).toBe(ExitCode.aws);
      expect(error.message).toMatch(
        /^the profile empty has no usable credentials \(.*\): add aws_access_key_id/
      );
      expect(error.message).not.toContain('\n');
    } finally {
      for (const key of Object.keys(files)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('commands use the resolved region', () => {
  const sfn = mockClient(SFNClient);
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => {
    sfn.reset();
    cfn.reset();
  });
  afterAll(() => {
    sfn.restore();
    cfn.restore();
  });

  it('renotify calls the region of the execution ARN, not AWS_REGION', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: ARN, status: 'FAILED', startDate: new Date(0) });
    const io = captureIo('', undefined, { ...awsFiles(''), AWS_REGION: 'us-east-1' });
    const code = await main(
      ['node', 'sfn-slack', 'renotify', '-e', 'dev', '--execution-arn', ARN, '--dry-run'],
      io
    );
    expect(io.err()).toBe('');
    expect(code).toBe(ExitCode.ok);
    const client = sfn.commandCalls(DescribeExecutionCommand)[0]?.thisValue as SFNClient;
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('AWS_DEFAULT_REGION is honoured when AWS_REGION is not set', async () => {
    cfn.on(DescribeStacksCommand).resolves(describeStacks('dev', stackOutputs('dev')));
    const io = captureIo('', undefined, { ...awsFiles(''), AWS_DEFAULT_REGION: 'ap-south-1' });
    await main(['node', 'sfn-slack', 'replay', '--env', 'dev', '--dry-run'], io);
    const client = cfn.commandCalls(DescribeStacksCommand)[0]?.thisValue as CloudFormationClient;
    expect(await client.config.region()).toBe('ap-south-1');
  });

  it('a missing --profile stops the command before any AWS call, with one line and exit 2', async () => {
    const io = captureIo('', undefined, { ...awsFiles('[profile ops]\n'), AWS_REGION: 'eu-west-1' });
    const code = await main(['node', 'sfn-slack', 'doctor', '--env', 'dev', '--profile', 'opps'], io);
    expect(code).toBe(ExitCode.badInput);
    expect(io.err()).toMatch(/^sfn-slack: profile "opps" \(--profile\) is not in .*: use one of ops\n$/);
    expect(cfn.calls()).toHaveLength(0);
  });
});
