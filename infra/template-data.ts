/**
 * Decides at synth whether the notifier passes the watched execution's input and output to the formatter:
 * only when the message template reads them, so the data of the watched workflows travels no further than
 * it must (docs/infra.md, "Least exposure").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../formatters/formatter/templates'
);

/** The JSONata source without comments and string literals, so a word in a label is not a field read. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}

/**
 * True when the template source reads a field named `input` or `output` (e.g. `execution.input`,
 * `$.output`): the names under which the formatter shows the execution's data to templates.
 */
export function sourceUsesExecutionData(source: string): boolean {
  return /(?<![\w$])(input|output)(?!\w)/.test(code(source));
}

/**
 * Whether a template (a built-in name, or a path to a `.jsonata` file) reads the execution's input or output.
 * A template that cannot be read here is taken not to: the formatter reports it at run time.
 */
export function templateUsesExecutionData(template: string, templatesDir: string = TEMPLATES_DIR): boolean {
  const file = template.endsWith('.jsonata') ? template : path.join(templatesDir, `${template}.jsonata`);
  try {
    return sourceUsesExecutionData(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}
