import { escapeHtml, renderHtml } from '../../preview/index.js';
/** The message as `preview/` takes it: what the request carried. */
export function asSlackMessage(message) {
    return {
        text: message.text ?? '',
        ...(message.blocks ? { blocks: message.blocks } : {}),
    };
}
export function renderReceivedPage(messages) {
    const items = [...messages]
        .reverse()
        .map((m) => {
        const doc = renderHtml(asSlackMessage(m), { title: `#${m.channelName} ${m.ts}` });
        const when = new Date(m.receivedAt).toISOString();
        return `<section><h2>#${escapeHtml(m.channelName)} <small>${escapeHtml(when)} · ${m.via} · ts ${escapeHtml(m.ts)}</small></h2><iframe sandbox title="message ${escapeHtml(m.ts)}" srcdoc="${escapeHtml(doc)}"></iframe></section>`;
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
