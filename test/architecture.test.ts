import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function filesUnder(dir: string): string[] {
  const absolute = path.join(repoRoot, dir);
  return readdirSync(absolute).flatMap((name) => {
    const full = path.join(absolute, name);
    return statSync(full).isDirectory() ? filesUnder(path.join(dir, name)) : [path.join(dir, name)];
  });
}

/** Module specifiers a TypeScript file imports or re-exports (static, dynamic, require). */
function importsOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

const tsFiles = (dir: string) => filesUnder(dir).filter((file) => /\.(ts|mts|js|mjs)$/.test(file));

/** Whether a relative import of `file` (a path from the repository root) resolves into top-level `dir`. */
function resolvesInto(file: string, specifier: string, dir: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.relative(repoRoot, path.resolve(path.dirname(path.join(repoRoot, file)), specifier));
  return target === dir || target.startsWith(`${dir}${path.sep}`);
}

/** `<file> imports <specifier>` for every import of a file under `from` that resolves into `into`. */
function importsInto(from: string, into: string): string[] {
  return tsFiles(from).flatMap((file) =>
    importsOf(readFileSync(path.join(repoRoot, file), 'utf8'))
      .filter((specifier) => resolvesInto(file, specifier, into))
      .map((specifier) => `${file} imports ${specifier}`)
  );
}

describe('architecture', () => {
  it('the import scanner sees static, type-only, dynamic and require imports', () => {
    const source = [
      "import { App } from 'aws-cdk-lib';",
      "import type { IConstruct } from 'constructs';",
      "export { x } from '../formatters/x.js';",
      "import 'side-effect';",
      "const m = await import('aws-cdk-lib/aws-sqs');",
      "const r = require('constructs');",
    ].join('\n');
    expect(importsOf(source)).toEqual(
      expect.arrayContaining([
        'aws-cdk-lib',
        'constructs',
        '../formatters/x.js',
        'side-effect',
        'aws-cdk-lib/aws-sqs',
      ])
    );
  });

  it('contract/ is dependency-free: it imports only itself (and @slack/types, for types only)', () => {
    const offenders = tsFiles('contract').flatMap((file) => {
      const source = readFileSync(path.join(repoRoot, file), 'utf8');
      return importsOf(source)
        .filter((specifier) => !specifier.startsWith('./'))
        .filter(
          (specifier) =>
            !(specifier === '@slack/types' && /import type \{[^}]*\} from '@slack\/types'/.test(source))
        )
        .map((specifier) => `${file} imports ${specifier}`);
    });
    expect(tsFiles('contract').length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });

  it('infra, formatters, local, cli and bench take the defaults from contract/, not their own copies', () => {
    for (const dir of ['infra', 'formatters', 'local', 'cli', 'bench']) {
      const importers = tsFiles(dir).filter((file) =>
        importsOf(readFileSync(path.join(repoRoot, file), 'utf8')).some((s) => s.includes('contract/'))
      );
      expect(importers.length, dir).toBeGreaterThan(0);
    }
    const restated = ['infra', 'formatters', 'local', 'cli', 'bench'].flatMap((dir) =>
      tsFiles(dir).filter((file) =>
        /=\s*\[\s*'FAILED',\s*'TIMED_OUT',\s*'ABORTED',\s*'SUCCEEDED'\s*\]/.test(
          readFileSync(path.join(repoRoot, file), 'utf8')
        )
      )
    );
    expect(restated).toEqual([]);
  });

  it('formatters/ never imports aws-cdk-lib or constructs', () => {
    const offenders = tsFiles('formatters').flatMap((file) =>
      importsOf(readFileSync(path.join(repoRoot, file), 'utf8'))
        .filter((specifier) => /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/.test(specifier))
        .map((specifier) => `${file} imports ${specifier}`)
    );
    expect(offenders).toEqual([]);
  });

  it('infra/ never imports from formatters/ (it only points NodejsFunction at the entry file)', () => {
    expect(importsInto('infra', 'formatters')).toEqual([]);
  });

  it('formatters/ never imports from infra/ (names both sides agree on live in contract/)', () => {
    expect(tsFiles('formatters').length).toBeGreaterThan(5);
    expect(importsInto('formatters', 'infra')).toEqual([]);
  });

  it('the cross-directory check sees a relative import that climbs into another directory', () => {
    expect(resolvesInto('formatters/actions/x.ts', '../../infra/source-roles.js', 'infra')).toBe(true);
    expect(resolvesInto('formatters/formatter/handler.ts', '../contract/sources.js', 'infra')).toBe(false);
    expect(resolvesInto('formatters/formatter/handler.ts', './infra/x.js', 'infra')).toBe(false);
  });

  it('formatters/ holds one folder per Lambda, each importing only itself, shared/ and contract/', () => {
    const lambdas = ['formatter', 'delivery', 'actions', 'act-in-region'];
    const folders = readdirSync(path.join(repoRoot, 'formatters'));
    expect(folders.sort()).toEqual([...lambdas, 'shared'].sort());
    const offenders = lambdas.flatMap((lambda) =>
      lambdas
        .filter((other) => other !== lambda)
        .flatMap((other) => importsInto(`formatters/${lambda}`, `formatters/${other}`))
    );
    expect(offenders).toEqual([]);
    const sharedReachesALambda = lambdas.flatMap((lambda) =>
      importsInto('formatters/shared', `formatters/${lambda}`)
    );
    expect(sharedReachesALambda).toEqual([]);
  });

  it('statemachines/ holds only .asl.json data files', () => {
    const files = filesUnder('statemachines');
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !file.endsWith('.asl.json'))).toEqual([]);
  });
});
