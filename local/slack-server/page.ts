/**
 * The local Slack server's `GET /` page: every received message rendered by `preview/` (the HTML that looks
 * like Slack), newest first. `preview/`'s pages forbid scripts and remote loads; each message is embedded as
 * an `<iframe srcdoc>` so its page keeps its own styles and policy.
 */
import type { SlackMessage } from '../../formatters/contract.js';
import { escapeHtml, renderHtml } from '../../preview/index.js';
import type { ReceivedMessage } from './server.js';

/** The message as `preview/` takes it: what the request carried. */
export function asSlackMessage(message: ReceivedMessage): SlackMessage {
  return {
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks as SlackMessage['blocks'] } : {}),
  };
}

export function renderReceivedPage(messages: readonly ReceivedMessage[]): string {
  const items = [...messages]
    .reverse()
    .map((m) => {
      const doc = renderHtml(asSlackMessage(m), { title: `#${m.channelName} ${m.ts}` });
      const when = new Date(m.receivedAt).toISOString();
      return `<section><h2>#${escapeHtml(m.channelName)} <small>${escapeHtml(when)} · ${m.via} · ts ${escapeHtml(
        m.ts
      )}</small></h2><iframe sandbox title="message ${escapeHtml(m.ts)}" srcdoc="${escapeHtml(doc)}"></iframe></section>`;
    })
    .join('\n');
  const body = messages.length === 0 ? '<p>No messages received yet.</p>' : items;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' about:">
<title>Local Slack: ${messages.length} message(s)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;background:#f8f8f8}section{margin-bottom:2rem}
h2{font-size:1rem}small{color:#616061;font-weight:normal}iframe{width:100%;height:32rem;border:1px solid #ddd;background:#fff}</style>
</head><body><h1>Local Slack: received messages</h1>
${body}
</body></html>
`;
}
