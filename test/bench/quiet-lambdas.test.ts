/**
 * Every bench entry imports bench/quiet-lambdas.ts before anything else: a Lambda module imported earlier would
 * create its logger at the default level (INFO) and fill the bench's output with JSON lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/helpers.js';

const benchDir = path.join(repoRoot, 'bench');
const entries = readdirSync(benchDir).filter((name) => name === 'run.ts' || name.endsWith('-run.ts'));
const scripts = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

describe('bench entries', () => {
  it('are the files the npm bench scripts run', () => {
    const run = Object.entries(scripts)
      .filter(([name]) => name === 'bench' || name.startsWith('bench:'))
      .map(([, command]) => /bench\/([\w-]+\.ts)/.exec(command)?.[1]);
    expect(run.sort()).toEqual([...entries].sort());
  });

  it.each(entries)('%s imports quiet-lambdas.js first', (name) => {
    const source = readFileSync(path.join(benchDir, name), 'utf8');
    const first = /^import .*$/m.exec(source)?.[0];
    expect(first).toBe("import './quiet-lambdas.js';");
  });
});
