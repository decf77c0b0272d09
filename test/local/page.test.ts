import { describe, expect, it } from 'vitest';
import { asSlackMessage, renderReceivedPage } from '../../local/slack-server/page.js';
import type { ReceivedMessage } from '../../local/slack-server/server.js';

const received = (ts: string, text: string, blocks?: unknown[]): ReceivedMessage => ({
  channel: 'C1',
  channelName: 'alerts',
  ts,
  via: 'api',
  text,
  ...(blocks ? { blocks } : {}),
  body: {},
  receivedAt: Date.UTC(2026, 10, 24, 2, 17),
});

describe('the local Slack page', () => {
  it('shows every received message through preview/, newest first, escaped into its frame', () => {
    const page = renderReceivedPage([
      received('1.000001', 'first'),
      received('1.000002', 'second <b>bold</b>', [
        { type: 'section', text: { type: 'mrkdwn', text: '<script>alert(1)</script> & co' } },
      ]),
    ]);
    expect(page).toContain('Local Slack: 2 message(s)');
    expect(page.indexOf('ts 1.000002')).toBeLessThan(page.indexOf('ts 1.000001'));
    // Message content only ever appears escaped (twice: once by preview/, once for srcdoc).
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('srcdoc="');
    expect(page).toContain('2026-11-24T02:17:00.000Z');
  });

  it('says so when nothing arrived', () => {
    expect(renderReceivedPage([])).toContain('No messages received yet.');
  });

  it('hands preview/ the message as it was posted', () => {
    const blocks = [{ type: 'divider' }];
    expect(asSlackMessage(received('1.1', 't', blocks))).toEqual({ text: 't', blocks });
    expect(asSlackMessage({ ...received('1.2', ''), text: undefined } as unknown as ReceivedMessage)).toEqual(
      { text: '' }
    );
  });
});
