/**
 * The local Slack server's `GET /` page: every received message rendered by `preview/` (the HTML that looks
 * like Slack), newest first. `preview/`'s pages forbid scripts and remote loads; each message is embedded as
 * an `<iframe srcdoc>` so its page keeps its own styles and policy.
 */
import type { SlackMessage } from '../../contract/formatter.js';
import { escapeHtml, renderHtml } from '../../preview/index.js';
import type { ConversationMessage, ReceivedMessage } from './server.js';

/** The message as `preview/` takes it: what the request carried. */
export function asSlackMessage(message: ReceivedMessage): SlackMessage {
  return {
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks as SlackMessage['blocks'] } : {}),
  };
}

/** The user a click from the page is made as, unless the form says otherwise (`start --serve --actions`). */
export const LOCAL_CLICK_USER = 'U0LOCAL';

/**
 * One plain HTML form per Slack-action button of a message (the page allows no script): posting it makes the
 * local Slack server click that button with a signed request (`POST /_local/click`).
 */
export function clickForms(m: ReceivedMessage): string {
  const latest = m.edits?.at(-1)?.blocks ?? m.blocks ?? [];
  const buttons = latest.flatMap((block) => {
    const elements = (block as { elements?: unknown }).elements;
    return Array.isArray(elements)
      ? elements.filter(
          (e): e is { action_id: string; text?: { text?: string } } =>
            typeof (e as { action_id?: unknown }).action_id === 'string' &&
            (e as { action_id: string }).action_id.startsWith('sfn-slack:')
        )
      : [];
  });
  if (buttons.length === 0) return '';
  const hidden = (name: string, value: string) =>
    `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const forms = buttons
    .map(
      (b) =>
        `<form method="post" action="/_local/click">${hidden('channel', m.channel)}${hidden('ts', m.ts)}${hidden(
          'action_id',
          b.action_id
        )}<label>as <input name="user" value="${LOCAL_CLICK_USER}" size="10"></label> <button type="submit">${escapeHtml(
          b.text?.text ?? b.action_id
        )}</button></form>`
    )
    .join('');
  return `<div class="clicks"><b>Click (signed, to the local interactivity endpoint):</b>${forms}</div>`;
}

export function renderReceivedPage(messages: readonly ReceivedMessage[]): string {
  const items = [...messages]
    .reverse()
    .map((m) => {
      // The message as it reads now: its last edit, if any.
      const last = m.edits?.at(-1);
      const shown = last
        ? { ...m, text: last.text, ...(last.blocks ? { blocks: last.blocks } : { blocks: undefined }) }
        : m;
      const doc = renderHtml(asSlackMessage(shown as ReceivedMessage), {
        title: `#${m.channelName} ${m.ts}`,
      });
      const when = new Date(m.receivedAt).toISOString();
      const thread = m.threadTs
        ? ` · reply in the thread of ${escapeHtml(m.threadTs)}${m.replyBroadcast ? ' (also sent to the channel)' : ''}`
        : '';
      const edited = m.edits?.length ? ` · edited ${m.edits.length}×` : '';
      return `<section><h2>#${escapeHtml(m.channelName)} <small>${escapeHtml(when)} · ${m.via} · ts ${escapeHtml(
        m.ts
      )}${thread}${edited}</small></h2><iframe sandbox title="message ${escapeHtml(m.ts)}" srcdoc="${escapeHtml(doc)}"></iframe>${clickForms(m)}</section>`;
    })
    .join('\n');
  const body = messages.length === 0 ? '<p>No messages received yet.</p>' : items;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' about:">
