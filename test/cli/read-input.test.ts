import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import {
  historyPages,
  jsonErrorOffset,
  lineAndColumn,
  readJsonFile,
  statusChangeEventOf,
} from '../../cli/read-input.js';
import { tempDir } from '../temp-dirs.js';

const dir = tempDir('sfn-slack-read-input-');

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

async function errorOf(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('readJsonFile', () => {
  it('parses a JSON file', async () => {
    await expect(readJsonFile(file('ok.json', '{"events": []}'), 'history')).resolves.toEqual({ events: [] });
  });

  it('names the file and says it was not found (exit 2, one line)', async () => {
    const error = await errorOf(readJsonFile('/nope', 'history'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('the history file /nope was not found: check the path');
  });

  it('says a directory is a directory', async () => {
    const error = await errorOf(readJsonFile(dir, 'event'));
    expect(error.message).toBe(`the event file ${dir} is a directory: give the path of a JSON file`);
  });

  const isRoot = process.getuid?.() === 0;
  if (isRoot) console.info('read-input: skipping the permission test: root can read a file with mode 000');
  it.skipIf(isRoot)('says an unreadable file is not readable (skipped as root)', async () => {
    const target = file('secret.json', '{}');
    chmodSync(target, 0o000);
    const error = await errorOf(readJsonFile(target, 'history'));
    expect(error.message).toBe(
      `the history file ${target} is not readable (permission denied): check its permissions`
    );
  });

  it('says an empty file is empty', async () => {
    const target = file('empty.json', '  \n');
    expect((await errorOf(readJsonFile(target, 'history'))).message).toBe(
      `the history file ${target} is empty: give the saved JSON output`
    );
  });

  it.each([
    // V8 gives no position for these ("Unexpected token"), so the scanner finds it.
    ['{"a": }', 1, 7],
    ['{\n  "events": [\n    {"id": 1} {"id": 2}\n  ]\n}', 3, 15],
    ['{"a": tru}', 1, 10],
    // V8 gives a position for these; the scanner agrees.
    ['{"a":1,}', 1, 8],
    ['[1,2', 1, 5],
    ['{"a": "x\ny"}', 1, 9],
    ['{} extra', 1, 4],
    ['{"a": "\\u12G4"}', 1, 12],
  ])('reports where %j stops being JSON (line %i, column %i)', async (content, line, column) => {
    const target = file('bad.json', content);
    expect((await errorOf(readJsonFile(target, 'event'))).message).toBe(
      `the event file ${target} is not valid JSON at line ${line}, column ${column}: give the saved JSON output`
    );
  });

  it('finds no error in valid JSON (the scanner accepts what JSON.parse accepts)', () => {
    const text = JSON.stringify(
      { a: [1, -2.5e3, 'x"\\\n\u00e9', true, false, null, {}, []], b: '' },
      null,
      2
    );
    expect(jsonErrorOffset(text)).toBe(text.length);
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('historyPages and statusChangeEventOf', () => {
  it('accepts one page, an array of pages, SDK casing and a bare array of events', () => {
    const page = { events: [{ id: 1, type: 'ExecutionStarted' }] };
    const sdkPage = { Events: [{ Id: 1, Type: 'ExecutionStarted' }] };
    expect(historyPages(page, 'h.json')).toEqual([page]);
    expect(historyPages(sdkPage, 'h.json')).toEqual([sdkPage]);
    expect(historyPages([page, page], 'h.json')).toEqual([page, page]);
    expect(historyPages(page.events, 'h.json')).toEqual([page]);
  });

  it('names the file and the expected shape for anything else', () => {
    for (const content of [{ foo: 1 }, 'text', [1, 2]]) {
      expect(() => historyPages(content, 'x.json')).toThrow(
        'the history file x.json is not a GetExecutionHistory result: expected {"events": [...]} (or {"Events": [...]}), an array of those, or an array of events'
      );
    }
  });

  it('accepts the EventBridge event or its detail, and refuses other shapes', () => {
    const detail = { executionArn: 'arn:aws:states:eu-west-1:1:execution:m:n', status: 'FAILED' };
    expect(statusChangeEventOf({ detail }, 'e.json')).toEqual({ detail });
    expect(statusChangeEventOf(detail, 'e.json')).toEqual({ detail });
    for (const content of [{ events: [] }, { detail: { executionArn: 'x' } }, [detail], null]) {
      expect(() => statusChangeEventOf(content, 'e.json')).toThrow(
        'the event file e.json is not a Step Functions status-change event: expected an EventBridge event with detail.executionArn and detail.status (or the detail itself)'
      );
    }
  });
});
