import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommand, renderMessage } from '../../cli/commands/render-run.js';
import { CliError } from '../../cli/errors.js';
import { slackLimitProblems } from '../../formatters/formatter/render/limits.js';
import { fixturesDir } from '../formatters/helpers/fixtures.js';
import { slackRejections } from '../formatters/helpers/slack-oracle.js';
import { tempDir } from '../temp-dirs.js';
import { runCli } from './helpers.js';

const dir = tempDir('sfn-slack-render-');
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

  it('--definition names what each Task ran, as the deployed notifier does with its Describe step', async () => {
    const asl = {
      StartAt: 'Transform',
      States: {
        Transform: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'orders-transform-fn' },
          End: true,
        },
      },
    };
    const without = await renderCommand({ history, event });
    expect(without).not.toContain('orders-transform-fn');
    // The DescribeStateMachineForExecution response as the CLI saves it, and the bare ASL, both work.
    for (const content of [{ definition: JSON.stringify(asl), name: 'etl' }, asl]) {
      const definition = write('definition.json', JSON.stringify(content));
      expect(await renderCommand({ history, event, definition })).toContain('orders-transform-fn');
    }
    await expectCliError(
      renderCommand({ history, event, definition: write('not-asl.json', '{"foo": 1}') }),
      /the definition file .* is not a state machine definition: save one with/
    );
  });

  it('missing, malformed or wrong-shaped input is one clear line, exit 2', async () => {
    await expectCliError(
      renderCommand({ history: path.join(dir, 'nope.json') }),
      /the history file .* was not found: check the path/
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

  it('an event whose history is empty (or not given) shows the event-only message the notifier posts, not an error', async () => {
    const empty = write('empty-history.json', '{"events": []}');
    for (const historyFile of [empty, undefined]) {
      const warnings: string[] = [];
      const message = JSON.parse(
        await renderCommand(
          { ...(historyFile ? { history: historyFile } : {}), event, template: 'compact' },
          (w) => warnings.push(w)
        )
      );
      expect(slackRejections(message)).toEqual([]);
      expect(message.text).toContain('etl-nightly failed');
      expect(warnings.join('\n')).toContain('the message the notifier posts from the event alone');
    }
    // Without an event there is nothing to show: still a problem.
    expect((await renderMessage({ history: empty })).problem).toMatch(/has no events/);
  });

  it('a template that fails to compile names the template and the JSONata error', async () => {
    const template = write('broken.jsonata', '{ "text": ');
    await expectCliError(
      renderCommand({ history, template }),
      /template '.*broken\.jsonata' does not compile: S0\d{3} /
    );
  });

  it('a template that does not return a Slack message is one line naming the template, exit 2', async () => {
    for (const [expression, what] of [
      ['42', 'it returned a number (42)'],
      ['{"blocks":"x"}', '"blocks" is a string, not an array'],
    ] as const) {
      const template = write(`not-a-message-${expression.length}.jsonata`, expression);
      await expectCliError(renderCommand({ history, template }), /did not return a Slack message/);
      const failed = await runCli(['render', '--history', history, '--template', template]);
      expect(failed?.code).toBe(2);
      expect(failed?.stdout).toBe('');
      expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failed?.stderr).toContain(`template '${template}' did not return a Slack message: ${what}`);
    }
  });

  it('--env names the environment, like the operator commands; --environment still works', async () => {
    for (const option of ['--env', '--environment']) {
      const out = await runCli(['render', '--history', history, '--event', event, option, 'stg']);
      const message = JSON.parse(out.stdout);
      expect(message.text).toContain('etl-nightly failed [stg] at Transform');
      expect(slackRejections(message)).toEqual([]);
    }
    const help = await runCli(['render', '--help']);
    expect(help.stdout).toMatch(/--env <name>/);
  });

  it('blocks dropped to keep the message valid are warned about on stderr, the message still printed', async () => {
    const template = write(
      'table.jsonata',
      '{ "text": "t", "blocks": [ { "type": "table" }, { "type": "divider" } ] }'
    );
    const out = await runCli(['render', '--history', history, '--template', template]);
    expect(JSON.parse(out.stdout).blocks).toEqual([{ type: 'divider' }]);
    expect(out.stderr).toContain(
      `sfn-slack: warning: template '${template}': block 0 (table): unsupported block type`
    );
  });

  it('SFN_SLACK_ENV names the environment when -e/--env is not given; --output text reads as in Slack', async () => {
    const saved = process.env.SFN_SLACK_ENV;
    process.env.SFN_SLACK_ENV = 'qa'; // commander reads the option's variable from the process environment
    try {
      const json = await runCli(['render', '--history', history, '--event', event]);
      expect(JSON.parse(json.stdout).text).toContain('etl-nightly failed [qa] at Transform');
      const flag = await runCli(['render', '--history', history, '--event', event, '-e', 'prod']);
      expect(JSON.parse(flag.stdout).text).toContain('[prod]');
    } finally {
      if (saved === undefined) delete process.env.SFN_SLACK_ENV;
      else process.env.SFN_SLACK_ENV = saved;
    }
    const text = await runCli(['render', '--history', history, '--event', event, '--output', 'text']);
    expect(text.stdout.split('\n')[0]).toBe('❌ etl-nightly failed');
  });

  it('runs as a command: message JSON on stdout; bad input exits 2 with one line on stderr', async () => {
    const ok = await runCli(['render', '--history', history, '--template', 'compact']);
    expect(JSON.parse(ok.stdout).text).toContain('failed at Transform');
    const failed = await runCli(['render', '--history', path.join(dir, 'missing.json')]);
    expect(failed?.code).toBe(2);
    expect(failed?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed?.stderr).toMatch(/the history file .* was not found/);
  });
});
