import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/preview.js';
import type { SlackMessage } from '../../contract/formatter.js';
import { tempDir } from '../temp-dirs.js';
import { awsError, captureIo, runCommand } from './helpers.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/cli');
const HISTORY = path.join(fixtures, 'failed-run.history.json');
const EVENT = path.join(fixtures, 'failed-run.event.json');
const ARN = 'arn:aws:states:eu-west-1:111122223333:execution:orders-etl:run-2026-11-24';
const sfn = mockClient(SFNClient);
let dir: string;

beforeEach(() => {
  sfn.reset();
  dir = tempDir('sfn-slack-preview-cli-');
});

describe('sfn-slack preview from files', () => {
  it('prints the readable message, writes the HTML page and, with --builder-url, a Block Kit Builder link', async () => {
    const out = path.join(dir, 'nested', 'preview.html');
    const io = captureIo();
    const result = await runCommand(
      register,
      ['preview', '--history', HISTORY, '--event', EVENT, '--env', 'prod', '--out', out, '--builder-url'],
      io
    );

    expect(result).toEqual({ exitCode: 0 });
    const text = io.out();
    expect(text.split('\n')[0]).toBe('❌ orders-etl failed [prod]');
    // The step name is escaped for Slack by the formatter and shown decoded to the reader.
    expect(text).toContain('  Failed in: Load <warehouse> & index\n');
    expect(text).toContain(
      '[ View execution in console ] https://eu-west-1.console.aws.amazon.com/states/home'
    );

    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h2 class="header">❌ orders-etl failed [prod]</h2>');
    expect(html).toContain('Load &lt;warehouse&gt; &amp; index');
    expect(html).toContain('<title>Preview: run-2026-11-24 FAILED</title>');

    const link = /^Block Kit Builder: (\S+)$/m.exec(io.err())?.[1] ?? '';
    expect(io.err()).toContain(`HTML preview: ${out}\n`);
    expect(link.startsWith('https://app.slack.com/block-kit-builder#')).toBe(true);
    const { blocks } = JSON.parse(decodeURIComponent(link.split('#')[1] ?? '')) as SlackMessage;
    expect(blocks?.[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':x: orders-etl failed [prod]', emoji: true },
    });
  });

  it('prints the message JSON on --json, to stdout only', async () => {
    const io = captureIo();
    await runCommand(
      register,
      ['preview', '--history', HISTORY, '--event', EVENT, '--json', '--out', path.join(dir, 'p.html')],
      io
    );
    const message = JSON.parse(io.out()) as SlackMessage;
    expect(message.text).toContain('orders-etl failed');
    expect(message.blocks?.length).toBeGreaterThan(3);
  });

  it('an event with an empty history previews the event-only message, exit 0, saying so', async () => {
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, '{"events": []}');
    const io = captureIo();
    const result = await runCommand(
      register,
      ['preview', '--history', empty, '--event', EVENT, '--json', '--no-html'],
      io
    );
    expect(result).toEqual({ exitCode: 0 });
    expect((JSON.parse(io.out()) as SlackMessage).text).toContain('orders-etl failed');
    expect(io.err()).toContain('the message the notifier posts from the event alone');
  });

  it.each([
    [
      [],
      'nothing to preview: give --execution-arn <arn> (reads AWS) or --history <file> and/or --event <file>',
    ],
    [
      ['--history', '/nonexistent/h.json'],
      'the history file /nonexistent/h.json was not found: check the path',
    ],
    [
      ['--execution-arn', ARN, '--history', HISTORY],
      'give either --execution-arn or --history/--event files, not both',
    ],
    [
      ['--event', HISTORY],
      `the event file ${HISTORY} is not a Step Functions status-change event: expected an EventBridge event with detail.executionArn and detail.status (or the detail itself)`,
    ],
  ])('exits 2 on bad input %j', async (args, error) => {
    const result = await runCommand(
      register,
      ['preview', ...args, '--out', path.join(dir, 'p.html')],
      captureIo()
    );
    expect(result).toEqual({ exitCode: 2, error });
  });

  it('exits 2 with the formatter’s reason on an unknown template', async () => {
    const result = await runCommand(
      register,
      ['preview', '--history', HISTORY, '--template', 'nosuch', '--out', path.join(dir, 'p.html')],
      captureIo()
    );
    expect(result.exitCode).toBe(2);
    expect(result.error).toMatch(/^template nosuch: /);
  });

  it('exits 2 on a history file that is not JSON, with where it breaks', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"events": [\n  {"id": 1,}\n]}');
    const result = await runCommand(register, ['preview', '--history', bad], captureIo());
    expect(result).toEqual({
      exitCode: 2,
      error: `the history file ${bad} is not valid JSON at line 2, column 12: give the saved JSON output`,
    });
  });
});

