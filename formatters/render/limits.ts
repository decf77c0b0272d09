/**
 * Slack's Block Kit limits, enforced on whatever a template produced, so the message is always valid:
 * at most 50 blocks; section text 3,000 and at most 10 fields of 2,000; header plain_text 150; context at
 * most 10 elements; actions at most 25 elements, button text 75, URL 3,000; `text` at most 4,000.
 */
import type { SlackBlock, SlackMessage } from '../contract.js';
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
  text: 4_000,
  blockId: 255,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text object fixed up: `type` plain_text or mrkdwn, non-empty text within `max`. */
function textObject(value: unknown, max: number, forcePlain = false): Json | undefined {
  if (typeof value === 'string') value = { type: forcePlain ? 'plain_text' : 'mrkdwn', text: value };
  if (!isObject(value) || typeof value.text !== 'string' || value.text.trim() === '') return undefined;
  const type = forcePlain ? 'plain_text' : value.type === 'plain_text' ? 'plain_text' : 'mrkdwn';
  const text = type === 'plain_text' ? truncatePlain(value.text, max) : truncateMrkdwn(value.text, max);
  const out: Json = { ...value, type, text };
  if (type === 'mrkdwn') delete out.emoji;
  return out;
}

function withBlockId(block: Json): Json {
  if (typeof block.block_id === 'string' && block.block_id.length > SLACK_LIMITS.blockId) {
    return { ...block, block_id: block.block_id.slice(0, SLACK_LIMITS.blockId) };
  }
  return block;
}

function fixElement(element: unknown): Json | undefined {
  if (!isObject(element) || typeof element.type !== 'string') return undefined;
  if (element.type === 'button') {
    const text = textObject(element.text, SLACK_LIMITS.buttonText, true);
    if (!text) return undefined;
    const out: Json = { ...element, text };
    if (out.url !== undefined) {
      if (
        typeof out.url !== 'string' ||
        out.url.length > SLACK_LIMITS.buttonUrl ||
        !/^https?:\/\//.test(out.url)
      ) {
        return undefined;
      }
    }
    return out;
  }
  return element;
}

/** One block fixed up, or undefined when it cannot be made valid. */
function fixBlock(block: unknown): Json | undefined {
  if (!isObject(block) || typeof block.type !== 'string') return undefined;
  switch (block.type) {
    case 'header': {
      const text = textObject(block.text, SLACK_LIMITS.headerText, true);
      return text ? withBlockId({ ...block, text }) : undefined;
    }
    case 'section': {
      const out: Json = { ...block };
      const text = block.text === undefined ? undefined : textObject(block.text, SLACK_LIMITS.sectionText);
      if (text) out.text = text;
      else delete out.text;
      if (Array.isArray(block.fields)) {
        const fields = block.fields
          .map((field) => textObject(field, SLACK_LIMITS.fieldText))
          .filter((field): field is Json => field !== undefined)
          .slice(0, SLACK_LIMITS.sectionFields);
        if (fields.length > 0) out.fields = fields;
        else delete out.fields;
      } else delete out.fields;
      if (out.accessory !== undefined) {
        const accessory = fixElement(out.accessory);
        if (accessory) out.accessory = accessory;
        else delete out.accessory;
      }
      return out.text || out.fields ? withBlockId(out) : undefined;
    }
    case 'context': {
      if (!Array.isArray(block.elements)) return undefined;
      const elements = block.elements
        .map((element) =>
          isObject(element) && element.type === 'image'
            ? element
            : textObject(element, SLACK_LIMITS.contextText)
        )
        .filter((element): element is Json => element !== undefined)
        .slice(0, SLACK_LIMITS.contextElements);
      return elements.length > 0 ? withBlockId({ ...block, elements }) : undefined;
    }
    case 'actions': {
      if (!Array.isArray(block.elements)) return undefined;
      const elements = block.elements
        .map(fixElement)
        .filter((element): element is Json => element !== undefined)
        .slice(0, SLACK_LIMITS.actionsElements);
      return elements.length > 0 ? withBlockId({ ...block, elements }) : undefined;
    }
    case 'divider':
      return withBlockId({
        type: 'divider',
        ...(block.block_id === undefined ? {} : { block_id: block.block_id }),
      });
    default:
      return withBlockId(block);
  }
}

/**
 * The template's output made valid: blocks fixed or dropped, at most 50 (the last one then says how many
 * were left out), `text` present and at most 4,000 characters (`fallbackText` when the template gave none).
 */
export function enforceSlackLimits(output: unknown, fallbackText: string): SlackMessage {
  const message = isObject(output) ? output : {};
  const rawText =
    typeof message.text === 'string' && message.text.trim() !== '' ? message.text : fallbackText;
  const text = truncateMrkdwn(rawText, SLACK_LIMITS.text);
  const rawBlocks = Array.isArray(message.blocks) ? message.blocks : [];
  let blocks = rawBlocks.map(fixBlock).filter((block): block is Json => block !== undefined);
  if (blocks.length > SLACK_LIMITS.blocks) {
    const dropped = blocks.length - (SLACK_LIMITS.blocks - 1);
    blocks = [
      ...blocks.slice(0, SLACK_LIMITS.blocks - 1),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `_+${dropped} more blocks not shown_` }] },
    ];
  }
  return blocks.length > 0 ? { text, blocks: blocks as SlackBlock[] } : { text };
}

/** Checks a message against the limits; returns the problems (empty when valid). Used by tests and preview. */
export function slackLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('text missing');
  else if (message.text.length > SLACK_LIMITS.text) problems.push(`text ${message.text.length} > 4000`);
  const blocks = message.blocks ?? [];
  if (blocks.length > SLACK_LIMITS.blocks) problems.push(`${blocks.length} blocks > 50`);
  blocks.forEach((block, i) => {
    const b = block as Json;
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
