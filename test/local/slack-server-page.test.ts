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

describe('the conversation page: each message at its height', () => {
  const heights = (page: string) =>
    [...page.matchAll(/<iframe sandbox title="([^"]+)" style="height:(\d+)rem"/g)].map(
      (match) => [match[1], Number(match[2])] as const
    );

  it('sizes a thread reply by its content, not a small fixed frame', async () => {
    const { renderConversationPage, frameHeightRem } = await import('../../local/slack-server/page.js');
    const long = Array.from({ length: 12 }, (_, i) => `step ${i}: ${'x'.repeat(120)}`).join('\n');
    const page = renderConversationPage({
      C0LOCAL001: [
        {
          ts: '1.000',
          text: 'parent',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'parent' } }],
          edits: [],
          replies: [
            { ts: '2.000', text: 'short reply' },
            { ts: '3.000', text: long },
          ],
        },
      ] as never,
    });
    const byTitle = new Map(heights(page));
    const short = byTitle.get('reply 2.000') ?? 0;
    const tall = byTitle.get('reply 3.000') ?? 0;
    // The long reply: 12 lines each wrapping once, at least 22 lines more than the short one (each height rounded up).
    expect(tall).toBeGreaterThanOrEqual(short + 22 * 1.5);
    expect(tall).toBe(frameHeightRem({ text: long }));
    // A one-line reply still shows the preview's title and sender whole.
    expect(short).toBeGreaterThanOrEqual(10);
  });
});