describe('sfn-slack preview --execution-arn', () => {
  const history = JSON.parse(readFileSync(HISTORY, 'utf8')) as { events: Record<string, unknown>[] };
  // The JS SDK hands timestamps over as Date objects.
  const sdkEvents = history.events.map((event) => ({
    ...event,
    timestamp: new Date((event.timestamp as number) * 1000),
  }));
  const event = JSON.parse(readFileSync(EVENT, 'utf8')) as { detail: Record<string, unknown> };

  beforeEach(() => {
    sfn.on(DescribeExecutionCommand, { executionArn: ARN }).resolves({
      executionArn: ARN,
      stateMachineArn: event.detail.stateMachineArn as string,
      name: 'run-2026-11-24',
      status: 'FAILED',
      startDate: new Date(event.detail.startDate as number),
      stopDate: new Date(event.detail.stopDate as number),
      error: 'LockTimeout',
      cause: event.detail.cause as string,
      redriveCount: 0,
    });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: sdkEvents.slice(0, 6) as never, nextToken: 'page-2' })
      .resolves({ events: sdkEvents.slice(6) as never });
  });

  it('reads every history page without execution data and shows the same message as the files', async () => {
    const live = captureIo();
    expect(
      await runCommand(
        register,
        ['preview', '--execution-arn', ARN, '--env', 'prod', '--out', path.join(dir, 'a.html')],
        live
      )
    ).toEqual({ exitCode: 0 });

    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({
      executionArn: ARN,
      includeExecutionData: false,
      maxResults: 1000,
      nextToken: 'page-2',
    });

    const files = captureIo();
    await runCommand(
      register,
      ['preview', '--history', HISTORY, '--event', EVENT, '--env', 'prod', '--out', path.join(dir, 'b.html')],
      files
    );
    expect(live.out()).toBe(files.out());
    expect(live.out()).toContain('✅ ExtractOrders');
  });

  it('reads the definition the execution ran, so Tasks are named as the deployed notifier names them; without it, goes on', async () => {
    const asl = {
      StartAt: 'ExtractOrders',
      States: {
        ExtractOrders: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'orders-extract-fn' },
          End: true,
        },
      },
    };
    sfn
      .on(DescribeStateMachineForExecutionCommand, { executionArn: ARN })
      .resolvesOnce({ definition: JSON.stringify(asl) } as never)
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    const named = captureIo();
    const args = ['preview', '--execution-arn', ARN, '--output', 'json', '--no-html'];
    expect(await runCommand(register, args, named)).toEqual({ exitCode: 0 });
    expect(named.out()).toContain('orders-extract-fn');
    const refused = captureIo();
    expect(await runCommand(register, args, refused)).toEqual({ exitCode: 0 });
    expect(refused.out()).not.toContain('orders-extract-fn');
  });

  it('maps a refused history read to exit 3 with what was being read', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(
        awsError('AccessDeniedException', 'not authorized to perform states:GetExecutionHistory', 400)
      );
    const result = await runCommand(
      register,
      ['preview', '--execution-arn', ARN, '--out', path.join(dir, 'c.html')],
      captureIo()
    );
    expect(result.exitCode).toBe(3);
    expect(result.error).toBe(
      `AWS refused to read the history of ${ARN} (AccessDeniedException: not authorized to perform states:GetExecutionHistory): use credentials allowed to do it (--profile)`
    );
  });
});
