import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executionConsoleUrl } from '../../../contract/console.js';
import type { SlackMessage } from '../../../contract/formatter.js';
import { formatExecution, TemplateError } from '../../../formatters/formatter/format.js';
import { enforceSlackLimits, slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { slackDate, truncateMrkdwn } from '../../../formatters/formatter/render/text.js';
import { escapeText } from '../../../formatters/shared/escape.js';
import { bigHistory, HistoryBuilder } from '../../../local/history-builder.js';
import { tempDir } from '../../temp-dirs.js';
import { loadFixture } from '../helpers/fixtures.js';
import { slackRejections } from '../helpers/slack-oracle.js';

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
    expect(slackRejections(message)).toEqual([]);
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
    expect(all).toContain('*Failed in*\n*Transform*');
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

  it('a recovered retry is said once: the line under the handled errors does not count its retries again', async () => {
    const { message } = await render('retries-then-success');
    expect(slackRejections(message)).toEqual([]);
    const all = texts(message);
    const handled = all.find((t) => t.includes('recovered after'));
    expect(handled).toContain(':warning: *CallPartnerApi* recovered after 2 retries');
    expect(all.filter((t) => /\b\d+ retr(y|ies)\b/.test(t))).toEqual([handled]);
    // compact shows no handled lines, so its summary line still counts the retries.
    const compact = await render('retries-then-success', { template: 'compact' });
    expect(texts(compact.message).join('\n')).toContain('2 retries');
  });

  it('retries not listed among the handled errors are still counted', async () => {
    const b = new HistoryBuilder();
    b.started();
    let prev = 0;
    // Five states retried once each: four handled lines are listed, the fifth retry is counted under them.
    for (let i = 0; i < 5; i++) prev = b.task(`Flaky${i}`, prev, { failedAttemptsFirst: 1 });
    b.succeed(prev);
    const { message } = await formatExecution({ pages: b.pages() });
    const all = texts(message).join('\n');
    expect((all.match(/recovered after 1 retry/g) ?? []).length).toBe(4);
    expect(all).toContain('+1 more handled error');
    expect(all).toContain('1 other retry');
    expect(all).not.toContain('5 retries');
  });

  it('a redriven execution says so', async () => {
    const { message } = await render('redriven');
    expect(texts(message).join('\n')).toContain(':repeat: redriven 1×');
  });

  it('compact template renders a short valid message', async () => {
    const { message } = await render('map-failed-iterations', { template: 'compact' });
    expect(slackLimitProblems(message)).toEqual([]);
    expect(slackRejections(message)).toEqual([]);
    expect(message.blocks).toHaveLength(2);
    expect(texts(message).join('\n')).toContain('etl-nightly');
  });
});

