/**
 * `start` runs the formatter in process, and the formatter logs one JSON line per history page (Powertools). Those
 * lines are for `--verbose` only: without it they never reach the output, even when the progress lines show
 * (they show once a run takes longer than a moment; here at once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The suite silences the logger (vitest.config.ts); this file needs it to log, before the formatter is loaded: a
// fresh copy of the project's modules (the worker may have loaded them silenced), forgotten again afterwards so the
// next file's formatter is silent (test/process-state.ts puts the variable back).
vi.resetModules();
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
afterAll(() => vi.resetModules());
const { startCommand } = await import('../../cli/commands/start.js');

const dir = mkdtempSync(path.join(tmpdir(), 'sfn-slack-start-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(verbose: boolean) {
  let out = '';
  let err = '';
  await startCommand(
    { verbose, out: path.join(dir, `${verbose}.html`) },
    {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env: {},
      progressAfterMs: 0,
    }
  );
  return { out, err };
}

describe('sfn-slack start and the formatter’s log lines', () => {
  it('shows them with --verbose', async () => {
    const { err } = await start(true);
    expect(err).toMatch(/^formatter: \{"level":"INFO","message":"formatted"/m);
  });

  it('keeps them out of standard output and standard error without it', async () => {
    const { out, err } = await start(false);
    expect(out).toContain('Delivered to the local Slack server.');
    expect(err).toContain('running the notifier locally');
    expect(`${out}${err}`).not.toContain('"level"');
  });
});
