/** `sfn-slack start` (npm start): the whole pipeline on the bundled example, and its error lines. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundledExample,
  recordedRunClockStart,
  type StartIo,
  startCommand,
} from '../../cli/commands/start-run.js';
import { CliError, ExitCode } from '../../cli/errors.js';
import { runCli } from '../cli/helpers.js';
import { examples, repoRoot } from './helpers.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sfn-slack-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(env: Record<string, string | undefined> = {}, progressAfterMs = 60_000) {
  const out: string[] = [];
  const err: string[] = [];
  const value: StartIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    progressAfterMs,
  };
  return { io: value, out, err };
}

/** The environment for a child process, without AWS or Slack settings and with an empty home. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(AWS_|SLACK_)/.test(k)) env[k] = v;
  }
  return { ...env, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...extra };
}

async function cli(
  args: string[],
  env = cleanEnv()
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/sfn-slack.js', ...args], {
      cwd: repoRoot,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('startCommand', () => {
  it('runs the bundled example: prints the delivered message and writes the HTML preview', async () => {
    const { io: streams, out, err } = io();
    const htmlPath = path.join(dir, 'preview.html');
    const result = await startCommand({ out: htmlPath }, streams);
    const stdout = out.join('');
    expect(stdout).toContain('nightly-etl');
    expect(stdout).toContain('RefreshAggregates');
    expect(stdout).toContain('Delivered to the local Slack server.');
    expect(stdout).toContain(`HTML preview: ${htmlPath}\n`);
    expect(result.fallback).toBe(false);
    const html = await readFile(htmlPath, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('RefreshAggregates');
    // Fast run: no progress lines.
    expect(err).toEqual([]);
  });

  it('delivers a recorded run on its own clock: the weeks-old example is not labelled Delayed', async () => {
    const { io: streams, out } = io();
    const { message } = await startCommand({ out: path.join(dir, 'on-time.html'), output: 'json' }, streams);
    expect(JSON.stringify(message)).not.toMatch(/Delayed/i);
    expect(out.join('')).not.toMatch(/Delayed/i);
    expect(recordedRunClockStart({ detail: { stopDate: 1000 } } as never)).toBe(2000);
    expect(recordedRunClockStart({ time: '2026-11-24T02:16:55Z', detail: {} } as never)).toBe(
      Date.parse('2026-11-24T02:16:55Z') + 1000
    );
  });

  it('shows progress lines on stderr once the run takes longer than the threshold', async () => {
    const { io: streams, err } = io({}, 0);
    await startCommand({ out: path.join(dir, 'p2.html') }, streams);
    expect(err.join('')).toContain('running the notifier locally for nightly-2026-11-24T02-00-00Z (FAILED)');
  });

  it('--serve keeps the local Slack server up; its page shows the received message rendered by preview/', async () => {
    const { io: streams, out } = io();
    let page = '';
    await startCommand(
      { serve: true, out: path.join(dir, 'serve.html') },
      {
        ...streams,
        untilStopped: async () => {
          const url = /Local Slack page: (\S+) /.exec(out.join(''))?.[1] ?? '';
          page = await (await fetch(url)).text();
        },
      }
    );
    expect(page).toContain('Local Slack: 1 message(s)');
    expect(page).toContain('#alerts');
    // The message page is embedded escaped (srcdoc), so the cause's `<see runbook>` is text twice over.
    expect(page).toContain('RefreshAggregates');
    expect(page).not.toContain('<see runbook>');
    expect(page).not.toMatch(/<script/i);
  });

  it('takes another history without an event, building the event from the history', async () => {
    const { io: streams, out } = io();
    await startCommand(
      {
        history: path.join(repoRoot, 'examples/nightly-etl-succeeded.history.json'),
        out: path.join(dir, 'p3.html'),
      },
      streams
    );
    expect(out.join('')).toContain('SUCCEEDED');
  });

  it('says clearly what is wrong with a missing or malformed file', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"nope": true}');
    await expect(startCommand({ history: path.join(dir, 'none.json') }, io().io)).rejects.toThrow(
      /^the history file .*none\.json was not found: check the path$/
    );
    await expect(startCommand({ history: dir }, io().io)).rejects.toThrow(
      /^the history file .* is a directory: give the path of a JSON file$/
    );
    const binary = path.join(dir, 'binary.json');
    await writeFile(binary, Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x01, 0x02]));
    const error = await startCommand({ history: binary }, io().io).catch((e: unknown) => e);
    expect((error as CliError).message).toMatch(
      /^the history file .*binary\.json is not valid JSON at line 1, column 2: /
    );
    // The file's bytes are never echoed.
    expect([...(error as CliError).message].every((char) => char >= ' ' && char !== '\ufffd')).toBe(true);
    await expect(startCommand({ history: bad }, io().io)).rejects.toThrow(/not a GetExecutionHistory result/);
    await expect(startCommand({ history: bundledExample.history, event: bad }, io().io)).rejects.toThrow(
      /not a Step Functions status-change event/
    );
  });

  it('refuses --event without --history instead of pairing it with the bundled example’s history', async () => {
    const error = await startCommand({ event: bundledExample.event }, io().io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.badInput);
    expect((error as CliError).message).toBe(
      '--event needs --history: give the history of the same execution (--history <file>), or --execution-arn <arn> to read it from AWS'
    );
  });

  it('--slack without settings fails with a one-line error that names the variables, not their values', async () => {
    const error = await startCommand({ slack: true }, io({}).io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.badInput);
    expect((error as CliError).message).toBe(
      '--slack needs SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL, in the environment'
    );
    const secretish = 'https://example.com/services/T0/B0/notahooksecret';
    const second = await startCommand({ slack: true }, io({ SLACK_WEBHOOK_URL: secretish }).io).catch(
      (e: unknown) => e
    );
    expect((second as Error).message).toMatch(/SLACK_WEBHOOK_URL is not an incoming-webhook URL/);
    expect((second as Error).message).not.toContain('notahooksecret');
  });

  it('--execution-arn reads the execution from AWS (mocked at the SDK edge) and delivers it locally', async () => {
    // Prepare: credentials in the environment, DescribeExecution and GetExecutionHistory answered by the mock.
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    const { event, pages } = examples.failed();
    const detail = event.detail;
    const sfn = mockClient(SFNClient);
    sfn.on(DescribeExecutionCommand, { executionArn: detail.executionArn }).resolves({
      executionArn: detail.executionArn,
      stateMachineArn: detail.stateMachineArn as string,
      name: detail.name as string,
      status: 'FAILED',
      startDate: new Date(detail.startDate as number),
      stopDate: new Date(detail.stopDate as number),
      error: detail.error as string,
      cause: detail.cause as string,
      redriveCount: 0,
    });
    const sdkEvents = pages
      .flatMap((p) => p.events)
      .map((e) => ({ ...e, timestamp: new Date((e.timestamp as number) * 1000) }));
    sfn
      .on(GetExecutionHistoryCommand, { executionArn: detail.executionArn })
      .resolves({ events: sdkEvents as never });
    const { io: streams, out } = io();
    try {
      // Act
      await startCommand({ executionArn: detail.executionArn, out: path.join(dir, 'live.html') }, streams);
      // Assess
      expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toMatchObject({
        executionArn: detail.executionArn,
        includeExecutionData: false,
      });
      const stdout = out.join('');
      expect(stdout).toContain('RefreshAggregates');
      expect(stdout).toContain('Delivered to the local Slack server.');
    } finally {
      sfn.restore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  describe('--execution-arn with --region and --profile (as the operator commands)', () => {
    /** Runs `body` with only the given AWS settings in the environment, restoring it afterwards. */
    async function withAwsEnv(extra: Record<string, string>, body: () => Promise<void>): Promise<void> {
      const saved = { ...process.env };
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true' }, extra);
      try {
        await body();
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    }

    function mockExecution() {
      const { event, pages } = examples.failed();
      const detail = event.detail;
      const sfn = mockClient(SFNClient);
      sfn.on(DescribeExecutionCommand).resolves({
        executionArn: detail.executionArn,
        stateMachineArn: detail.stateMachineArn as string,
        name: detail.name as string,
        status: 'FAILED',
        startDate: new Date(detail.startDate as number),
        stopDate: new Date(detail.stopDate as number),
      });
      sfn.on(GetExecutionHistoryCommand).resolves({
        events: pages
          .flatMap((p) => p.events)
          .map((e) => ({ ...e, timestamp: new Date((e.timestamp as number) * 1000) })) as never,
      });
      return { sfn, arn: detail.executionArn };
    }

    it('--profile takes the credentials of that profile, --region the region (over the ARN’s)', async () => {
      // Prepare: no credentials in the environment, only a named profile in the shared files.
      const config = path.join(dir, 'aws-config');
      const credentials = path.join(dir, 'aws-credentials');
      await writeFile(config, '[profile ops]\nregion = eu-central-1\n');
      await writeFile(
        credentials,
        '[ops]\naws_access_key_id = AKIDPROFILEOPS\naws_secret_access_key = profile-secret\n'
      );
      const { sfn, arn } = mockExecution();
      try {
        await withAwsEnv({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials }, async () => {
          // Act
          await startCommand(
            { executionArn: arn, profile: 'ops', region: 'eu-west-3', out: path.join(dir, 'profile.html') },
            io(process.env).io
          );
          // Assess: both calls went through a client built with the profile's credentials and the given region.
          for (const call of [
            ...sfn.commandCalls(DescribeExecutionCommand),
            ...sfn.commandCalls(GetExecutionHistoryCommand),
          ]) {
            const client = call.thisValue as SFNClient;
            expect(await client.config.region()).toBe('eu-west-3');
            expect((await client.config.credentials()).accessKeyId).toBe('AKIDPROFILEOPS');
          }
        });
        expect(sfn.commandCalls(GetExecutionHistoryCommand).length).toBeGreaterThan(0);
      } finally {
        sfn.restore();
      }
    });

    it('without --region the execution ARN’s region; an unknown --profile is exit 2 with one line', async () => {
      const { sfn, arn } = mockExecution();
      try {
        await withAwsEnv(
          { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example-secret' },
          async () => {
            await startCommand(
              { executionArn: arn, out: path.join(dir, 'arn-region.html') },
              io({ ...process.env, AWS_REGION: 'us-east-2' }).io
            );
            const region = /^arn:aws:states:([^:]+):/.exec(arn)?.[1];
            const client = sfn.commandCalls(DescribeExecutionCommand)[0]?.thisValue as SFNClient;
            expect(await client.config.region()).toBe(region);
            const error = await startCommand(
              { executionArn: arn, profile: 'nope', out: path.join(dir, 'nope.html') },
              io({ ...process.env, HOME: dir }).io
            ).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(CliError);
            expect((error as CliError).exitCode).toBe(ExitCode.badInput);
            expect((error as CliError).message).toMatch(
              /^profile "nope" \(--profile\) is not in .*: create it with/
            );
          }
        );
      } finally {
        sfn.restore();
      }
    });

    it('without AWS credentials: exit 3 and one clear line', async () => {
      // The whole program in process, as the binary runs it; nothing in the environment or the shared files.
      await withAwsEnv(
        {
          AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
        },
        async () => {
          const result = await runCli([
            'start',
            '--execution-arn',
            'arn:aws:states:eu-west-1:123456789012:execution:nightly-etl:run-1',
          ]);
          expect(result.code).toBe(ExitCode.aws);
          expect(result.stderr.trim().split('\n')).toEqual([
            'sfn-slack: no AWS credentials in the environment: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or drop --execution-arn to run the bundled example',
          ]);
        }
      );
    });

    it('refuses --region or --profile without --execution-arn', async () => {
      const error = await startCommand({ region: 'eu-west-1' }, io().io).catch((e: unknown) => e);
      expect((error as CliError).exitCode).toBe(ExitCode.badInput);
      expect((error as Error).message).toBe('--region and --profile only apply with --execution-arn');
    });
  });

  it('rejects an --execution-arn that is not an execution ARN', async () => {
    await expect(
      startCommand({ executionArn: 'arn:aws:states:eu-west-1:123:stateMachine:x' }, io().io)
    ).rejects.toThrow(/is not a Step Functions execution ARN/);
  });
});

describe('sfn-slack start (child process)', () => {
  it('exits 0 on the bundled example', async () => {
    const result = await cli(['start', '--out', path.join(dir, 'cli.html')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('RefreshAggregates');
    expect(result.stdout).toContain('HTML preview:');
    // The formatter's Lambda log lines are kept out of the output.
    expect(result.stdout).not.toContain('"level":"INFO"');
  });

  it('--help lists the options', async () => {
    // In process: the binary's own behaviour is covered above, the help is the same program's.
    const result = await runCli(['start', '--help']);
    expect(result.code).toBe(0);
    for (const option of [
      '--history',
      '--event',
      '--execution-arn',
      '--region',
      '--profile',
      '--slack',
      '--out',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });
});
