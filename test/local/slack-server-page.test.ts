/** The pages that show a message with its edits and its thread (scenario preview and the server's own page). */
import { describe, expect, it } from 'vitest';
import { renderConversationPage, renderReceivedPage } from '../../local/slack-server/page.js';
import type { ReceivedMessage } from '../../local/slack-server/server.js';

describe('the conversation page', () => {
  const page = renderConversationPage({
    C0ALERTS01: [
      {
        ts: '1.000001',
        text: 'running',
        edits: [
          { ts: '1.000002', text: 'failed <!channel>' },
          { ts: '1.000004', text: 'succeeded' },
        ],
        replies: [
          { ts: '1.000003', text: ':x: Failed in *Load* <script>x</script>', reply_broadcast: true },
          { ts: '1.000005', text: 'Succeeded after redrive 1', reply_broadcast: false },
        ],
      },
    ],
  });

  it('shows the current version, the earlier ones folded, and the thread with the broadcast reply marked', () => {
    expect(page).toContain('1 message(s) with edits and threads');
    expect(page).toContain('2 edit(s) · 2 replies');
    expect(page).toContain('<summary>Earlier versions (2)</summary>');
    expect(page.match(/also sent to the channel/g)).toHaveLength(1);
    // The current version is rendered before the folded ones.
    expect(page.indexOf('succeeded')).toBeLessThan(page.indexOf('Earlier versions'));
  });

  it('never lets message content out of its sandboxed frame', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('default-src &#39;none&#39;'.replace(/&#39;/g, "'"));
    expect(page.match(/<iframe sandbox/g)?.length).toBe(5);
  });

  it('says so when nothing was posted', () => {
    expect(renderConversationPage({})).toContain('No messages.');
  });
});

describe("the server's page", () => {
  it('marks thread replies and edited messages, showing the latest version', () => {
    const base = { channel: 'C1', channelName: 'alerts', via: 'api' as const, body: {}, receivedAt: 0 };
    const page = renderReceivedPage([
      { ...base, ts: '1.1', text: 'old', edits: [{ ts: '1.3', text: 'newest text' }] },
      { ...base, ts: '1.2', text: 'r', threadTs: '1.1', replyBroadcast: true },
    ] as ReceivedMessage[]);
    expect(page).toContain('reply in the thread of 1.1 (also sent to the channel)');
    expect(page).toContain('edited 1×');
    expect(page).toContain('newest text');
    expect(page).not.toMatch(/\bold\b/);
  });
});
