/**
 * Temporary folders a test file makes through a helper, removed by the setup file (test/process-state.ts) when the
 * file ends: the worker process outlives the file and is killed at the end of the run, so an exit hook never runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// On globalThis: a file that reloads its modules (vi.resetModules) gets a new copy of this module, the same list.
const KEY = Symbol.for('sfn-slack-notifier test temporary folders');
const registry = globalThis as { [KEY]?: string[] };

/** Removes every folder registered since the last call. */
export function removeFileTempDirs(): void {
  for (const dir of registry[KEY]?.splice(0) ?? []) rmSync(dir, { recursive: true, force: true });
}

/** A new folder in the temporary directory, named `<prefix>XXXXXX`, removed when the current test file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  registry[KEY] ??= [];
  registry[KEY].push(dir);
  return dir;
}
