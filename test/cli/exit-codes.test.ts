/**
 * What scripts rely on: the exit code and the one-line error on stderr, from the same main() the binary runs
 * (bin/sfn-slack.js hands its code to the process), in process: a process each costs half a CPU-second. The binary
 * itself exits 2 on a usage error in test/cli/startup.test.ts and 0 in test/e2e/start.test.ts. AWS is never
 * reached: credentials are disabled, so the one command that gets as far as AWS fails at the real SDK's
 * credential lookup.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './helpers.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** No AWS settings to find: no shared files, no instance metadata. */
const NO_AWS_SETTINGS = {
  AWS_CONFIG_FILE: path.join(repoRoot, 'nonexistent-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(repoRoot, 'nonexistent-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

/** Only the CLI's own lines (the SDK may print a Node version notice on stderr). */
const ownLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('sfn-slack: '));

describe('sfn-slack exit codes', () => {
  // Each command's --help, options and usage errors are checked by convention.test.ts; here what scripts read:
  // the exit code of each kind of outcome and the one line on stderr.
  it('prints its version, exit 0', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with one line for bad input, before touching AWS', async () => {
    const [missingFile, noEnv, setup, preview, renotify] = await Promise.all([
      runCli(['preview', '--history', '/nope']),
      runCli(['replay']),
      runCli(['setup', '--env', 'dev']),
      runCli(['preview']),
      runCli(['renotify', '--env', 'dev', '--execution-arn', 'not-an-arn']),
    ]);
    expect(missingFile.code).toBe(2);
    expect(ownLines(missingFile.stderr)).toEqual([
      'sfn-slack: the history file /nope was not found: check the path',
    ]);
    expect(noEnv.code).toBe(2);
    expect(ownLines(noEnv.stderr)).toEqual([
      'sfn-slack: no environment given: pass --env <name> or set SFN_SLACK_ENV (a SlackNotifier in your own stack: --notifier-name <environmentName> or --stack <name>)',
    ]);
    expect(setup.code).toBe(2);
    expect(ownLines(setup.stderr)).toEqual([
      'sfn-slack: no bot token on standard input: pipe it in, e.g. `sfn-slack setup --env dev < file`',
    ]);
    expect(preview.code).toBe(2);
    expect(ownLines(preview.stderr)[0]).toMatch(/^sfn-slack: nothing to preview/);
    expect(renotify.code).toBe(2);
    expect(ownLines(renotify.stderr)[0]).toMatch(
      /^sfn-slack: --execution-arn must be a Step Functions execution ARN/
    );
  });

  it('exits 3 and says how to provide credentials when there are none', async () => {
    // The real SDK's default credential chain in this process, with nothing to find: no AWS variables and none of
    // the settings the binary's run is given.
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) vi.stubEnv(key, undefined);
    for (const [key, value] of Object.entries(NO_AWS_SETTINGS)) vi.stubEnv(key, value);
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(['doctor', '--env', 'dev']);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(run.code).toBe(3);
    expect(ownLines(run.stderr)).toEqual([
      'sfn-slack: no AWS credentials found to read the stack SfnSlackNotifier-dev: pass --profile <name>, set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
  });
});
