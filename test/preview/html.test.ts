import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../contract/formatter.js';
import { escapeHtml, renderHtml } from '../../preview/html.js';

const fixture = (name: string): SlackMessage =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/cli', name), 'utf8')) as SlackMessage;

describe('renderHtml', () => {
  it('renders a complete page with the title, header, two-column fields and the button link', () => {
    const html = renderHtml(fixture('failed-message.json'), { title: 'etl-nightly <prod>' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>etl-nightly &lt;prod&gt;</title>');
    expect(html).toContain('<h2 class="header">❌ etl-nightly failed</h2>');
    expect(html).toContain('grid-template-columns:1fr 1fr');
    expect(html).toContain('<div class="field mrkdwn"><strong>Status</strong><br>FAILED</div>');
    expect(html).toMatch(
      /<a class="button button-danger" href="https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/home\?region=us-east-1#\/v2\/executions\/details\/arn:aws:states:us-east-1:111122223333:execution:etl-nightly:a1b2c3"/
    );
  });

  it('escapes every value: hostile text stays text and no script can run', () => {
    const html = renderHtml({
      text: 'x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '<script>alert(1)</script>' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '<javascript:alert(1)|click> "q" \'s <img src=x onerror=alert(1)>' },
        },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'b' }, url: 'https://a.test/?q="><script>' },
          ],
        },
      ],
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('href="https://a.test/?q=&quot;&gt;&lt;script&gt;"');
    expect(html).toContain("default-src 'none'");
  });

  it('renders the text when there are no blocks, and always shows the notification text', () => {
    const html = renderHtml({ text: 'Run *done* &amp; dusted' });
    expect(html).toContain('<div class="mrkdwn">Run <strong>done</strong> &amp; dusted</div>');
    expect(html).toContain('<pre>Run done &amp; dusted</pre>');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