describe('render: escaping', () => {
  it('a step name, error or cause cannot ping or fake a link', async () => {
    const { message } = await render('injection', { mentionOnFailure: '<@U0OPS>' });
    expect(slackLimitProblems(message)).toEqual([]);
    expect(slackRejections(message)).toEqual([]);
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
    expect(slackRejections(message)).toEqual([]);
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
    const sections = texts(message).filter((t) => t.includes('*Flaky*') && !t.startsWith('*Failed in*'));
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
    expect(slackRejections(message)).toEqual([]);
    const all = texts(message).join('\n');
    expect(all).toContain('(truncated)');
    expect(all).not.toContain('<!channel>');
  });

  it('a 25,000-event history renders within the limits', async () => {
    const { message } = await formatExecution({ pages: bigHistory().pages() });
    expect(slackLimitProblems(message)).toEqual([]);
    expect(slackRejections(message)).toEqual([]);
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
    expect(slackRejections(message)).toEqual([]);
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

describe("render: what Slack would reject (checked by the local Slack server's validator)", () => {
  it('blocks of unknown types and malformed blocks or elements are dropped with a warning, never sent', () => {
    const warnings: string[] = [];
    const output = {
      text: 'hi',
      blocks: [
        { type: 'table', rows: [] },
        { type: 'rich_text', elements: 'not a list' },
        { type: 'section', text: { type: 'plain_text', text: 'a', verbatim: true }, block_id: 'same' },
        { type: 'section', text: 'b', block_id: 'same' },
        { type: 'divider', block_id: 7 },
        { type: 'header', text: { type: 'plain_text', text: 'h', emoji: 'yes' }, extra: 1 },
        { type: 'image', image_url: 'https://example.com/a.png' },
        { type: 'section', text: 'c', accessory: { type: 'datepicker' } },
        {
          type: 'actions',
          elements: [
            { type: 'static_select', options: [] },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Go' },
              url: 'https://example.com',
              style: 'green',
              value: 'v'.repeat(2_500),
            },
          ],
        },
        { type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/i.png' }, 'ok'] },
      ],
    };
    const message = enforceSlackLimits(output, 'fallback', (w) => warnings.push(w));
    expect(slackRejections(message)).toEqual([]);
    expect(slackLimitProblems(message)).toEqual([]);
    expect(message.blocks?.map((b) => b.type)).toEqual([
      'section',
      'section',
      'divider',
      'header',
      'section',
      'actions',
      'context',
    ]);
    const all = warnings.join('\n');
    expect(all).toMatch(/block 0 \(table\): unsupported block type/);
    expect(all).toMatch(/block 1 \(rich_text\): unsupported block type/);
    expect(all).toMatch(/block 3: block_id invalid or repeated/);
    expect(all).toMatch(/block 6 \(image\)|block 6: image without/);
    expect(all).toMatch(/block 7 accessory: unsupported element type 'datepicker'/);
    expect(all).toMatch(/block 8 element 0: unsupported element type 'static_select'/);
  });

  it('the oracle rejects what Slack rejects (it can fail)', () => {
    expect(slackRejections({ text: 'x', blocks: [{ type: 'table' }] })).not.toEqual([]);
    expect(slackRejections({ text: '', blocks: [] })).not.toEqual([]);
    // A header with mrkdwn text: @slack/types refuses it at compile time, so it is built as plain data here.
    const mrkdwnHeader = JSON.parse('{"type":"header","text":{"type":"mrkdwn","text":"h"}}');
    expect(slackRejections({ text: 'x', blocks: [mrkdwnHeader] })).not.toEqual([]);
  });

  it('a template with a block Slack would reject renders without it and says so, naming the template', async () => {
    const dir = tempDir('sfn-slack-tpl-');
    const file = path.join(dir, 'table.jsonata');
    writeFileSync(
      file,
      '{ "text": view.notificationText, "blocks": [ { "type": "table", "rows": [] }, { "type": "section", "text": { "type": "mrkdwn", "text": view.title } } ] }'
    );
    const { page, event } = loadFixture('success');
    const { message, warnings } = await formatExecution({
      pages: [page],
      event,
      settings: { template: file },
    });
    expect(slackRejections(message)).toEqual([]);
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'etl-nightly' } }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`template '${file}': block 0 (table): unsupported block type`);
  });
});

describe('render: causes in code blocks', () => {
  it('a cause containing ``` cannot close the code block early', async () => {
    const b = new HistoryBuilder();
    b.started();
    const cause = 'parse failed near ```\n*bold* _leak_ <!channel>\n``` end`';
    const failed = b.task('Parse', 0, { fail: { error: 'ParseError', cause } });
    b.fail(failed, 'ParseError', cause);
    for (const template of ['detailed', 'compact']) {
      const { message } = await formatExecution({ pages: b.pages(), settings: { template } });
      expect(slackRejections(message)).toEqual([]);
      for (const text of texts(message)) {
        // Only the template's own fences: an opening and a closing one per code block.
        expect((text.match(/```/g) ?? []).length % 2).toBe(0);
      }
    }
    const { message } = await formatExecution({ pages: b.pages() });
    const section = texts(message).find((t) => t.includes('parse failed near'));
    expect(section).toBeDefined();
    expect((section?.match(/```/g) ?? []).length).toBe(2);
    expect(section).toContain('near \u02cb\u02cb\u02cb\n*bold*');
    // A backtick at the end would merge with the closing fence: it is kept apart.
    expect(section).toContain('end`\u200b```');
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
  const dir = tempDir('sfn-slack-tpl-');

  it('a template that does not return a Slack message is an error naming the template and what is wrong', async () => {
    const cases: [string, RegExp][] = [
      ['42', /it returned a number \(42\)/],
      ['"hello"', /it returned a string/],
      ['[1, 2]', /it returned an array/],
      ['$missing', /it returned nothing/],
      ['{}', /neither a non-empty "text" nor any "blocks"/],
      ['{ "text": "" }', /neither a non-empty "text" nor any "blocks"/],
      ['{ "blocks": "x" }', /"blocks" is a string, not an array/],
      ['{ "blocks": { "type": "divider" } }', /"blocks" is an object, not an array/],
      ['{ "text": 5 }', /"text" is a number \(5\), not a string/],
      ['{ "text": "t", "blocks": [ 1 ] }', /blocks\[0\] is a number \(1\), not a block object/],
      [
        '{ "text": "t", "blocks": [ { "type": "divider" }, { "text": "x" } ] }',
        /blocks\[1\] has no string "type"/,
      ],
    ];
    for (const [expression, pattern] of cases) {
      const file = path.join(dir, `bad-${cases.findIndex(([e]) => e === expression)}.jsonata`);
      writeFileSync(file, expression);
      const error = await render('success', { template: file }).then(
        () => undefined,
        (e: unknown) => e
      );
      expect(error, expression).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).template).toBe(file);
      expect((error as Error).message).toContain(`template '${file}' did not return a Slack message`);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('text alone or blocks alone are a Slack message', async () => {
    const file = path.join(dir, 'blocks-only.jsonata');
    writeFileSync(
      file,
      '{ "blocks": [ { "type": "section", "text": { "type": "mrkdwn", "text": view.title } } ] }'
    );
    const { message } = await render('success', { template: file });
    // The notification text is filled in when the template gives none.
    expect(message.text).toBe(':white_check_mark: etl-nightly succeeded [prod]');
    expect(slackRejections(message)).toEqual([]);
  });

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
