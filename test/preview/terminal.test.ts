import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../contract/formatter.js';
import { renderTerminal } from '../../preview/terminal.js';

const fixture = (name: string): SlackMessage =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/cli', name), 'utf8')) as SlackMessage;

describe('renderTerminal', () => {
  const output = renderTerminal(fixture('failed-message.json'));

  it('shows the header with a rule under it', () => {
    const lines = output.split('\n');
    expect(lines[0]).toBe('❌ etl-nightly failed');
    expect(lines[1]).toMatch(/^═+$/);
  });

  it('shows each field as "Label: value" with the date fallback', () => {
    expect(output).toContain('  Status: FAILED\n');
    expect(output).toContain('  Started: 2025-11-25 00:20 UTC\n');
  });

  it('unescapes entities and indents preformatted text', () => {
    expect(output).toContain('    Table <orders> is locked by another session & cannot be loaded');
    expect(output).not.toContain('&amp;');
    expect(output).not.toContain('&lt;');
  });

  it('shows links as label (url), dividers, and buttons with their URL', () => {
    expect(output).toContain('arn:aws:states:…:a1b2c3 (https://us-east-1.console.aws.amazon.com/');
    expect(output).toMatch(/^─{60}$/m);
    expect(output).toMatch(
      /^\[ Open execution \] https:\/\/us-east-1\.console\.aws\.amazon\.com\/states\/home/m
    );
  });

  it('has no ANSI codes by default and styles bold text with them on request', () => {
    expect(output).not.toContain('\u001b[');
    const styled = renderTerminal(fixture('failed-message.json'), { ansi: true });
    expect(styled).toContain('\u001b[1mStatus\u001b[22m: FAILED');
  });

  it('renders the text alone when the message has no blocks', () => {
    expect(renderTerminal({ text: 'Run *done* &amp; dusted' })).toBe('Run done & dusted\n');
  });

  it('names block types it does not render instead of failing', () => {
    expect(renderTerminal({ text: 't', blocks: [{ type: 'video' }] })).toContain(
      '[video block not shown in preview]'
    );
  });

  it('renders context elements on one line, section accessories as buttons', () => {
    const text = renderTerminal({
      text: 't',
      blocks: [
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'one' },
            { type: 'plain_text', text: 'two' },
          ],
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'body' },
          accessory: { type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'javascript:alert(1)' },
        },
      ],
    });
    expect(text).toBe('one  ·  two\n\nbody\n[ Go ]\n');
  });
});
