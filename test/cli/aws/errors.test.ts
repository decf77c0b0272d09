import { describe, expect, it } from 'vitest';
import { aws, toCliError } from '../../../cli/aws/errors.js';
import { CliError, ExitCode } from '../../../cli/errors.js';

const error = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('toCliError', () => {
  it.each([
    [
      error('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no AWS credentials found to read X: pass --profile <name>, set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ],
    [
      error('Error', 'Region is missing'),
      'no AWS region to read X: pass --region <region> or set AWS_REGION',
    ],
    [
      error('ExpiredTokenException', 'The security token included in the request is expired'),
      'AWS credentials expired while trying to read X: refresh them (e.g. `aws sso login`) and retry',
    ],
    [
      error('AccessDeniedException', 'User: arn:aws:iam::1:user/u is not authorized\n to perform: x'),
      'AWS refused to read X (AccessDeniedException: User: arn:aws:iam::1:user/u is not authorized to perform: x): use credentials allowed to do it (--profile)',
    ],
    [
      error('Error', 'getaddrinfo ENOTFOUND states.xx-1.amazonaws.com', { code: 'ENOTFOUND' }),
      'could not reach AWS to read X (ENOTFOUND): check the network and --region',
    ],
    [error('ValidationException', 'bad arn'), 'could not read X: ValidationException: bad arn'],
  ])('maps %s to one line with exit 3', (input, message) => {
    const mapped = toCliError(input, 'read X');
    expect(mapped).toBeInstanceOf(CliError);
    expect(mapped.message).toBe(message);
    expect(mapped.message).not.toContain('\n');
    expect(mapped.exitCode).toBe(ExitCode.aws);
  });

  it('passes CliErrors through unchanged', () => {
    const original = new CliError('already clear', ExitCode.badInput);
    expect(toCliError(original, 'x')).toBe(original);
  });

  it('aws() returns the result or throws the mapped error', async () => {
    await expect(aws('do it', async () => 42)).resolves.toBe(42);
    await expect(aws('do it', async () => Promise.reject(error('AccessDenied', 'no')))).rejects.toMatchObject(
      {
        exitCode: 3,
        message: 'AWS refused to do it (AccessDenied: no): use credentials allowed to do it (--profile)',
      }
    );
  });
});