<title>Local Slack: ${messages.length} message(s)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;background:#f8f8f8}section{margin-bottom:2rem}
h2{font-size:1rem}small{color:#616061;font-weight:normal}iframe{width:100%;height:32rem;border:1px solid #ddd;background:#fff}
.clicks form{display:inline-block;margin:.3rem .6rem 0 0}</style>
</head><body><h1>Local Slack: received messages</h1>
${body}
</body></html>
`;
}

/** A message's versions, oldest first: as posted, then each edit. */
function versions(m: ConversationMessage): { ts: string; text?: string; blocks?: unknown[] }[] {
  return [
    {
      ts: m.ts,
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
    },
    ...m.edits,
  ];
}

/** Characters a line of the preview holds before it wraps, at the page's width (a generous guess: taller is fine). */
const CHARS_PER_LINE = 80;

/**
 * The height a message's frame needs to show it whole, in rem: the page's sandbox allows no script that could
 * measure it, so it is counted from the message: the preview's title, sender and folded fallback text, then each
 * block's lines (text wrapped at CHARS_PER_LINE). A frame a little too tall shows some white; one too short would
 * hide the message in a scrolling box.
 */
export function frameHeightRem(message: { text?: string; blocks?: unknown[] }): number {
  const lines = (text: string) =>
    text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / CHARS_PER_LINE)), 0);
  const textOf = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string'
        ? ((value as { text: string }).text as string)
        : '';
  let rem = 9; // title, sender, the folded fallback text, margins
  const blocks = (message.blocks ?? []) as Array<Record<string, unknown>>;
  if (blocks.length === 0) rem += 1.5 * lines(message.text ?? '');
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
        rem += 2.5;
        break;
      case 'section': {
        const fields = Array.isArray(block.fields) ? block.fields : [];
        rem += 1.5 * lines(textOf(block.text)) + 1.5 * Math.ceil(fields.length / 2) * 2 + 1;
        break;
      }
      case 'context': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        rem += 1.3 * lines(elements.map(textOf).join(' ')) + 0.5;
        break;
      }
      case 'actions':
        rem += 3;
        break;
      default:
        rem += 2;
    }
  }
  return Math.ceil(rem);
}

const frame = (
  label: string,
  message: { text?: string; blocks?: unknown[] },
  height = `${frameHeightRem(message)}rem`
): string => {
  const doc = renderHtml(
    {
      text: message.text ?? '',
      ...(message.blocks ? { blocks: message.blocks as SlackMessage['blocks'] } : {}),
    },
    { title: label }
  );
  return `<iframe sandbox title="${escapeHtml(label)}" style="height:${height}" srcdoc="${escapeHtml(doc)}"></iframe>`;
};

/**
 * Each channel's messages as a reader sees them: the current version of every message, its earlier versions
 * (folded) and its thread, replies shown in the channel marked so.
 */
export function renderConversationPage(
  channels: Readonly<Record<string, readonly ConversationMessage[]>>
): string {
  const sections = Object.entries(channels).flatMap(([channel, messages]) =>
    messages.map((m) => {
      const all = versions(m);
      const currentVersion = all.at(-1) ?? all[0];
      const earlier = all
        .slice(0, -1)
        .map(
          (v, i) =>
            `<li>${i === 0 ? 'posted' : `edit ${i}`} · ts ${escapeHtml(v.ts)}${frame(`version ${i}`, v)}</li>`
        )
        .join('');
      const replies = m.replies
        .map(
          (r) =>
            `<li>${r.reply_broadcast ? '<b>also sent to the channel</b> · ' : ''}ts ${escapeHtml(r.ts)}${frame(`reply ${r.ts}`, r)}</li>`
        )
        .join('');
      return `<section><h2>${escapeHtml(channel)} <small>ts ${escapeHtml(m.ts)} · ${m.edits.length} edit(s) · ${m.replies.length} repl${m.replies.length === 1 ? 'y' : 'ies'}</small></h2>
${frame(`message ${m.ts}`, currentVersion ?? {})}
${earlier ? `<details><summary>Earlier versions (${all.length - 1})</summary><ol>${earlier}</ol></details>` : ''}
${replies ? `<h3>Thread</h3><ol class="thread">${replies}</ol>` : ''}
</section>`;
    })
  );
  const body = sections.length === 0 ? '<p>No messages.</p>' : sections.join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self' about:">
<title>Local Slack: ${sections.length} message(s) with edits and threads</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;background:#f8f8f8}section{margin-bottom:2rem}
h2{font-size:1rem}h3{font-size:.9rem}small{color:#616061;font-weight:normal}iframe{width:100%;border:1px solid #ddd;background:#fff}
.thread{border-left:3px solid #ddd;padding-left:1.5rem}</style>
</head><body><h1>Local Slack: messages, their edits and threads</h1>
${body}
</body></html>
`;
}
