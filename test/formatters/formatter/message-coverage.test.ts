/**
 * What issue 2 asks the message to carry beyond the basics: Map Run ARN, redrive count and date, account /
 * region / partition, RUNNING and PENDING_REDRIVE, and escaping of every execution-derived string wherever
 * it lands (blocks, the `text` fallback, the handler's plain-text fallback, console URLs).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NotifierSettings, SlackMessage, StatusChangeEvent } from '../../../contract/formatter.js';
import { formatExecution, plainTextMessage } from '../../../formatters/formatter/format.js';
import { formatMessage as handler } from '../../../formatters/formatter/handler.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { ACCOUNT, executionArn, HistoryBuilder, REGION } from '../../../local/history-builder.js';
import { tempDir } from '../../temp-dirs.js';
import { loadFixture } from '../helpers/fixtures.js';

/** Every string anywhere in a value (texts, URLs, button values, fields). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function event(status: string, arn: string, extra: Record<string, unknown> = {}): StatusChangeEvent {
  return {
    account: ACCOUNT,
    region: REGION,
    detail: { executionArn: arn, status, startDate: 1_764_040_800_000, stopDate: null, ...extra },
  };
}

describe('message: Map Run, redrive, location', () => {
  it('a distributed Map shows its Map Run ARN and the Map Run’s error', async () => {
    const mapRunArn = `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:generated/Scan:0f1e2d3c-aaaa-bbbb-cccc-1234567890ab`;
    const b = new HistoryBuilder();
    b.started();
    const map = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'Scan' });
    const started = b.add('MapStateStarted', map, 'mapStateStartedEventDetails', { length: 1_000 });
    const run = b.add('MapRunStarted', started, 'mapRunStartedEventDetails', { mapRunArn });
    const runFailed = b.add('MapRunFailed', run, 'mapRunFailedEventDetails', {
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
    });
    const mapFailed = b.add('MapStateFailed', runFailed);
    b.fail(
      mapFailed,
      'States.ExceedToleratedFailureThreshold',
      'The specified tolerated failure threshold was exceeded'
    );
    const { message, summary } = await formatExecution({ pages: b.pages() });
    expect(summary.steps[0]?.map?.mapRunArn).toBe(mapRunArn);
    expect(summary.steps[0]).toMatchObject({ name: 'Scan', outcome: 'failed' });
    const all = strings(message).join('\n');
    expect(all).toContain(`Map Run \`${mapRunArn}\``);
    // Its iterations are child executions, not in this history: no "0 iterations" line.
    expect(all).not.toContain('0 iterations');
    expect(all).toContain('States.ExceedToleratedFailureThreshold');
    expect(slackLimitProblems(message)).toEqual([]);
  });

  it('a redriven execution shows the redrive count and date', async () => {
    const { page, event: ev } = loadFixture('redriven');
    const { message } = await formatExecution({ pages: [page], event: ev });
    const all = strings(message).join('\n');
    // The event's redriveDate, 1764048010000 ms = 2025-11-25T05:20:10Z.
    expect(all).toContain(
      ':repeat: redriven 1× (last <!date^1764048010^{date_short_pretty} {time_secs}|2025-11-25T05:20:10Z>)'
    );
    expect(all).toContain('*Redrives*\n1');
  });

  it('the account and region are shown; the partition when it is not aws', async () => {
    const { page, event: ev } = loadFixture('success');
    const { message } = await formatExecution({ pages: [page], event: ev });
    expect(strings(message).join('\n')).toMatch(/account 123456789012 · eu-west-1 · \d+ events/);

    const b = new HistoryBuilder();
    b.started();
    b.succeed(b.task('Only', 0));
    const arn = 'arn:aws-cn:states:cn-north-1:210987654321:execution:sm:run-cn';
    const cn = await formatExecution({
      pages: b.pages(),
      event: { detail: { executionArn: arn, status: 'SUCCEEDED' } },
    });
    const all = strings(cn.message).join('\n');
    expect(all).toContain('account 210987654321 · cn-north-1 · aws-cn');
    expect(all).toContain(
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:'
    );
  });
});

describe('message: nested executions', () => {
  it('links the child execution by its own ARN, percent-encoded once (not its escaped form)', async () => {
    const { page, event: ev } = loadFixture('nested-failure');
    // Swap in a child ARN with characters that need care in a link.
    const json = JSON.stringify(page).replaceAll('child-7d1c', 'child&7d1c');
    const { message, summary } = await formatExecution({ pages: [JSON.parse(json)], event: ev });
    expect(summary.steps[0]?.resource?.arn).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:etl-child:child&7d1c'
    );
    const links =
      strings(message)
        .join('\n')
        .match(/<https:[^|>]*\|(child execution|Open the child execution)>/g) ?? [];
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toContain(
        '/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:etl-child:child%267d1c|'
      );
    }
  });
});

describe('message: what each step ran', () => {
  it('an HTTP endpoint by its host, an SDK integration by service:action, a succeeded child execution linked', async () => {
    const b = new HistoryBuilder();
    b.started();
    const step = (name: string, prev: number, details: Record<string, unknown>, output?: string): number => {
      const entered = b.add('TaskStateEntered', prev, 'stateEnteredEventDetails', { name });
      const scheduled = b.add('TaskScheduled', entered, 'taskScheduledEventDetails', details);
      const started = b.add('TaskStarted', scheduled, 'taskStartedEventDetails', {});
      const ok = b.add('TaskSucceeded', started, 'taskSucceededEventDetails', output ? { output } : {});
      return b.add('TaskStateExited', ok, 'stateExitedEventDetails', { name });
    };
    const http = step('CallApi', 0, {
      resourceType: 'http',
      resource: 'invoke',
      parameters: JSON.stringify({ ApiEndpoint: 'https://api.example.com/v1/orders?x=1', Method: 'POST' }),
    });
    const sdk = step('PutItem', http, {
      resourceType: 'aws-sdk:dynamodb',
      resource: 'putItem',
      parameters: JSON.stringify({ TableName: 'orders' }),
    });
    const child = 'arn:aws:states:eu-west-1:123456789012:execution:etl-child:child-ok';
    const nested = step(
      'RunChild',
      sdk,
      {
        resourceType: 'states',
        resource: 'startExecution.sync:2',
        parameters: JSON.stringify({
          StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:etl-child',
        }),
      },
      JSON.stringify({ ExecutionArn: child, Status: 'SUCCEEDED' })
    );
    b.succeed(nested);
    // A history read with its execution data (task parameters and outputs), which the notifier never has.
    const { message, summary } = await formatExecution({ pages: b.pages(), executionData: true });
    expect(summary.steps.map((x) => [x.name, x.resource?.kind, x.resource?.label])).toEqual([
      ['CallApi', 'http', 'api.example.com'],
      ['PutItem', 'aws-sdk', 'dynamodb:putItem'],
      ['RunChild', 'states', 'etl-child'],
    ]);
    expect(summary.steps[2]?.resource?.arn).toBe(child);
    const all = strings(message).join('\n');
    expect(all).toContain('*CallApi* · _Task_ · api.example.com');
    expect(all).toContain('*PutItem* · _Task_ · dynamodb:putItem');
    expect(all).toContain(`/v2/executions/details/${child}|child execution>`);
  });
});

describe('message: RUNNING and PENDING_REDRIVE', () => {
  const settings: Partial<NotifierSettings> = { environment: 'prod', mentionOnFailure: '<!subteam^S0123>' };

  it('RUNNING: still-running steps, no end, nobody paged', async () => {
    const b = new HistoryBuilder();
    b.started();
    const done = b.task('Extract', 0);
    const entered = b.add('TaskStateEntered', done, 'stateEnteredEventDetails', { name: 'Load' });
    b.add('TaskScheduled', entered, 'taskScheduledEventDetails', {
      resourceType: 'lambda',
      resource: 'invoke',
    });
    const arn = executionArn('run-live');
    const { message, summary } = await formatExecution({
      pages: b.pages(),
      event: event('RUNNING', arn),
      settings,
    });
    expect(summary.execution.status).toBe('RUNNING');
    expect(summary.execution.stopMs).toBeUndefined();
    expect(summary.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['Extract', 'succeeded'],
      ['Load', 'running'],
    ]);
    expect(summary.steps[1]?.endMs).toBeUndefined();
    expect(message.text).toBe(':arrow_forward: generated is running [prod]');
    const all = strings(message).join('\n');
    expect(all).toMatch(/:arrows_counterclockwise: \*Load\* .*· running/);
    expect(all).not.toContain('*Ended*');
    expect(all).not.toContain('subteam');
    expect(slackLimitProblems(message)).toEqual([]);
  });

  it('PENDING_REDRIVE: the event’s status wins over the history’s FAILED', async () => {
    const { page } = loadFixture('lambda-failure');
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:etl-nightly:run-lambda-failure';
    const { message, summary } = await formatExecution({
      pages: [page],
      event: event('PENDING_REDRIVE', arn, { redriveCount: 1 }),
      settings,
    });
    expect(summary.execution.status).toBe('PENDING_REDRIVE');
    expect(message.text).toBe(':repeat: etl-nightly is pending redrive [prod]');
    const header = message.blocks?.[0] as unknown as { text: { text: string } };
    expect(header.text.text).toBe(':repeat: etl-nightly is pending redrive [prod]');
    // What failed before is still shown.
    expect(strings(message).join('\n')).toContain('ValueError: row 42: amount is not a number');
  });
});

describe('escaping: every execution-derived string, wherever it lands', () => {
  const hostile = '<!channel> <https://evil.example|login> & <@U024BE7LH>';
  const attacks = ['<!channel>', '<https://evil', '<@U024BE7LH>', '<!here>'];
  // An execution name cannot hold < > & (StartExecution rules), but the message must not trust that.
  const arn = `arn:aws:states:eu-west-1:123456789012:execution:sm<!here>:run&<x>|y`;

  function hostileInput(): { pages: unknown[]; event: StatusChangeEvent } {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task(hostile, 0, {
      fail: { error: '<!here>', cause: JSON.stringify({ errorMessage: hostile }) },
    });
    b.fail(failed, '<!here>', hostile);
    return {
      pages: b.pages(),
      event: {
        account: '<!channel>',
        region: '<!here>',
        detail: {
          executionArn: arn,
          stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sm<!here>',
          name: 'run&<x>|y',
          status: 'FAILED',
          error: '<!here>',
          cause: hostile,
          startDate: 1_764_040_800_000,
          stopDate: 1_764_040_810_000,
        },
      },
    };
  }

  function expectSafe(message: SlackMessage, mention: string): void {
    const all = strings(message);
    for (const s of all) {
      for (const attack of attacks) expect(s).not.toContain(attack);
      // The only raw `<` left opens a Slack date token, a console link or the configured mention.
      const opens = s.match(/<[^<]{0,12}/g) ?? [];
      for (const open of opens) {
        expect(
          open.startsWith('<!date^') || open.startsWith('<https://eu-west-1.') || open.startsWith(mention)
        ).toBe(true);
      }
    }
  }

  it('blocks, text, button URL and links', async () => {
    const { pages, event: ev } = hostileInput();
    const { message } = await formatExecution({
      pages,
      event: ev,
      settings: { mentionOnFailure: '<!subteam^S1>' },
    });
    expectSafe(message, '<!subteam^S1>');
    expect(message.text).toContain('&lt;!here&gt;');
    const urls = strings(message).filter((s) => s.startsWith('https://'));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      // The ARN inside the URL is percent-encoded: no raw < > & | that could end or fake a link.
      expect(url).not.toMatch(/[<>&|]/);
      expect(url).toContain('sm%3C!here%3E:run%26%3Cx%3E%7Cy');
    }
  });

  it('event types a custom template lists (keys of unknownEventTypes)', async () => {
    const b = new HistoryBuilder();
    b.started();
    b.add('<!channel>Happened', 1);
    const dir = tempDir('sfn-slack-keys-');
    const template = path.join(dir, 'keys.jsonata');
    writeFileSync(template, '{ "text": $join($keys(summary.unknownEventTypes), ",") }');
    const { message } = await formatExecution({ pages: b.pages(), settings: { template } });
    expect(message.text).toBe('&lt;!channel&gt;Happened');
  });

  it('the plain-text fallback (template failed or blocks rejected)', async () => {
    const { pages, event: ev } = hostileInput();
    const { summary } = await formatExecution({ pages, event: ev });
    const plain = plainTextMessage(summary, { mentionOnFailure: '<!subteam^S1>' });
    expectSafe(plain, '<!subteam^S1>');
    expect(plain.text).toContain('&lt;!here&gt;');
    const out = await handler({
      event: ev,
      settings: { environment: '<b>&', destination: { type: 'channel', channel: 'C1' } },
      pages,
    });
    if (out.kind !== 'message') throw new Error('expected a message');
    expectSafe(out.delivery.payload, '<!never>');
    expectSafe(out.delivery.fallback, '<!never>');
    expect(out.delivery.fallback.text).toContain('&lt;b&gt;&amp;');
  });
});
