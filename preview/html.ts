/**
 * Renders a Slack message as a self-contained HTML page that looks like the message in a Slack channel.
 * Every value is HTML-escaped, links are kept only for http(s) and mailto URLs, and the page carries a
 * Content-Security-Policy that allows no script and no remote loads, so a hostile step name or cause can do
 * nothing but show up as text.
 */
import type { SlackMessage } from '../contract/formatter.js';
import { type Inline, toPlain } from './mrkdwn.js';
import { safeUrl, toView, type ViewBlock, type ViewButton } from './view.js';

export interface HtmlOptions {
  /**
   * The page title (the browser tab) and the heading above the message.
   * @default 'Slack message preview'
   */
  readonly title?: string;
  /**
   * The sender name shown above the message, as the Slack app's name.
   * @default 'sfn-slack'
   */
  readonly appName?: string;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Renders `message` as a complete HTML document. */
export function renderHtml(message: SlackMessage, options: HtmlOptions = {}): string {
  const title = options.title ?? 'Slack message preview';
  const appName = options.appName ?? 'sfn-slack';
  const view = toView(message);
  const body =
    view.blocks.length === 0
      ? `<div class="section"><div class="mrkdwn">${inlineHtml(view.text)}</div></div>`
      : view.blocks.map(blockHtml).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="channel">
<h1 class="page-title">${escapeHtml(title)}</h1>
<article class="message" aria-label="Slack message">
<div class="avatar" aria-hidden="true">SF</div>
<div class="content">
<div class="sender"><span class="app-name">${escapeHtml(appName)}</span><span class="app-badge">APP</span></div>
<div class="blocks">
${body}
</div>
</div>
</article>
<details class="fallback"><summary>Notification text (shown where blocks are not)</summary><pre>${escapeHtml(toPlain(view.text))}</pre></details>
</main>
</body>
</html>
`;
}

function blockHtml(block: ViewBlock): string {
  switch (block.type) {
    case 'header':
      return `<h2 class="header">${inlineHtml(block.text)}</h2>`;
    case 'section': {
      const text = block.text ? `<div class="mrkdwn">${inlineHtml(block.text)}</div>` : '';
      const fields =
        block.fields.length > 0
          ? `<div class="fields">${block.fields.map((field) => `<div class="field mrkdwn">${inlineHtml(field)}</div>`).join('')}</div>`
          : '';
      const button = block.button ? `<div class="accessory">${buttonHtml(block.button)}</div>` : '';
      return `<section class="section"><div class="section-main">${text}${fields}</div>${button}</section>`;
    }
    case 'context':
      return `<div class="context">${block.elements.map((element) => `<span class="context-element">${inlineHtml(element)}</span>`).join('')}</div>`;
    case 'actions':
      return `<div class="actions">${block.buttons.map(buttonHtml).join('')}</div>`;
    case 'divider':
      return '<hr class="divider">';
    case 'image':
      return `<div class="image">[image: ${escapeHtml(block.title ? toPlain(block.title) : block.alt)}]</div>`;
    default:
      return `<div class="unknown">[${escapeHtml(block.blockType)} block not shown in preview]</div>`;
  }
}

function buttonHtml(button: ViewButton): string {
  const style = button.style ? ` button-${button.style}` : '';
  const label = inlineHtml(button.label);
  return button.url
    ? `<a class="button${style}" href="${escapeHtml(button.url)}" target="_blank" rel="noopener noreferrer">${label}</a>`
    : `<span class="button${style}">${label}</span>`;
}

function inlineHtml(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return escapeHtml(node.text).replace(/\n/g, '<br>');
        case 'bold':
          return `<strong>${inlineHtml(node.children)}</strong>`;
        case 'italic':
          return `<em>${inlineHtml(node.children)}</em>`;
        case 'strike':
          return `<s>${inlineHtml(node.children)}</s>`;
        case 'quote':
          return `<blockquote>${inlineHtml(node.children)}</blockquote>`;
        case 'code':
          return `<code>${escapeHtml(node.text)}</code>`;
        case 'pre':
          return `<pre>${escapeHtml(node.text)}</pre>`;
        case 'link': {
          const url = safeUrl(node.url);
          return url
            ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(node.label)}</a>`
            : escapeHtml(node.label);
        }
        case 'mention':
          return `<span class="mention">${escapeHtml(node.label)}</span>`;
        default:
          return '';
      }
    })
    .join('');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f8f8f8;color:#1d1c1d;font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.channel{max-width:760px;margin:24px auto;padding:0 16px}
.page-title{font-size:13px;font-weight:600;color:#616061;margin:0 0 8px}
.message{display:flex;gap:8px;background:#fff;border:1px solid #e1e1e1;border-radius:8px;padding:12px 20px 16px 16px}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;background:#4a154b;color:#fff;font-weight:700;font-size:13px;display:flex;align-items:center;justify-content:center}
.content{flex:1;min-width:0}
.sender{margin-bottom:2px}
.app-name{font-weight:900}
.app-badge{margin-left:4px;padding:0 3px;border-radius:2px;background:rgba(29,28,29,.13);color:rgba(29,28,29,.7);font-size:10px;font-weight:700;vertical-align:1px}
.blocks>*{margin:6px 0}
.header{font-size:18px;font-weight:900;line-height:1.33;margin:8px 0 4px}
.section{display:flex;gap:12px;align-items:flex-start}
.section-main{flex:1;min-width:0;overflow-wrap:anywhere}
.mrkdwn{white-space:pre-wrap}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:4px}
.context{display:flex;flex-wrap:wrap;gap:4px 12px;color:#616061;font-size:12px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.button{display:inline-block;padding:3px 12px;min-height:28px;line-height:20px;border:1px solid rgba(29,28,29,.3);border-radius:4px;background:#fff;color:#1d1c1d;font-size:13px;font-weight:700;text-decoration:none}
.button-primary{background:#007a5a;border-color:#007a5a;color:#fff}
.button-danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.divider{border:0;border-top:1px solid #e1e1e1;margin:12px 0}
a{color:#1264a3;text-decoration:none}
a:hover{text-decoration:underline}
code{font:12px Monaco,Menlo,Consolas,"Courier New",monospace;color:#e01e5a;background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:3px;padding:2px 3px}
pre{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere}
blockquote{margin:2px 0;padding-left:12px;border-left:4px solid #ddd}
.mention{background:rgba(29,155,209,.1);color:#1264a3;border-radius:3px;padding:0 2px}
.unknown,.image{color:#616061;font-style:italic}
.fallback{margin-top:16px;color:#616061;font-size:12px}
.fallback pre{color:#1d1c1d}
`;
