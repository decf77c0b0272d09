/**
 * Slack's Block Kit limits, enforced on whatever a template produced, so the message is always valid:
 * at most 50 blocks; section text 3,000 and at most 10 fields of 2,000; header plain_text 150; context at
 * most 10 elements; actions at most 25 elements, button text 75, URL 3,000; `text` at most 4,000.
 *
 * Blocks are rebuilt from the members Slack documents for them, never passed through: a block type or an
 * element the formatter cannot check (anything but header, section, divider, context, actions, image; buttons
 * and images as elements) is dropped, and each drop is reported as a warning, so Slack is never sent
 * something it rejects.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  ContextBlockElement,
  ImageBlock,
  ImageElement,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import type { FormattedMessage, SlackMessage } from '../../../contract/formatter.js';
import { truncateMrkdwn, truncatePlain } from './text.js';

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  contextText: 2_000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3_000,
  buttonValue: 2_000,
  actionId: 255,
  imageUrl: 3_000,
  altText: 2_000,
  imageTitle: 2_000,
  text: 4_000,
  blockId: 255,
} as const;

/** The block types the formatter checks and sends. */
export const SUPPORTED_BLOCK_TYPES = ['header', 'section', 'divider', 'context', 'actions', 'image'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where dropped or changed parts are reported (what, and why). */
type Warn = (warning: string) => void;

/** A plain_text object rebuilt: non-empty text within `max`, only documented members. */
function plainTextObject(value: unknown, max: number): PlainTextElement | undefined {
  if (typeof value === 'string') value = { type: 'plain_text', text: value };
  if (!isObject(value) || typeof value.text !== 'string' || value.text.trim() === '') return undefined;
  const out: PlainTextElement = { type: 'plain_text', text: truncatePlain(value.text, max) };
  if (typeof value.emoji === 'boolean') out.emoji = value.emoji;
  return out;
}

/** A text object rebuilt: plain_text when it says so, else mrkdwn; non-empty text within `max`. */
function textObject(value: unknown, max: number): PlainTextElement | MrkdwnElement | undefined {
  if (typeof value === 'string') value = { type: 'mrkdwn', text: value };
  if (!isObject(value) || typeof value.text !== 'string' || value.text.trim() === '') return undefined;
  if (value.type === 'plain_text') return plainTextObject(value, max);
  const out: MrkdwnElement = { type: 'mrkdwn', text: truncateMrkdwn(value.text, max) };
  if (typeof value.verbatim === 'boolean') out.verbatim = value.verbatim;
  return out;
}

function httpUrl(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max && /^https?:\/\/\S+$/.test(value);
}

function button(element: Json, where: string, warn: Warn): Button | undefined {
  const text = plainTextObject(element.text, SLACK_LIMITS.buttonText);
  if (!text) {
    warn(`${where}: button without text dropped`);
    return undefined;
  }
  const out: Button = { type: 'button', text };
  if (element.url !== undefined) {
    if (!httpUrl(element.url, SLACK_LIMITS.buttonUrl)) {
      warn(`${where}: button with an invalid url (http or https, at most 3000 characters) dropped`);
      return undefined;
    }
    out.url = element.url;
  }
  if (typeof element.value === 'string' && element.value.length <= SLACK_LIMITS.buttonValue) {
    out.value = element.value;
  }
  if (
    typeof element.action_id === 'string' &&
    element.action_id !== '' &&
    element.action_id.length <= SLACK_LIMITS.actionId
  ) {
    out.action_id = element.action_id;
  }
  if (element.style === 'primary' || element.style === 'danger') out.style = element.style;
  return out;
}

function image(element: Json, where: string, warn: Warn): ImageElement | undefined {
  if (
    !httpUrl(element.image_url, SLACK_LIMITS.imageUrl) ||
    typeof element.alt_text !== 'string' ||
    element.alt_text === ''
  ) {
    warn(`${where}: image without a valid image_url and alt_text dropped`);
    return undefined;
  }
  return {
    type: 'image',
    image_url: element.image_url,
    alt_text: truncatePlain(element.alt_text, SLACK_LIMITS.altText),
  };
}

/** An interactive or image element: buttons and images only (others cannot be checked here). */
function element(
  value: unknown,
  where: string,
  warn: Warn,
  allowImage: true
): Button | ImageElement | undefined;
function element(value: unknown, where: string, warn: Warn, allowImage: false): Button | undefined;
function element(
  value: unknown,
  where: string,
  warn: Warn,
  allowImage: boolean
): Button | ImageElement | undefined {
  if (!isObject(value) || typeof value.type !== 'string') {
    warn(`${where}: not an element object, dropped`);
    return undefined;
  }
  if (value.type === 'button') return button(value, where, warn);
  if (value.type === 'image' && allowImage) return image(value, where, warn);
  warn(`${where}: unsupported element type '${value.type}' dropped`);
  return undefined;
}

/** One block rebuilt, or undefined (with a warning) when it cannot be made valid. */
function fixBlock(block: unknown, where: string, warn: Warn): KnownBlock | undefined {
  if (!isObject(block) || typeof block.type !== 'string') {
    warn(`${where}: not a block object with a type, dropped`);
    return undefined;
  }
  const dropped = (why: string): undefined => {
    warn(`${where} (${block.type}): ${why}, dropped`);
    return undefined;
  };
  switch (block.type) {
    case 'header': {
      const text = plainTextObject(block.text, SLACK_LIMITS.headerText);
      return text ? { type: 'header', text } : dropped('no text');
    }
    case 'section': {
      const out: SectionBlock = { type: 'section' };
      const text = block.text === undefined ? undefined : textObject(block.text, SLACK_LIMITS.sectionText);
      if (text) out.text = text;
      if (Array.isArray(block.fields)) {
        const fields = block.fields
          .map((field) => textObject(field, SLACK_LIMITS.fieldText))
          .filter((field): field is PlainTextElement | MrkdwnElement => field !== undefined);
        if (fields.length > SLACK_LIMITS.sectionFields) {
          warn(`${where} (section): ${fields.length - SLACK_LIMITS.sectionFields} fields over 10 dropped`);
        }
        if (fields.length > 0) out.fields = fields.slice(0, SLACK_LIMITS.sectionFields);
      }
      if (block.accessory !== undefined) {
        const accessory = element(block.accessory, `${where} accessory`, warn, true);
        if (accessory) out.accessory = accessory;
      }
      if (typeof block.expand === 'boolean') out.expand = block.expand;
      return out.text || out.fields ? out : dropped('neither text nor fields');
    }
    case 'context': {
      if (!Array.isArray(block.elements)) return dropped('no elements');
      const elements = block.elements
        .map((item, i): ContextBlockElement | undefined =>
          isObject(item) && item.type === 'image'
            ? image(item, `${where} element ${i}`, warn)
            : textObject(item, SLACK_LIMITS.contextText)
        )
        .filter((item): item is ContextBlockElement => item !== undefined)
        .slice(0, SLACK_LIMITS.contextElements);
      const context: ContextBlock = { type: 'context', elements };
      return elements.length > 0 ? context : dropped('no valid elements');
    }
    case 'actions': {
      if (!Array.isArray(block.elements)) return dropped('no elements');
      const elements = block.elements
        .map((item, i) => element(item, `${where} element ${i}`, warn, false))
        .filter((item): item is Button => item !== undefined)
        .slice(0, SLACK_LIMITS.actionsElements);
      const actions: ActionsBlock = { type: 'actions', elements };
      return elements.length > 0 ? actions : dropped('no valid elements');
    }
    case 'divider':
      return { type: 'divider' };
    case 'image': {
      const element = image(block, where, warn);
      if (!element || !('image_url' in element) || element.image_url === undefined) return undefined;
      const out: ImageBlock = { type: 'image', image_url: element.image_url, alt_text: element.alt_text };
      const title =
        block.title === undefined ? undefined : plainTextObject(block.title, SLACK_LIMITS.imageTitle);
      return title ? { ...out, title } : out;
    }
    default:
      return dropped(`unsupported block type (the formatter sends ${SUPPORTED_BLOCK_TYPES.join(', ')})`);
  }
}

/** Keeps a block's `block_id` when it is a string Slack takes and not used by an earlier block. */
function withBlockId(
  fixed: KnownBlock,
  original: unknown,
  seen: Set<string>,
  where: string,
  warn: Warn
): KnownBlock {
  const id = isObject(original) ? original.block_id : undefined;
  if (id === undefined) return fixed;
  if (typeof id !== 'string' || id === '' || id.length > SLACK_LIMITS.blockId || seen.has(id)) {
    warn(`${where}: block_id invalid or repeated, removed`);
    return fixed;
  }
  seen.add(id);
  return { ...fixed, block_id: id };
}

/**
 * The template's output made valid: blocks rebuilt or dropped, at most 50 (the last one then says how many
 * were left out), `text` present and at most 4,000 characters (`fallbackText` when the template gave none).
 * Each block or element dropped, and each `block_id` removed, is reported to `warn`.
 */
export function enforceSlackLimits(
  output: unknown,
  fallbackText: string,
  warn: Warn = () => undefined
): FormattedMessage {
  const message = isObject(output) ? output : {};
  const rawText =
    typeof message.text === 'string' && message.text.trim() !== '' ? message.text : fallbackText;
  const text = truncateMrkdwn(rawText, SLACK_LIMITS.text);
  const rawBlocks = Array.isArray(message.blocks) ? message.blocks : [];
  const seen = new Set<string>();
  let blocks: KnownBlock[] = [];
  rawBlocks.forEach((raw, i) => {
    const fixed = fixBlock(raw, `block ${i}`, warn);
    if (fixed) blocks.push(withBlockId(fixed, raw, seen, `block ${i}`, warn));
  });
  if (blocks.length > SLACK_LIMITS.blocks) {
    const dropped = blocks.length - (SLACK_LIMITS.blocks - 1);
    blocks = [
      ...blocks.slice(0, SLACK_LIMITS.blocks - 1),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `_+${dropped} more blocks not shown_` }] },
    ];
  }
  return blocks.length > 0 ? { text, blocks } : { text };
}

