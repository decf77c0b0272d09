/** The bench's entry points, as package.json's `bench` and `bench:*` scripts run them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../e2e/helpers.js';

export interface BenchEntry {
  /** The npm script, e.g. `bench:bundle`. */
  readonly script: string;
  /** Its file, relative to bench/ (e.g. `bundle-run.ts`), or undefined when the script names none. */
  readonly file: string | undefined;
}

export const benchDir = path.join(repoRoot, 'bench');

export const benchEntries: readonly BenchEntry[] = Object.entries(
  (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts
)
  .filter(([script]) => script === 'bench' || script.startsWith('bench:'))
  .map(([script, command]) => ({ script, file: /\bbench\/([\w-]+\.ts)\b/.exec(command)?.[1] }));

export const entrySource = (file: string): string => readFileSync(path.join(benchDir, file), 'utf8');
