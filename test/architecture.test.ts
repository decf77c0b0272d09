import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/** The top-level folder a path from the repository root sits in. */
const topFolder = (file: string): string => file.split(/[\\/]/)[0] as string;

/** Where a relative import of `file` (a path from the repository root) lands, as a path from the root. */
function importTarget(file: string, specifier: string): string {
  return path.relative(repoRoot, path.resolve(path.dirname(path.join(repoRoot, file)), specifier));
}

/** `<file> imports <specifier>` for every import of a file under `from` that resolves into `into`. */
function importsInto(from: string, into: string): string[] {
  return tsFiles(from).flatMap((file) =>
    importsOf(readFileSync(path.join(repoRoot, file), 'utf8'))
      .filter((specifier) => resolvesInto(file, specifier, into))
      .map((specifier) => `${file} imports ${specifier}`)
  );
}

/**
 * The allowed import directions between the top-level folders, derived from the design (DESIGN.md "Layout"): each
 * folder may import itself and the folders listed here, nothing else. A folder holding code that is not in this
 * table fails the test, so a new folder has to say where it stands.
 */
const ALLOWED_IMPORTS = {
  /** Shared pure definitions both sides agree on: names, rules, shapes. Depends on nothing. */
  contract: [],
  /** The Lambdas (formatter, delivery, actions endpoint, act-in-region): pure TypeScript plus thin handlers. */
  formatters: ['contract'],
  /** CDK only: it points NodejsFunction at the Lambdas' entry files and reads statemachines/ as data. */
  infra: ['contract'],
  /** Renderings of a Slack message (terminal, HTML, Block Kit Builder). */
  preview: ['contract'],
  /** The local runner and stand-ins: runs the real Lambdas, shows messages with the previews. Never the CDK. */
  local: ['contract', 'formatters', 'preview'],
  /** The command line: ships without aws-cdk-lib (a peer dependency), so never infra/. */
  cli: ['contract', 'formatters', 'local', 'preview'],
  /** The installed `sfn-slack` binary: the built command line only. */
  bin: ['dist'],
  /** Repository tooling: the package build, the standalone template, scenario checks. Never the bench. */
  scripts: ['contract', 'infra', 'local', 'cli'],
  /** Measurements: bundles what the build ships (scripts/), runs the local pipeline and the Lambdas. */
  bench: ['contract', 'formatters', 'local', 'scripts'],
  /** ASL data only (`*.asl.json`); read as files, never imported. */
  statemachines: [],
  /** The tests may reach every source folder; nothing but the tests imports them. */
  test: [
    'bench',
    'bin',
    'cli',
    'contract',
    'formatters',
    'infra',
    'local',
    'preview',
    'scripts',
    'statemachines',
  ],
} as const satisfies Record<string, readonly string[]>;

type Folder = keyof typeof ALLOWED_IMPORTS;

/** One import: `file` imports `specifier`, a module at `target` (both paths from the repository root). */
interface Edge {
  readonly file: string;
  readonly specifier: string;
  readonly target: string;
}

/** Every relative import, in the folders of the table, that leaves its own top-level folder. */
function crossFolderEdges(): Edge[] {
  return Object.keys(ALLOWED_IMPORTS).flatMap((folder) =>
    (existsSync(path.join(repoRoot, folder)) ? tsFiles(folder) : []).flatMap((file) =>
      importsOf(readFileSync(path.join(repoRoot, file), 'utf8'))
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => ({ file, specifier, target: importTarget(file, specifier) }))
        .filter((edge) => topFolder(edge.target) !== topFolder(file))
    )
  );
}

/** The edges `table` does not allow, as `<file> imports <specifier> (from → to)`. */
function forbidden(
  edges: readonly Edge[],
  table: Readonly<Record<string, readonly string[]>> = ALLOWED_IMPORTS
): string[] {
  return edges
    .filter((edge) => {
      return !table[topFolder(edge.file)]?.includes(topFolder(edge.target));
    })
    .map(
      (edge) => `${edge.file} imports ${edge.specifier} (${topFolder(edge.file)} → ${topFolder(edge.target)})`
    );
}

