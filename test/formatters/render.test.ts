import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../formatters/contract.js';
import { formatExecution, TemplateError } from '../../formatters/format.js';
import { executionConsoleUrl } from '../../formatters/render/console-url.js';
import { escapeText } from '../../formatters/render/escape.js';
import { enforceSlackLimits, slackLimitProblems } from '../../formatters/render/limits.js';
import { slackDate, truncateMrkdwn } from '../../formatters/render/text.js';
import { loadFixture } from './helpers/fixtures.js';
import { bigHistory, HistoryBuilder } from './helpers/history-builder.js';

/** Every mrkdwn/plain text string in a message. */
function texts(message: SlackMessage): string[] {
  const out: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'text' && typeof v === 'string') out.push(v);
        else walk(v);
      }
    }
  };
  walk(message.blocks);
  return out;
}

async function render(name: string, settings = {}) {
  const { page, event } = loadFixture(name);
  return formatExecution({ pages: [page], event, settings: { environment: 'prod', ...settings } });
}

describe('render: content', () => {
  it('a success message has header, times as Slack date tokens, every step with emoji, console button', async () => {
    const { message } = await render('success');
    expect(slackLimitProblems(message)).toEqual([]);
    const header = message.blocks?.[0] as { type: string; text: { text: string } };
    expect(header.type).toBe('header');
    expect(header.text.text).toBe(':white_check_mark: etl-nightly succeeded [prod]');
    const all = texts(message).join('\n');
    // ExecutionStarted at 1764040800 = 2025-11-25T03:20:00Z (the event's startDate).
    expect(all).toContain('<!date^1764040800^{date_short_pretty} {time_secs}|2025-11-25T03:20:00Z>');
    for (const step of ['Extract', 'HasRows', 'Load', 'Done']) {
      expect(all).toMatch(new RegExp(`:white_check_mark: \\*${step}\\*`));
    }
    const actions = message.blocks?.find((b) => b.type === 'actions') as unknown as {
      elements: { url: string }[];
    };
    expect(actions.elements[0]?.url).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:etl-nightly:run-2025-11-25'
    );
  });

  it('a failure names the failing state, the parsed error and mentions the configured group', async () => {
    const { message } = await render('lambda-failure', { mentionOnFailure: '<!subteam^S0123>' });
    expect(message.text.startsWith('<!subteam^S0123> :x: etl-nightly failed [prod] at Transform')).toBe(true);
    const all = texts(message).join('\n');
    expect(all).toContain('ValueError: row 42: amount is not a number');
    expect(all).toContain('*Failed in*\nTransform');
  });

  it('does not mention anyone on success', async () => {
    const { message } = await render('success', { mentionOnFailure: '<!subteam^S0123>' });
    expect(JSON.stringify(message)).not.toContain('subteam');
  });

  it('handled errors on a successful run are shown', async () => {
    const { message } = await render('caught-error');
    const all = texts(message).join('\n');
    expect(all).toContain('1 error handled by Catch');
    expect(all).toMatch(/:warning: \*Enrich\*.*failed, caught/);
  });

  it('nested execution failure links the child execution', async () => {
    const { message } = await render('nested-failure');
    expect(texts(message).join('\n')).toContain(
      '<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:etl-child:child-7d1c|'
    );
  });

  it('a redriven execution says so', async () => {
    const { message } = await render('redriven');
    expect(texts(message).join('\n')).toContain(':repeat: redriven 1×');
  });

  it('compact template renders a short valid message', async () => {
    const { message } = await render('map-failed-iterations', { template: 'compact' });
    expect(slackLimitProblems(message)).toEqual([]);
    expect(message.blocks).toHaveLength(2);
    expect(texts(message).join('\n')).toContain('etl-nightly');
  });
});

describe('render: escaping', () => {
  it('a step name, error or cause cannot ping or fake a link', async () => {
    const { message } = await render('injection', { mentionOnFailure: '<@U0OPS>' });
    expect(slackLimitProblems(message)).toEqual([]);
    const all = texts(message).join('\n');
    for (const attack of ['<!channel>', '<!here>', '<!everyone>', '<https://evil', '<@U024BE7LH>']) {
      expect(all).not.toContain(attack);
    }
    expect(all).toContain('&lt;!channel&gt;');
    // An already-escaped entity in the cause is escaped again, so it shows literally.
    expect(all).toContain('&amp;amp;');
    // The configured mention is the only mention.
    expect(message.text.startsWith('<@U0OPS> ')).toBe(true);
  });

  it('escapes & first', () => {
    expect(escapeText('<a & b>')).toBe('&lt;a &amp; b&gt;');
  });
});

