/**
 * Start-up stays cheap: building the program (`--version`, `--help`, every usage error) loads commander and the
 * commands' registrations, never an implementation (cli/commands/<name>-run.ts) with the AWS SDK, the local
 * pipeline or jsonata behind it (docs/cli.md, "How the commands are laid out"). One child process: the real
 * binary, with a module hook that records what it loads, on a quick error path (`replay` without `--env`). It is
 * also the binary's usage error for test/cli/exit-codes.test.ts, which runs every other case in process: exit 2,
 * one line on standard error.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '../temp-dirs.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = tempDir('sfn-slack-startup-');

/** Runs the binary with the recording hook; the URLs of the modules it loaded. */
function loadedBy(args: readonly string[]): Promise<{ code: number; stderr: string; loaded: string[] }> {
  const record = path.join(dir, 'loaded.txt');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(repoRoot, 'test/fixtures/cli/record-loads.mjs')).href,
        'bin/sfn-slack.js',
        ...args,
      ],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', RECORD_LOADS_TO: record },
        timeout: 60_000,
      },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
        resolve({ code, stderr, loaded });
      }
    );
  });
}

it('a usage error loads the registrations only: no AWS SDK, local pipeline, jsonata or command implementation', async () => {
  const { code, stderr, loaded } = await loadedBy(['replay']);
  expect(code).toBe(2);
  // The CLI's one line (the AWS SDK is not loaded, so no Node version notice either).
  expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^sfn-slack: no environment given: /)]);
  const repo = (relative: string) => pathToFileURL(path.join(repoRoot, relative)).href;
  // The hook saw the start-up: the program and the replay command's registration.
  expect(loaded).toEqual(expect.arrayContaining([repo('cli/program.ts'), repo('cli/commands/replay.ts')]));
  expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
  const heavy = loaded.filter(
    (url) =>
      /\/node_modules\/(@aws-sdk\/|dynalite\/|jsonata\/)/.test(url) ||
      url.startsWith(repo('local/')) ||
      /\/cli\/commands\/[a-z-]+-run\.ts$/.test(url)
  );
  expect(heavy).toEqual([]);
});
