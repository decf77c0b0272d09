/**
 * Renders a Slack message as readable terminal text: what a reader of the channel would see, with the
 * mrkdwn decoded (links as `label (url)`, dates as their fallback text, entities unescaped).
 */
import type { SlackMessage } from '../contract/formatter.js';
import { type Inline, toPlain } from './mrkdwn.js';
import { toView, type ViewBlock, type ViewButton } from './view.js';

export interface TerminalOptions {
  /**
   * Use ANSI styles (bold, italic, dim, underline). Pass `process.stdout.isTTY` from a command.
   * @default false
   */
  readonly ansi?: boolean;
  /**
   * Width of dividers and header rules, in columns.
   * @default 60
   */
  readonly width?: number;
}

const STYLE = {
  bold: ['\u001b[1m', '\u001b[22m'],
  italic: ['\u001b[3m', '\u001b[23m'],
  strike: ['\u001b[9m', '\u001b[29m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  underline: ['\u001b[4m', '\u001b[24m'],
} as const;

/** Renders `message` as plain (or ANSI-styled) text lines ending with a newline. */
export function renderTerminal(message: SlackMessage, options: TerminalOptions = {}): string {
  const ansi = options.ansi ?? false;
  const width = options.width ?? 60;
  const style = (name: keyof typeof STYLE, text: string): string =>
    ansi && text !== '' ? `${STYLE[name][0]}${text}${STYLE[name][1]}` : text;
  const inline = (nodes: readonly Inline[]): string => renderInline(nodes, style);

  const view = toView(message);
  const lines: string[] = [];
  if (view.blocks.length === 0) {
    lines.push(inline(view.text));
  }
  for (const block of view.blocks) {
    lines.push(...renderBlock(block, inline, style, width));
  }
  // Collapse runs of blank lines the block spacing can leave behind.
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function renderBlock(
  block: ViewBlock,
  inline: (nodes: readonly Inline[]) => string,
  style: (name: keyof typeof STYLE, text: string) => string,
  width: number
): string[] {
  switch (block.type) {
    case 'header': {
      const text = toPlain(block.text);
      return [style('bold', text), '═'.repeat(Math.min(width, Math.max(text.length, 3))), ''];
    }
    case 'section': {
      const lines: string[] = [];
      if (block.text) lines.push(inline(block.text));
      for (const field of block.fields) lines.push(renderField(field, inline));
      if (block.button) lines.push(renderButton(block.button, inline, style));
      lines.push('');
      return lines;
    }
    case 'context':
      return [style('dim', block.elements.map(inline).join('  ·  ')), ''];
    case 'actions':
      return [block.buttons.map((button) => renderButton(button, inline, style)).join('   '), ''];
    case 'divider':
      return ['─'.repeat(width), ''];
    case 'image':
      return [`[image: ${block.title ? toPlain(block.title) : block.alt}]`, ''];
    default:
      return [style('dim', `[${block.blockType} block not shown in preview]`), ''];
  }
}

/** A field is usually `*Label*\nvalue`; shown as `Label: value` on one line when it is. */
function renderField(field: readonly Inline[], inline: (nodes: readonly Inline[]) => string): string {
  const text = inline(field);
  const [first, ...rest] = text.split('\n');
  if (rest.length === 1) return `  ${first}: ${rest[0]}`;
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function renderButton(
  button: ViewButton,
  inline: (nodes: readonly Inline[]) => string,
  style: (name: keyof typeof STYLE, text: string) => string
): string {
  const label = style('bold', `[ ${inline(button.label)} ]`);
  return button.url ? `${label} ${button.url}` : label;
}

function renderInline(
  nodes: readonly Inline[],
  style: (name: keyof typeof STYLE, text: string) => string
): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return node.text;
        case 'bold':
        case 'italic':
        case 'strike':
          return style(node.kind, renderInline(node.children, style));
        case 'quote':
          return `│ ${renderInline(node.children, style)}\n`;
        case 'code':
          return `\`${node.text}\``;
        case 'pre':
          return `\n${node.text
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `    ${line}`)
            .join('\n')}\n`;
        case 'link':
          return node.label === node.url
            ? style('underline', node.url)
            : `${style('underline', node.label)} (${node.url})`;
        case 'mention':
          return style('bold', node.label);
        default:
          return '';
      }
    })
    .join('');
}
