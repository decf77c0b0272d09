/**
 * Standard streams and files as a shell user expects them: `-` reads standard input, `--out -` writes standard
 * output, colours only on a terminal and never with NO_COLOR, a closed pipe ends the command quietly, a history
 * with no or unrecognised events is printed and then reported (exit 2), and preview's extras (the HTML page, the
 * Block Kit Builder link) only when asked for.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/errors.js';
import { main } from '../../cli/main.js';
import { tempDir } from '../temp-dirs.js';
import { captureIo, TEST_ENV } from './helpers.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const HISTORY = path.join(repoRoot, 'test/fixtures/cli/failed-run.history.json');
const EVENT = path.join(repoRoot, 'test/fixtures/cli/failed-run.event.json');
const dir = tempDir('sfn-slack-streams-');

const ESC = '\u001b[';

async function run(args: readonly string[], options: { stdin?: string; env?: object; tty?: boolean } = {}) {
  const io = captureIo(options.stdin ?? '', undefined, { ...TEST_ENV, ...options.env });
  const tty = { ...io, stdout: { ...io.stdout, isTTY: options.tty ?? false } };
  const code = await main(['node', 'sfn-slack', ...args], tty);
  return { code, out: io.out(), err: io.err() };
}

describe('- means standard input', () => {
  it('render and preview read the history (or the event) from standard input', async () => {
    const history = readFileSync(HISTORY, 'utf8');
    const fromFile = await run(['render', '--history', HISTORY, '--event', EVENT]);
    const fromStdin = await run(['render', '--history', '-', '--event', EVENT], { stdin: history });
    expect(fromStdin.code).toBe(ExitCode.ok);
    expect(fromStdin.out).toBe(fromFile.out);
    const event = readFileSync(EVENT, 'utf8');
    const preview = await run(['preview', '--history', HISTORY, '--event', '-', '--no-html'], {
      stdin: event,
    });
    expect(preview.code).toBe(ExitCode.ok);
    expect(preview.out.split('\n')[0]).toBe('❌ orders-etl failed');
  });

  it('refuses two inputs from standard input, and names bad JSON on standard input as such', async () => {
    const both = await run(['render', '--history', '-', '--event', '-']);
    expect(both.code).toBe(ExitCode.badInput);
    expect(both.err).toBe(
      'sfn-slack: --history and --event both read standard input: give a file for all but one\n'
    );
    const junk = await run(['render', '--history', '-'], { stdin: '{"events": [' });
    expect(junk.err).toBe(
      'sfn-slack: the history on standard input is not valid JSON at line 1, column 13: give the saved JSON output\n'
    );
  });
});

describe('--out - means standard output', () => {
  it('preview writes the HTML page to standard output and no file named -', async () => {
    const { code, out } = await run(['preview', '--history', HISTORY, '--event', EVENT, '--out', '-']);
    expect(code).toBe(ExitCode.ok);
    expect(out.startsWith('<!doctype html>')).toBe(true);
    expect(out).toContain('orders-etl failed');
    expect(existsSync(path.join(process.cwd(), '-'))).toBe(false);
  });

  it('start writes the HTML page to standard output, the delivery line to standard error', async () => {
    const { code, out, err } = await run(['start', '--out', '-']);
    expect(code).toBe(ExitCode.ok);
    expect(out.startsWith('<!doctype html>')).toBe(true);
    expect(err).toContain('Delivered to the local Slack server.');
  });
});

describe('preview extras', () => {
  it('prints no Block Kit Builder link unless --builder-url; --no-html writes no page', async () => {
    const out = path.join(dir, 'page.html');
    const plain = await run(['preview', '--history', HISTORY, '--event', EVENT, '--out', out]);
    expect(plain.err).not.toContain('block-kit-builder');
    expect(plain.err).toContain(`HTML preview: ${out}`);
    expect(existsSync(out)).toBe(true);

    const skipped = path.join(dir, 'skipped.html');
    const noHtml = await run([
      'preview',
      '--history',
      HISTORY,
      '--event',
      EVENT,
      '--out',
      skipped,
      '--no-html',
    ]);
    expect(noHtml.code).toBe(ExitCode.ok);
    expect(existsSync(skipped)).toBe(false);
    expect(noHtml.err).toBe('');

    const withLink = await run([
      'preview',
      '--history',
      HISTORY,
      '--event',
      EVENT,
      '--no-html',
      '--builder-url',
    ]);
    expect(withLink.err).toMatch(/^Block Kit Builder: https:\/\/app\.slack\.com\/block-kit-builder#\S+\n$/);
  });

  it('--output json prints one JSON document and writes no page nobody asked for', async () => {
    const { code, out, err } = await run([
      'preview',
      '--history',
      HISTORY,
      '--event',
      EVENT,
      '--output',
      'json',
    ]);
    expect(code).toBe(ExitCode.ok);
    expect(JSON.parse(out).text).toContain('orders-etl failed');
    expect(err).toBe('');
  });

  it('an --out that cannot be written is one line, exit 2, after the message was printed', async () => {
    const blocked = path.join(HISTORY, 'page.html'); // a path under a file
    const { code, out, err } = await run([
      'preview',
      '--history',
      HISTORY,
      '--event',
      EVENT,
      '--out',
      blocked,
    ]);
    expect(code).toBe(ExitCode.badInput);
    expect(out).toContain('orders-etl failed');
    // mkdir -p of a path under a file: EEXIST or ENOTDIR, depending on the platform.
    expect(err).toBe(
      `sfn-slack: cannot write the HTML preview to ${blocked} (${/\((E[A-Z]+)\)/.exec(err)?.[1]}): give another --out, or --no-html\n`
    );
    expect(err).toMatch(/\((EEXIST|ENOTDIR)\)/);
  });
});

describe('histories with nothing to read', () => {
  it('no events beside an event: render and preview print the event-only message the notifier posts, exit 0, saying so', async () => {
    for (const command of ['render', 'preview']) {
      const { code, out, err } = await run(
        [command, '--history', '-', '--event', EVENT, '--no-html'].filter(
          (arg) => command === 'preview' || arg !== '--no-html'
        ),
        { stdin: '{"events": []}' }
      );
      expect(code, command).toBe(0);
      expect(out, command).toContain('orders-etl failed');
      expect(err.trim().split('\n'), command).toHaveLength(1);
      expect(err, command).toMatch(
        /^sfn-slack: \S+: the history on standard input has no events: this is the message the notifier posts from the event alone/
      );
    }
  });

  it.each([
    [
      'junk',
      '{"events": [{"foo": 1}, {"bar": 2}]}',
      /has 2 item\(s\) but no history event \(each needs "type" and "id"\)/,
    ],
  ])('%s: render and preview print the message, then warn with exit 2', async (_, content, warning) => {
    for (const command of ['render', 'preview']) {
      const { code, out, err } = await run(
        [command, '--history', '-', '--event', EVENT, '--no-html'].filter(
          (arg) => command === 'preview' || arg !== '--no-html'
        ),
        { stdin: content }
      );
      expect(code, command).toBe(ExitCode.badInput);
      expect(out, command).toContain('orders-etl failed');
      expect(err.trim().split('\n'), command).toHaveLength(1);
      expect(err, command).toMatch(new RegExp(`^sfn-slack: the history on standard input ${warning.source}`));
    }
  });

  it('start does the same', async () => {
    const { code, err } = await run(
      ['start', '--history', '-', '--event', EVENT, '--out', path.join(dir, 's.html')],
      {
        stdin: '{"events": []}',
      }
    );
    expect(code).toBe(ExitCode.badInput);
    // Progress lines may come first on a slow machine (shown after 800 ms); the warning is the last line.
    expect(err.trim().split('\n').at(-1)).toMatch(/^sfn-slack: the history on standard input has no events/);
  });
});

describe('colour', () => {
  it.each(['preview', 'start'])('%s styles a terminal, and nothing with NO_COLOR set', async (command) => {
    const args =
      command === 'preview'
        ? ['preview', '--history', HISTORY, '--event', EVENT, '--no-html']
        : ['start', '--out', path.join(dir, `colour.html`)];
    const styled = await run(args, { tty: true, env: { NO_COLOR: undefined } });
    expect(styled.out).toContain(ESC);
    const plain = await run(args, { tty: true, env: { NO_COLOR: '1' } });
    expect(plain.code).toBe(ExitCode.ok);
    expect(plain.out).not.toContain(ESC);
    const piped = await run(args, { tty: false, env: { NO_COLOR: undefined } });
    expect(piped.out).not.toContain(ESC);
  });
});

describe('a closed pipe', () => {
  // The binary stops quietly on a broken pipe whatever the command; `render` is the lightest that writes standard
  // output (about a third of `start`'s CPU: no local pipeline), and `start` runs as a child in test/e2e/start.
  it('`sfn-slack render … | head -0` ends quietly: no EPIPE stack trace, exit 0', async () => {
    const child = spawn(
      process.execPath,
      ['bin/sfn-slack.js', 'render', '--history', HISTORY, '--event', EVENT],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    // The reader goes away before the first line is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // No error line, no stack trace.
    expect(stderr).not.toMatch(/EPIPE|Error|sfn-slack:|\n\s+at /);
    expect(code).toBe(0);
  });
});
