import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderCommand } from '../../cli/commands/render.js';
import { CliError } from '../../cli/errors.js';
import { slackLimitProblems } from '../../formatters/render/limits.js';
import { slackRejections } from '../formatters/helpers/slack-oracle.js';
import { fixturesDir, repoRoot } from '../formatters/helpers/fixtures.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'sfn-slack-render-'));
const history = path.join(fixturesDir, 'lambda-failure.history.json');
const event = path.join(fixturesDir, 'lambda-failure.event.json');

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function expectCliError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(2);
  expect((error as CliError).message).toMatch(pattern);
  expect((error as CliError).message).not.toContain('\n');
}

describe('sfn-slack render', () => {
  it('prints the message for a history and its event', async () => {
    const message = JSON.parse(await renderCommand({ history, event, template: 'detailed' }));
    expect(slackLimitProblems(message)).toEqual([]);
    expect(slackRejections(message)).toEqual([]);
    expect(message.text).toContain('etl-nightly failed at Transform');
  });

  it('accepts an array of pages, a bare array of events, and the event detail alone', async () => {
    const page = (await import(history, { with: { type: 'json' } })).default as { events: unknown[] };
    const pages = write(
      'pages.json',
      JSON.stringify([{ events: page.events.slice(0, 4) }, { events: page.events.slice(4) }])
    );
    const bare = write('bare.json', JSON.stringify(page.events));
    const detail = write(
      'detail.json',
      JSON.stringify({ executionArn: 'arn:aws:states:eu-west-1:1:execution:sm:e', status: 'FAILED' })
    );
    for (const file of [pages, bare]) {
      const message = JSON.parse(await renderCommand({ history: file, event: detail, template: 'compact' }));
      expect(message.text).toContain('sm failed at Transform');
    }
  });

  it('missing, malformed or wrong-shaped input is one clear line, exit 2', async () => {
    await expectCliError(
      renderCommand({ history: path.join(dir, 'nope.json') }),
      /cannot read the history file .*no such file/
    );
    await expectCliError(renderCommand({ history: write('bad.json', '{"events": [') }), /is not valid JSON/);
    await expectCliError(
      renderCommand({ history: write('shape.json', '{"foo": 1}') }),
      /not a GetExecutionHistory result/
    );
    await expectCliError(
      renderCommand({ history, event: write('ev.json', '{"detail": {}}') }),
      /not a Step Functions status-change event/
    );
  });

  it('a template that fails to compile names the template and the JSONata error', async () => {
    const template = write('broken.jsonata', '{ "text": ');
    await expectCliError(
      renderCommand({ history, template }),
      /template '.*broken\.jsonata' does not compile: S0\d{3} /
    );
  });

  it('runs as a command: message JSON on stdout; bad input exits 2 with one line on stderr', async () => {
    const bin = path.join(repoRoot, 'bin/sfn-slack.js');
    const ok = await run(process.execPath, [bin, 'render', '--history', history, '--template', 'compact']);
    expect(JSON.parse(ok.stdout).text).toContain('failed at Transform');
    const failed = await run(process.execPath, [
      bin,
      'render',
      '--history',
      path.join(dir, 'missing.json'),
    ]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed?.stderr).toContain('cannot read the history file');
  });
});
