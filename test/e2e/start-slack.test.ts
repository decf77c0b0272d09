/**
 * `sfn-slack start --slack` (real Slack) against the local server playing real Slack: a failed delivery ends the
 * run at once with one clear line and the message kept in a file, and retries show progress. The clock starts at
 * the real time and records every wait asked of it without sitting it out: the retries' waits are what is
 * checked, not waited for.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryFailure, type StartIo, startCommand } from '../../cli/commands/start-run.js';
import { CliError, ExitCode } from '../../cli/errors.js';
import { VirtualClock } from '../../local/asl/index.js';
import { type SlackServer, startSlackServer } from '../../local/slack-server/index.js';

/** A clock from the real time, remembering every wait asked of it. */
class RecordingClock extends VirtualClock {
  readonly sleeps: number[] = [];
  constructor() {
    super(Date.now());
  }
  override sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return super.sleep(ms);
  }
}

const visibilityTimeoutSeconds = 2;
let dir: string;
let slack: SlackServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sfn-slack-start-slack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

function streams(server: SlackServer, env: Record<string, string>, clock: RecordingClock) {
  const out: string[] = [];
  const err: string[] = [];
  const io: StartIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    progressAfterMs: 0,
    slackOrigin: server.url,
    clock,
    random: () => 0.1,
    visibilityTimeoutSeconds,
  };
  return { io, out, err };
}

/** Runs `start --slack`, which must fail with a CliError. */
async function failing(io: StartIo, out: string): Promise<CliError> {
  const error = await startCommand({ slack: true, out }, io).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('start --slack when Slack does not take the message', () => {
  it('a refused message: one line with Slack’s error, exit 1 at once, the request body kept in a file', async () => {
    // Prepare: "real Slack" knows the token but answers channel_not_found.
    const server = await startSlackServer({ channels: [{ id: 'C0ALERTS', name: 'alerts' }] });
    slack = server;
    server.injectFault({ times: 1, error: 'channel_not_found' });
    const clock = new RecordingClock();
    const env = { SLACK_BOT_TOKEN: server.token, SLACK_CHANNEL: '#alerts' };
    const { io, out, err } = streams(server, env, clock);
    const htmlPath = path.join(dir, 'refused', 'preview.html');
    // Act
    const error = await failing(io, htmlPath);
    // Assess: one line naming Slack's answer and where the message is.
    const kept = path.join(dir, 'refused', 'undelivered.json');
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toBe(
      `Slack did not take the message: Slack answered channel_not_found; the request body is saved in ${kept} to post again`
    );
    const body = JSON.parse(await readFile(kept, 'utf8')) as { channel?: string; text?: string };
    expect(body.channel).toBe('#alerts');
    expect(body.text).toMatch(/nightly-etl/);
    // Slack was asked once; nobody sat out the visibility timeout for the message to come back.
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps.filter((ms) => ms >= visibilityTimeoutSeconds * 1000)).toEqual([]);
    expect(out).toEqual([]);
    const everything = [error.message, ...err].join('\n');
    expect(everything).not.toContain(server.token);
  });

  it('Slack failing with 500s: progress lines for each retry, then HTTP 500 in one line; the webhook URL never shown', async () => {
    // Prepare: an incoming webhook on "real Slack" (hooks.slack.com mapped to the local server).
    const server = await startSlackServer({ channels: [{ id: 'C0ALERTS', name: 'alerts' }] });
    slack = server;
    const hook = new URL(server.addWebhook('#alerts'));
    const webhookUrl = `https://hooks.slack.com${hook.pathname}`;
    server.injectFault({ times: 10, status: 500 });
    const clock = new RecordingClock();
    const { io, err } = streams(server, { SLACK_WEBHOOK_URL: webhookUrl }, clock);
    // Act
    const error = await failing(io, path.join(dir, 'down', 'preview.html'));
    // Assess: the deliver machine's retrier (3 retries on 500) ran, each announced with its wait.
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toMatch(
      /^Slack did not take the message: Slack answered HTTP 500 \(rollup_error\); the request body is saved in \S+undelivered\.json to post again$/
    );
    expect(error.message).not.toContain('\n');
    const progress = err.join('');
    for (const attempt of [1, 2, 3]) {
      expect(progress).toMatch(
        new RegExp(
          `delivery: Post failed with States\\.Http\\.StatusCode\\.500; retry ${attempt} of 3 in \\d+\\.\\d s \\(at \\d\\d:\\d\\d:\\d\\d UTC\\)`
        )
      );
    }
    expect(server.requests).toHaveLength(4);
    expect(clock.sleeps.filter((ms) => ms >= visibilityTimeoutSeconds * 1000)).toEqual([]);
    const secret = hook.pathname.split('/').pop() as string;
    expect([error.message, progress].join('\n')).not.toContain(secret);
    expect(await readFile(path.join(dir, 'down', 'undelivered.json'), 'utf8')).toContain('nightly-etl');
  });
});

describe('deliveryFailure', () => {
  it('names the HTTP status and a short Slack body, Slack error codes and unreachable Slack', () => {
    const http = (status: number, body: unknown) => ({
      error: `States.Http.StatusCode.${status}`,
      cause: JSON.stringify({ StatusCode: status, StatusText: 'x', ResponseBody: body }),
    });
    expect(deliveryFailure(http(404, 'no_service'))).toBe('Slack answered HTTP 404 (no_service)');
    expect(deliveryFailure(http(429, { ok: false, error: 'ratelimited' }))).toBe(
      'Slack answered HTTP 429 (ratelimited)'
    );
    expect(deliveryFailure(http(502, '<html>'.repeat(50)))).toBe('Slack answered HTTP 502');
    expect(deliveryFailure({ error: 'Slack.invalid_auth', cause: 'x' })).toBe('Slack answered invalid_auth');
    expect(
      deliveryFailure({
        error: 'States.Http.Socket',
        cause: 'POST https://hooks.slack.com/services/***: connection failed',
      })
    ).toBe('Slack could not be reached (POST https://hooks.slack.com/services/***: connection failed)');
  });
});