/** Top-level folders that hold code (the build output, caches and dependencies aside). */
function codeFolders(): string[] {
  const ignored = new Set(['node_modules', 'dist', 'cdk.out', 'coverage', 'standalone']);
  return readdirSync(repoRoot)
    .filter((name) => !name.startsWith('.') && !ignored.has(name))
    .filter((name) => statSync(path.join(repoRoot, name)).isDirectory())
    .filter((name) => tsFiles(name).length > 0);
}

/** The CDK's packages: only the CDK side, its tooling and the tests load them. */
const CDK_PACKAGE = /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/;
const MAY_IMPORT_CDK: readonly Folder[] = ['infra', 'scripts', 'test'];

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

  it('every top-level folder holding code has a row in the allow-list', () => {
    const folders = codeFolders();
    expect(folders).toEqual(expect.arrayContaining(['infra', 'formatters', 'contract', 'local', 'cli']));
    expect(folders.filter((folder) => !(folder in ALLOWED_IMPORTS))).toEqual([]);
  });

  it('the allow-list names only folders it has rows for (and dist/, the build the binary runs)', () => {
    const targets = Object.entries(ALLOWED_IMPORTS).flatMap(([from, to]) =>
      to.map((target) => ({ from, target }))
    );
    expect(targets.filter(({ from, target }) => from === target)).toEqual([]);
    expect(targets.filter(({ target }) => !(target in ALLOWED_IMPORTS) && target !== 'dist')).toEqual([]);
  });

  it('every import between top-level folders is on the allow-list', () => {
    const edges = crossFolderEdges();
    expect(edges.length).toBeGreaterThan(100);
    expect(forbidden(edges)).toEqual([]);
  });

  it('the allow-list rejects the imports it does not list', () => {
    const edge = (file: string, target: string): Edge => ({ file, specifier: target, target });
    const wrong = [
      edge('formatters/handler.ts', 'infra/constructs/slack-notifier'),
      edge('local/pipeline.ts', 'infra/source-roles'),
      edge('scripts/build.ts', 'bench/bundle'),
      edge('cli/commands/setup.ts', 'infra/index'),
      edge('contract/routes.ts', 'formatters/notify'),
      edge('infra/index.ts', 'formatters/handler'),
      edge('preview/html.ts', 'local/pipeline'),
      edge('bench/formatter.ts', 'test/formatters/helpers/slack-oracle'),
      edge('bench/histories.ts', 'test/formatters/helpers/history-builder'),
      edge('newfolder/x.ts', 'contract/routes'),
    ];
    expect(forbidden(wrong)).toHaveLength(wrong.length);
    const right = [
      edge('local/pipeline.ts', 'formatters/handler'),
      edge('bench/bundle.ts', 'scripts/lambda-bundle'),
      edge('infra/index.ts', 'contract/settings'),
      edge('bench/histories.ts', 'local/history-builder'),
    ];
    expect(forbidden(right)).toEqual([]);
    // The same edge judged by a table without its row is rejected: the table is what decides.
    expect(
      forbidden([edge('local/pipeline.ts', 'formatters/handler')], { local: ['contract'] })
    ).toHaveLength(1);
  });

  it('only infra/, scripts/ and test/ load aws-cdk-lib, constructs or cdk-nag', () => {
    const offenders = (Object.keys(ALLOWED_IMPORTS) as Folder[])
      .filter((folder) => !MAY_IMPORT_CDK.includes(folder) && existsSync(path.join(repoRoot, folder)))
      .flatMap((folder) =>
        tsFiles(folder).flatMap((file) =>
          importsOf(readFileSync(path.join(repoRoot, file), 'utf8'))
            .filter((specifier) => CDK_PACKAGE.test(specifier))
            .map((specifier) => `${file} imports ${specifier}`)
        )
      );
    expect(offenders).toEqual([]);
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
