/**
 * `start` and `digest --scenario` run the Lambdas in process, and those log JSON lines (Powertools; one per
 * history page for the formatter). Those lines are for `start --verbose` only: without it they never reach the
 * output, even when the progress lines show (they show once a run takes longer than a moment; here at once).
 * cli/lambda-logs.ts keeps them off standard output.
 */
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../temp-dirs.js';

// The suite silences the logger (vitest.config.ts); this file needs it to log, before the formatter is loaded: a
// fresh copy of the project's modules (the worker may have loaded them silenced), forgotten again afterwards so the
// next file's formatter is silent (test/process-state.ts puts the variable back).
vi.resetModules();
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
afterAll(() => vi.resetModules());
const { startCommand } = await import('../../cli/commands/start-run.js');
const { runCli } = await import('./helpers.js');

const dir = tempDir('sfn-slack-lambda-logs-');

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

describe('sfn-slack digest --scenario and the Lambdas’ log lines', () => {
  it('prints the digest only: nothing logged reaches standard output, the captured one or the process’s', async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    // What the process itself would print, as the binary's stdout: the Lambdas log through process.stdout.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(['digest', '--scenario', 'examples/scenarios/fail-redrive-succeed.scenario.json']);
    } finally {
      process.stdout.write = write;
    }
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Daily digest');
    expect(`${run.stdout}${run.stderr}${written.join('')}`).not.toContain('"level"');
  });
});