describe('render: Slack limits', () => {
  it('60+ steps collapse into "+N more steps" and stay within the limits', async () => {
    const b = new HistoryBuilder();
    b.started();
    let prev = 0;
    for (let i = 0; i < 65; i++) prev = b.task(`Step with a fairly long descriptive name number ${i}`, prev);
    b.succeed(prev);
    const { message } = await formatExecution({ pages: b.pages() });
    expect(slackLimitProblems(message)).toEqual([]);
    const all = texts(message).join('\n');
    const shown = (all.match(/:white_check_mark: \*Step with/g) ?? []).length;
    const more = Number(/\+(\d+) more steps/.exec(all)?.[1]);
    expect(shown + more).toBe(65);
    expect(more).toBeGreaterThan(0);
  });

  it('the failure that ended the run is shown first, before retried attempts', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Flaky', 0, { failedAttemptsFirst: 8, fail: { error: 'Final', cause: 'gave up' } });
    b.fail(failed, 'Final', 'gave up');
    const { message } = await formatExecution({ pages: b.pages() });
    const sections = texts(message).filter((t) => t.includes('*Flaky*'));
    expect(sections[0]).toContain('`Final`');
    expect(sections[0]).toContain('attempt 9');
  });

  it('a 40 KiB cause is truncated with a marker', async () => {
    const b = new HistoryBuilder();
    b.started();
    const cause = `${'A'.repeat(20 * 1024)}<!channel>${'B'.repeat(20 * 1024)}`;
    const failed = b.task('Big', 0, { fail: { error: 'Boom', cause } });
    b.fail(failed, 'Boom', cause);
    const { message } = await formatExecution({ pages: b.pages() });
    expect(slackLimitProblems(message)).toEqual([]);
    const all = texts(message).join('\n');
    expect(all).toContain('(truncated)');
    expect(all).not.toContain('<!channel>');
  });

  it('a 25,000-event history renders within the limits', async () => {
    const { message } = await formatExecution({ pages: bigHistory().pages() });
    expect(slackLimitProblems(message)).toEqual([]);
    const all = texts(message).join('\n');
    expect(all).toContain('3549 iterations');
    // 3,549 iterations, every 50th (71) failing and caught; the failure that ended the run comes first.
    expect(all).toContain('*ProcessItem* _Task_ · 3549 runs · 3478 ok, 71 caught');
    expect(all).toContain(':warning: 71 errors handled by Catch');
    const failureSections = texts(message).filter((t) => /^:(x|warning): \*/.test(t));
    expect(failureSections[0]).toMatch(/^:x: \*Publish\* `HugeError`/);
  });

  it('whatever a template returns is made valid', () => {
    const long = 'x'.repeat(5_000);
    const output = {
      text: long,
      blocks: [
        { type: 'header', text: { type: 'mrkdwn', text: long } },
        { type: 'section', text: { type: 'mrkdwn', text: long } },
        { type: 'section', fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn', text: long })) },
        { type: 'context', elements: Array.from({ length: 15 }, () => ({ type: 'mrkdwn', text: 'c' })) },
        { type: 'section' },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: long }, url: 'x' }],
        },
        'not a block',
        ...Array.from({ length: 60 }, () => ({ type: 'divider' })),
      ],
    };
    const message = enforceSlackLimits(output, 'fallback');
    expect(slackLimitProblems(message)).toEqual([]);
    expect(message.blocks).toHaveLength(50);
    expect(message.text.length).toBeLessThanOrEqual(4_000);
    expect(JSON.stringify(message.blocks?.at(-1))).toContain('more blocks not shown');
    expect(enforceSlackLimits(null, 'fallback')).toEqual({ text: 'fallback' });
  });

  it('truncation never leaves half an entity, link or code block', () => {
    const cut = truncateMrkdwn(`${'a'.repeat(95)}&amp;<https://x.example|y>`, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).not.toMatch(/&[a-z]*…/);
    expect(cut).not.toContain('<');
    const code = truncateMrkdwn(`\`\`\`${'z'.repeat(200)}\`\`\``, 100);
    expect((code.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe('render: links and dates', () => {
  it('console URL hosts follow the partition', () => {
    expect(executionConsoleUrl('arn:aws-cn:states:cn-north-1:1:execution:sm:e')).toBe(
      'https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:1:execution:sm:e'
    );
    expect(executionConsoleUrl('arn:aws-us-gov:states:us-gov-west-1:1:execution:sm:e')).toMatch(
      /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\/states\/home\?region=us-gov-west-1#/
    );
    expect(executionConsoleUrl('not-an-arn')).toBeUndefined();
    expect(executionConsoleUrl('arn:aws:states:<region>:1:execution:sm:e')).toBeUndefined();
  });

  it('date tokens carry an ISO fallback', () => {
    expect(slackDate(1_764_040_800_123)).toBe(
      '<!date^1764040800^{date_short_pretty} {time_secs}|2025-11-25T03:20:00Z>'
    );
    expect(slackDate(undefined)).toBeUndefined();
  });
});

describe('render: templates', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfn-slack-tpl-'));

  it('a user template file gets the documented input', async () => {
    const file = path.join(dir, 'mine.jsonata');
    writeFileSync(
      file,
      '{ "text": view.statusEmoji & " " & summary.execution.name & " " & context.environment }'
    );
    const { message } = await render('success', { template: file });
    expect(message).toEqual({ text: ':white_check_mark: run-2025-11-25 prod' });
  });

  it('a template that does not compile fails naming the template and the JSONata error', async () => {
    const file = path.join(dir, 'broken.jsonata');
    writeFileSync(file, '{ "text": ');
    await expect(render('success', { template: file })).rejects.toThrow(TemplateError);
    await expect(render('success', { template: file })).rejects.toThrow(
      /broken\.jsonata' does not compile: S0\d+/
    );
  });

  it('a template that fails to evaluate names the template and the error', async () => {
    const file = path.join(dir, 'throws.jsonata');
    writeFileSync(file, '$error("no way")');
    await expect(render('success', { template: file })).rejects.toThrow(
      /throws\.jsonata' failed to evaluate: .*no way/
    );
  });

  it('a missing template file is a clear error', async () => {
    await expect(render('success', { template: path.join(dir, 'nope.jsonata') })).rejects.toThrow(
      /cannot be read \(no such file\)/
    );
  });
});