/** Checks a message against the limits; returns the problems (empty when valid). Used by tests and preview. */
export function slackLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('text missing');
  else if (message.text.length > SLACK_LIMITS.text) problems.push(`text ${message.text.length} > 4000`);
  const blocks = message.blocks ?? [];
  if (blocks.length > SLACK_LIMITS.blocks) problems.push(`${blocks.length} blocks > 50`);
  blocks.forEach((block, i) => {
    const b = block as unknown as Json;
    const textOf = (t: unknown): string | undefined =>
      isObject(t) && typeof t.text === 'string' ? t.text : undefined;
    if (b.type === 'header') {
      const t = b.text as Json | undefined;
      if (t?.type !== 'plain_text') problems.push(`block ${i}: header text not plain_text`);
      const s = textOf(t);
      if (!s || s.length > SLACK_LIMITS.headerText) problems.push(`block ${i}: header text length`);
    } else if (b.type === 'section') {
      const s = textOf(b.text);
      const fields = Array.isArray(b.fields) ? b.fields : undefined;
      if (s === undefined && !fields) problems.push(`block ${i}: section without text or fields`);
      if (s !== undefined && (s.length === 0 || s.length > SLACK_LIMITS.sectionText)) {
        problems.push(`block ${i}: section text length ${s.length}`);
      }
      if (fields && (fields.length > SLACK_LIMITS.sectionFields || fields.length === 0)) {
        problems.push(`block ${i}: ${fields.length} fields`);
      }
      for (const f of fields ?? []) {
        const ft = textOf(f);
        if (!ft || ft.length > SLACK_LIMITS.fieldText) problems.push(`block ${i}: field length`);
      }
    } else if (b.type === 'context') {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > SLACK_LIMITS.contextElements) {
        problems.push(`block ${i}: ${elements.length} context elements`);
      }
    } else if (b.type === 'actions') {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > SLACK_LIMITS.actionsElements) {
        problems.push(`block ${i}: ${elements.length} actions elements`);
      }
      for (const e of elements) {
        const t = textOf(isObject(e) ? e.text : undefined);
        if (!t || t.length > SLACK_LIMITS.buttonText) problems.push(`block ${i}: button text`);
      }
    }
  });
  return problems;
}
