import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatusChangeEvent } from '../../../contract/formatter.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/formatters');

/** A project fixture: `<name>.history.json` (one page) and `<name>.event.json` (the EventBridge event). */
export function loadFixture(name: string): { page: unknown; event: StatusChangeEvent } {
  const page: unknown = JSON.parse(readFileSync(path.join(fixturesDir, `${name}.history.json`), 'utf8'));
  const event = JSON.parse(
    readFileSync(path.join(fixturesDir, `${name}.event.json`), 'utf8')
  ) as StatusChangeEvent;
  return { page, event };
}
