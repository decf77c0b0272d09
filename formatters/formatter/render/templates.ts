/**
 * JSONata message templates: the built-in ones in `formatters/formatter/templates/<name>.jsonata`, or a user's file.
 * Each is read and compiled once per process (a Lambda container reuses it across invocations).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';

import {
  BUILT_IN_TEMPLATES,
  CUSTOM_TEMPLATE_PREFIX,
  DEFAULT_TEMPLATE,
  DIGEST_TEMPLATE,
  TEMPLATES_DIR_ENV,
} from '../../../contract/templates.js';

export { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATE };

/** A template that could not be read, compiled or evaluated. The message names the template and the cause. */
export class TemplateError extends Error {
  readonly template: string;
  constructor(template: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateError';
    this.template = template;
  }
}

type Expression = ReturnType<typeof jsonata>;
const cache = new Map<string, Expression>();

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where built-in and custom templates may be: `SFN_SLACK_TEMPLATES_DIR` (the custom templates' layer), the source tree (`formatters/formatter/templates`), or a
 * `templates/` folder next to a bundled handler.
 */
function builtInDirs(): string[] {
  const dirs = [path.resolve(here, '../templates'), path.resolve(here, 'templates')];
  const fromEnv = process.env[TEMPLATES_DIR_ENV];
  return fromEnv ? [fromEnv, ...dirs] : dirs;
}

function readTemplate(name: string): { source: string; label: string } {
  // A custom template the stack bundled (templates/custom/<id>.jsonata), or a built-in one.
  const bundled = name.startsWith(CUSTOM_TEMPLATE_PREFIX) && /^custom\/[a-z0-9-]{1,64}$/.test(name);
  if ((BUILT_IN_TEMPLATES as readonly string[]).includes(name) || name === DIGEST_TEMPLATE || bundled) {
    for (const dir of builtInDirs()) {
      try {
        return { source: readFileSync(path.join(dir, `${name}.jsonata`), 'utf8'), label: name };
      } catch {
        // try the next place
      }
    }
    throw new TemplateError(name, `template '${name}' not found (looked in ${builtInDirs().length} places)`);
  }
  try {
    return { source: readFileSync(name, 'utf8'), label: name };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new TemplateError(
      name,
      `template '${name}' cannot be read (${reason}); use detailed, compact or a path to a .jsonata file`
    );
  }
}

function jsonataMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { message?: unknown; position?: unknown; code?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(error);
    const code = typeof e.code === 'string' ? `${e.code} ` : '';
    const at = typeof e.position === 'number' ? ` at position ${e.position}` : '';
    return `${code}${message}${at}`.replace(/\s+/g, ' ');
  }
  return String(error);
}

/** The compiled template (compiled once per process; a changed file needs a new process). */
export function compileTemplate(name: string = DEFAULT_TEMPLATE): Expression {
  const cached = cache.get(name);
  if (cached) return cached;
  const { source, label } = readTemplate(name);
  let expression: Expression;
  try {
    expression = jsonata(source);
  } catch (error) {
    throw new TemplateError(label, `template '${label}' does not compile: ${jsonataMessage(error)}`, {
      cause: error,
    });
  }
  cache.set(name, expression);
  return expression;
}

/** Evaluates a template on its input. */
export async function evaluateTemplate(name: string, input: unknown): Promise<unknown> {
  const expression = compileTemplate(name);
  try {
    return await expression.evaluate(input);
  } catch (error) {
    throw new TemplateError(name, `template '${name}' failed to evaluate: ${jsonataMessage(error)}`, {
      cause: error,
    });
  }
}
