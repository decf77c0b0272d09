/**
 * dynalite is an optional peer dependency (package.json): a CDK app installing the construct does not get it, and
 * the local runner, which needs it, says what to install in one line instead of a module-resolution stack trace
 * (cli/main.ts prints it as one line, exit 2; test/package runs `npx sfn-slack start` without it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDynalite, MissingLocalDependency } from '../../local/stand-ins/dynamodb.js';

const missing = () =>
  Promise.reject(
    Object.assign(new Error("Cannot find package 'dynalite'"), { code: 'ERR_MODULE_NOT_FOUND' })
  );

describe('dynalite, the local message store', () => {
  it('is no runtime dependency of the package, but an optional peer (and a dev dependency here)', () => {
    const pkg = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')
    ) as Record<string, Record<string, unknown>>;
    expect(pkg.dependencies?.dynalite).toBeUndefined();
    expect(pkg.peerDependencies?.dynalite).toBeDefined();
    expect(pkg.peerDependenciesMeta?.dynalite).toEqual({ optional: true });
    expect(pkg.devDependencies?.dynalite).toBe(pkg.peerDependencies?.dynalite);
  });

  it('loads when installed', async () => {
    expect(typeof (await loadDynalite())).toBe('function');
  });

  it('when missing: an error naming the package and the command that installs it', async () => {
    await expect(loadDynalite(missing)).rejects.toThrow(MissingLocalDependency);
    await expect(loadDynalite(missing)).rejects.toThrow(/npm i -D dynalite@\^4/);
  });

  it('other failures pass through as they are', async () => {
    const broken = () => Promise.reject(new Error('native module failed to load'));
    await expect(loadDynalite(broken)).rejects.toThrow('native module failed to load');
  });
});
