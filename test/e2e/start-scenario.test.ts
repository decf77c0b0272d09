/** `sfn-slack start --scenario <file> [--report <file>]`: the report's exact shape, the HTML page, clear errors. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario } from '../../cli/commands/start-run.js';
import { CliError } from '../../cli/errors.js';
import { runCli } from '../cli/helpers.js';
import { repoRoot } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sfn-slack-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const example = path.join(repoRoot, 'examples', 'scenarios', 'fail-redrive-succeed.scenario.json');
const io = () => {
  const out: string[] = [];
  return {
    out,
    io: { stdout: (t: string) => out.push(t), stderr: () => {}, env: {}, progressAfterMs: 60_000 },
  };
};

describe('start --scenario: slackCalls', () => {
  const bundled = [
    'fail-redrive-succeed.scenario.json',
    'long-running.scenario.json',
    'redrive-from-slack.scenario.json',
    'organization.scenario.json',
  ];
  it.each(bundled)(
    '%s: every Slack call in order with its method, channel and answer; none refused',
    async (file) => {
      const report = path.join(dir, `${file}.report.json`);
      const { io: sink } = io();
      await startScenario(
        {
          scenario: path.join(repoRoot, 'examples', 'scenarios', file),
          report,
          out: path.join(dir, `${file}.html`),
        },
        sink
      );
      const { slackCalls, alarms } = JSON.parse(await readFile(report, 'utf8')) as {
        slackCalls: Array<{ method: string; channel?: string; ok: boolean; error?: string }>;
        alarms: unknown[];
      };
      // A run that recovers within its own retries fires no alarm.
      expect(alarms).toEqual([]);
      expect(slackCalls.length).toBeGreaterThan(0);
      // fail-redrive-succeed loses one answer on purpose (a "slack" fault step): that call, and nothing else.
      const injected =
        file === 'fail-redrive-succeed.scenario.json'
          ? [expect.objectContaining({ error: 'answer lost (fault)' })]
          : [];
      expect(slackCalls.filter((c) => !c.ok)).toEqual(injected);
      for (const call of slackCalls) {
        expect(call.method).toMatch(/^(chat\.|conversations\.|usergroups\.|webhook$)/);
        expect(typeof call.channel).toBe('string');
      }
    }
  );
});

describe('start --scenario', () => {
  it('writes the report in the documented shape and an HTML page with the edits and the thread', async () => {
    const report = path.join(dir, 'report.json');
    const html = path.join(dir, 'preview.html');
    const { out, io: sink } = io();
    await startScenario({ scenario: example, report, out: html }, sink);
    const written = JSON.parse(await readFile(report, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(written).sort()).toEqual(['alarms', 'channels', 'deadLetters', 'slackCalls']);
    const [message] = (written.channels as Record<string, Array<Record<string, unknown>>>).C0LOCAL001 ?? [];
    expect(Object.keys(message ?? {}).sort()).toEqual([
      'blocks',
      'edits',
      'metadata',
      'replies',
      'text',
      'ts',
    ]);
    expect(Object.keys(((message?.edits ?? []) as object[])[0] ?? {}).sort()).toEqual([
      'blocks',
      'text',
      'ts',
    ]);
    expect(Object.keys(((message?.replies ?? []) as object[])[0] ?? {}).sort()).toEqual([
      'reply_broadcast',
      'text',
      'ts',
    ]);
    expect(out.join('')).toContain('C0LOCAL001: 1 message(s), 4 edit(s), 3 thread replies');
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Earlier versions (4)');
    expect(page).toContain('also sent to the channel');
    expect(page).toContain('Content-Security-Policy');
  });

  it('refuses a scenario with a clear one-line error naming the step and the fix', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ at: 0, slack: { fail: 'sometimes', count: 1 } }]));
    await expect(startScenario({ scenario: bad }, io().io)).rejects.toThrow(
      new CliError(
        'step 0.slack.fail must be one of lost_response, ratelimited, internal_error, invalid_auth, channel_not_found, down, msg_too_long, cant_update_message, message_not_found, is_archived, ratelimited_ok_false, hang'
      )
    );
    await writeFile(bad, JSON.stringify([{ at: 5, duplicate: 0 }]));
    await expect(startScenario({ scenario: bad }, io().io)).rejects.toThrow(
      /duplicate must be the index of an earlier event step/
    );
    await writeFile(
      bad,
      JSON.stringify({
        environment: { runningLongerThan: '2 hours' },
        steps: [{ at: 0, replayDeadLetters: true }],
      })
    );
    await expect(startScenario({ scenario: bad }, io().io)).rejects.toThrow(
      /^the scenario environment\.runningLongerThan is "2 hours"; use an ISO 8601 duration/
    );
    await expect(startScenario({ scenario: example, history: 'h.json' }, io().io)).rejects.toThrow(
      /drop --history/
    );
  });

  it('the command line: --report needs --scenario; a missing file exits 2 with one line', async () => {
    // In process (cli/main.ts, as the binary runs it): exit codes at the process boundary are test/cli/exit-codes.test.ts's.
    const cli = (args: string[]) => runCli(args);
    expect(await cli(['start', '--report', 'r.json'])).toMatchObject({
      code: 2,
      stderr: 'sfn-slack: --report needs --scenario <file>\n',
    });
    const missing = await cli(['start', '--scenario', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('sfn-slack: the scenario file nope.json was not found: check the path\n');
  });
});

describe('start --scenario: the stream conventions', () => {
  // Where the output goes does not depend on what the scenario holds: one failed run (one message) is enough.
  const scenarios = path.join(repoRoot, 'examples', 'scenarios');
  let oneRun: string;
  beforeAll(async () => {
    oneRun = path.join(dir, 'one-run.scenario.json');
    await writeFile(
      oneRun,
      JSON.stringify([
        {
          at: 0,
          event: path.join(scenarios, 'redrive.failed.event.json'),
          history: path.join(scenarios, 'redrive.failed.history.json'),
        },
      ])
    );
  });
  const streams = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => err.push(t),
        env: {},
        progressAfterMs: 60_000,
      },
    };
  };

  it('--output json: the report alone on standard output, the summary on standard error', async () => {
    const { out, err, io: sink } = streams();
    await startScenario({ scenario: oneRun, out: path.join(dir, 'json.html'), output: 'json' }, sink);
    const report = JSON.parse(out.join('')) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['alarms', 'channels', 'deadLetters', 'slackCalls']);
    expect(err.join('')).toContain('C0LOCAL001: 1 message(s)');
  });

  it('--report - and --out - write to standard output, never a file named "-"', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const report = streams();
      await startScenario({ scenario: oneRun, out: path.join(dir, 'r.html'), report: '-' }, report.io);
      expect(Object.keys(JSON.parse(report.out.join('')) as object).sort()).toEqual([
        'alarms',
        'channels',
        'deadLetters',
        'slackCalls',
      ]);
      const page = streams();
      await startScenario({ scenario: oneRun, out: '-' }, page.io);
      expect(page.out.join('')).toMatch(/^<!doctype html>/i);
      expect(page.err.join('')).toContain('C0LOCAL001: 1 message(s)');
      const { existsSync } = await import('node:fs');
      expect(existsSync(path.join(dir, '-'))).toBe(false);
      await expect(startScenario({ scenario: oneRun, out: '-', report: '-' }, streams().io)).rejects.toThrow(
        '--out - and --report - would both write to standard output'
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('prints no internal lines without --verbose; --verbose prints each state entered', async () => {
    const quiet = streams();
    await startScenario(
      { scenario: oneRun, out: path.join(dir, 'q.html') },
      { ...quiet.io, progressAfterMs: 0 }
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(quiet.err.join('')).not.toMatch(/notifier (FAILED|SUCCEEDED)|"level"|formatter:/);
    const verbose = streams();
    await startScenario({ scenario: oneRun, out: path.join(dir, 'v.html'), verbose: true }, verbose.io);
    const lines = verbose.err.join('');
    expect(lines).toMatch(/^notifier: FetchHistory \(Task\)$/m);
    expect(lines).toMatch(/^delivery: \w+ \(Task\)$/m);
  });
});
