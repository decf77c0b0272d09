/**
 * Reads a Slack message's blocks into a small view model both renderers share. Unknown block types and
 * malformed blocks are kept as `unknown` so a preview never throws on a message Slack might still accept.
 */
import type { SlackBlock, SlackMessage } from '../contract/formatter.js';
import { type Inline, parseMrkdwn, plainText } from './mrkdwn.js';

export interface ViewButton {
  readonly label: readonly Inline[];
  /** Only http(s) and mailto URLs are kept; anything else is dropped so it can never become a link. */
  readonly url?: string;
  readonly style?: 'primary' | 'danger';
}

export type ViewBlock =
  | { readonly type: 'header'; readonly text: readonly Inline[] }
  | {
      readonly type: 'section';
      readonly text?: readonly Inline[];
      readonly fields: readonly (readonly Inline[])[];
      readonly button?: ViewButton;
    }
  | { readonly type: 'context'; readonly elements: readonly (readonly Inline[])[] }
  | { readonly type: 'actions'; readonly buttons: readonly ViewButton[] }
  | { readonly type: 'divider' }
  | { readonly type: 'image'; readonly alt: string; readonly title?: readonly Inline[] }
  | { readonly type: 'unknown'; readonly blockType: string };

export interface MessageView {
  /** The notification text (`text`), parsed as mrkdwn as Slack does. */
  readonly text: readonly Inline[];
  readonly blocks: readonly ViewBlock[];
}

export function toView(message: SlackMessage): MessageView {
  return {
    text: parseMrkdwn(typeof message.text === 'string' ? message.text : ''),
    blocks: (message.blocks ?? []).map(toViewBlock),
  };
}

/** Keeps a URL only when it is one a reader could safely follow. */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  return /^(https?:\/\/|mailto:)/i.test(url) ? url : undefined;
}

function toViewBlock(known: SlackBlock): ViewBlock {
  // Read as plain data: a message to preview may hold anything, whatever its static type says.
  const block = known as unknown as Record<string, unknown>;
  switch (block.type) {
    case 'header':
      return { type: 'header', text: textObject(block.text) ?? [] };
    case 'section': {
      const text = textObject(block.text);
      const fields = Array.isArray(block.fields) ? block.fields.map((field) => textObject(field) ?? []) : [];
      const button = asButton(block.accessory);
      return { type: 'section', ...(text ? { text } : {}), fields, ...(button ? { button } : {}) };
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return {
        type: 'context',
        elements: elements.map((element) => {
          if (isRecord(element) && element.type === 'image') {
            return plainText(typeof element.alt_text === 'string' ? element.alt_text : '');
          }
          return textObject(element) ?? [];
        }),
      };
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return {
        type: 'actions',
        buttons: elements.map(asButton).filter((button): button is ViewButton => button !== undefined),
      };
    }
    case 'divider':
      return { type: 'divider' };
    case 'image': {
      const title = textObject(block.title);
      return {
        type: 'image',
        alt: typeof block.alt_text === 'string' ? block.alt_text : '',
        ...(title ? { title } : {}),
      };
    }
    default:
      return { type: 'unknown', blockType: String(block.type) };
  }
}

function textObject(value: unknown): Inline[] | undefined {
  if (!isRecord(value) || typeof value.text !== 'string') return undefined;
  return value.type === 'mrkdwn' ? parseMrkdwn(value.text) : plainText(value.text);
}

function asButton(value: unknown): ViewButton | undefined {
  if (!isRecord(value) || value.type !== 'button') return undefined;
  const url = safeUrl(value.url);
  const style = value.style === 'primary' || value.style === 'danger' ? value.style : undefined;
  return { label: textObject(value.text) ?? [], ...(url ? { url } : {}), ...(style ? { style } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
