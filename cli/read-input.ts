/**
 * Reads the JSON files commands take (`--history`, `--event`) and checks their shape, so every command reports a
 * bad file the same way: one line naming the file and the problem (not found, not readable, not JSON at
 * line/column, not the expected shape). `-` reads standard input. `render`, `preview` and `start` share it.
 */

import { readFile } from 'node:fs/promises';
import type { StatusChangeEvent } from '../contract/formatter.js';
import { definitionText } from '../formatters/formatter/summarize/definition.js';
import { isHistoryPage, pageEvents } from '../formatters/formatter/summarize/normalize.js';
import { readAll } from './aws/io.js';
import { CliError, ExitCode } from './errors.js';

/** The file name that means standard input (for inputs) or standard output (for `--out`). */
export const STANDARD_STREAM = '-';

/** How messages name an input: `the history file h.json`, or `the history on standard input`. */
export function inputLabel(kind: InputKind, file: string): string {
  return file === STANDARD_STREAM ? `the ${kind} on standard input` : `the ${kind} file ${file}`;
}

/** Only one input can come from standard input. */
export function checkOneStdinInput(inputs: Readonly<Record<string, string | undefined>>): void {
  const fromStdin = Object.entries(inputs).filter(([, file]) => file === STANDARD_STREAM);
  if (fromStdin.length > 1) {
    throw new CliError(
      `${fromStdin.map(([option]) => option).join(' and ')} both read standard input: give a file for all but one`,
      ExitCode.badInput
    );
  }
}

/** What the file holds, as named in messages: `the history file h.json …`. */
export type InputKind = 'history' | 'event' | 'definition';

/** Reads and parses a JSON file; any failure is a CliError (exit 2) naming the file and the problem. */
export async function readJsonFile(
  file: string,
  kind: InputKind,
  stdin: NodeJS.ReadableStream = process.stdin
): Promise<unknown> {
  const label = inputLabel(kind, file);
  let text: string;
  try {
    text = file === STANDARD_STREAM ? await readAll(stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`${label} ${readProblem(error)}`, ExitCode.badInput, { cause: error });
  }
  if (text.trim() === '') {
    throw new CliError(`${label} is empty: give the saved JSON output`, ExitCode.badInput);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text));
    throw new CliError(
      `${label} is not valid JSON at line ${line}, column ${column}: give the saved JSON output`,
      ExitCode.badInput,
      { cause: error }
    );
  }
}

function readProblem(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'was not found: check the path';
    case 'EACCES':
    case 'EPERM':
      return 'is not readable (permission denied): check its permissions';
    case 'EISDIR':
      return 'is a directory: give the path of a JSON file';
    default:
      return `could not be read (${err.code ?? err.message})`;
  }
}

/**
 * The history file's content as GetExecutionHistory pages: one response (`{events}` or `{Events}`), an array of
 * them, or a bare array of events.
 */
export function historyPages(content: unknown, file: string): unknown[] {
  if (isHistoryPage(content) && !Array.isArray(content)) return [content];
  if (Array.isArray(content)) {
    if (content.length > 0 && content.every((item) => isHistoryPage(item) && !Array.isArray(item)))
      return content;
    if (content.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
      return [{ events: content }];
    }
  }
  throw new CliError(
    `${inputLabel('history', file)} is not a GetExecutionHistory result: expected {"events": [...]} (or {"Events": [...]}), an array of those, or an array of events`,
    ExitCode.badInput
  );
}

/**
 * A history the formatter can read nothing from: no events at all, or no event with a `type` and an `id`. The
 * message can still be built (from the event alone), so commands print it and then report this with exit 2.
 */
export function historyProblem(pages: readonly unknown[], file: string): string | undefined {
  const events = pages.flatMap((page) => [...pageEvents(page)]);
  const where = inputLabel('history', file);
  const fix = 'save it with `aws stepfunctions get-execution-history --execution-arn ARN`';
  if (events.length === 0) return `${where} has no events, so the message shows only the event: ${fix}`;
  const isEvent = (event: unknown) => {
    if (typeof event !== 'object' || event === null) return false;
    const record = event as Record<string, unknown>;
    return typeof (record.type ?? record.Type) === 'string' && (record.id ?? record.Id) !== undefined;
  };
  const recognised = events.filter(isEvent).length;
  if (recognised === 0) {
    return `${where} has ${events.length} item(s) but no history event (each needs "type" and "id"): ${fix}`;
  }
  return undefined;
}

/** The event file's content as a status-change event: the EventBridge event, or its `detail` alone. */
export function statusChangeEventOf(content: unknown, file: string): StatusChangeEvent {
  if (typeof content === 'object' && content !== null && !Array.isArray(content)) {
    const record = content as Record<string, unknown>;
    const detail = record.detail as Record<string, unknown> | null | undefined;
    if (typeof detail === 'object' && detail !== null && isDetail(detail)) {
      return content as StatusChangeEvent;
    }
    if (isDetail(record)) return { detail: record as unknown as StatusChangeEvent['detail'] };
  }
  throw new CliError(
    `${inputLabel('event', file)} is not a Step Functions status-change event: expected an EventBridge event with detail.executionArn and detail.status (or the detail itself)`,
    ExitCode.badInput
  );
}

function isDetail(value: Record<string, unknown>): boolean {
  return typeof value.executionArn === 'string' && typeof value.status === 'string';
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * The offset of the first syntax error in `text`. Node 20's JSON.parse gives a position for some errors only
 * ("Unexpected token …" has none), so this small scanner finds it for all.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) fail();
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      const char = text[i];
      if (char === undefined || char < ' ') fail();
      if (char === '"') {
        i++;
        return;
      }
      if (char === '\\') {
        i++;
        const escaped = text[i] ?? '';
        if (escaped === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
        } else if ('"\\/bfnrt'.includes(escaped) && escaped !== '') i++;
        else fail();
      } else i++;
    }
  };
  const list = (close: string, item: () => void): void => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      space();
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{') {
      list('}', () => {
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    } else if (char === '[') list(']', value);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || /[0-9]/.test(char ?? '')) number();
    else fail();
  };
  try {
    value();
    space();
    return Math.min(i, text.length);
  } catch (offset) {
    return offset as number;
  }
}

/**
 * The state machine definition a `--definition` file holds: a DescribeStateMachineForExecution (or
 * DescribeStateMachine) response, or the ASL itself. The deployed notifier passes the same text to the formatter,
 * so a preview with it names what each Task ran exactly as the posted message does.
 */
export async function readDefinitionFile(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin
): Promise<string> {
  const text = definitionText(await readJsonFile(file, 'definition', stdin));
  if (text === undefined) {
    throw new CliError(
      `${inputLabel('definition', file)} is not a state machine definition: save one with \`aws stepfunctions describe-state-machine-for-execution --execution-arn ARN > definition.json\``,
      ExitCode.badInput
    );
  }
  return text;
}
