/**
 * The contract a template's result must meet before Slack's limits are enforced on it: an object with a
 * string `text` and/or an array `blocks` of objects with a string `type`. Anything else is the template's
 * bug, reported as a TemplateError rather than quietly sent as the fallback text.
 */
import { TemplateError } from './templates.js';

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}

/** Throws a TemplateError naming the template and what is wrong when `output` is not a Slack message. */
export function checkTemplateOutput(template: string, output: unknown): void {
  const fail = (what: string): TemplateError =>
    new TemplateError(
      template,
      `template '${template}' did not return a Slack message: ${what}; it must return {"text": "...", "blocks": [{"type": ...}, ...]} with text and/or blocks`
    );
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    throw fail(`it returned ${kindOf(output)}`);
  }
  const { text, blocks } = output as { text?: unknown; blocks?: unknown };
  if (text !== undefined && typeof text !== 'string') throw fail(`"text" is ${kindOf(text)}, not a string`);
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) {
      throw fail(
        `"blocks" is ${kindOf(blocks)}, not an array (a path that yields one item gives no array: wrap it in [ ])`
      );
    } else {
      blocks.forEach((block: unknown, i) => {
        if (typeof block !== 'object' || block === null || Array.isArray(block)) {
          throw fail(`blocks[${i}] is ${kindOf(block)}, not a block object`);
        }
        const type = (block as { type?: unknown }).type;
        if (typeof type !== 'string' || type === '') throw fail(`blocks[${i}] has no string "type"`);
      });
    }
  }
  const hasText = typeof text === 'string' && text.trim() !== '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!hasText && !hasBlocks) throw fail('it has neither a non-empty "text" nor any "blocks"');
}
