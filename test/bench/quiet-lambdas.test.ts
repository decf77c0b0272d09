/**
 * Every bench entry imports bench/quiet-lambdas.ts before anything else: a Lambda module imported earlier would
 * create its logger at the default level (INFO) and fill the bench's output with JSON lines.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchDir, benchEntries, entrySource } from './entries.js';

const entries = readdirSync(benchDir).filter((name) => name === 'run.ts' || name.endsWith('-run.ts'));

describe('bench entries', () => {
  it('are the files the npm bench scripts run', () => {
    expect(benchEntries.map((e) => e.file).sort()).toEqual([...entries].sort());
  });

  it.each(entries)('%s imports quiet-lambdas.js first', (name) => {
    const first = /^import .*$/m.exec(entrySource(name))?.[0];
    expect(first).toBe("import './quiet-lambdas.js';");
  });
});
