/**
 * The formatter's bundle maps its stack traces to the TypeScript sources without `--enable-source-maps`, reading the
 * map only when a stack is formatted (formatters/shared/stack-traces.ts). Run on the real bundle, as deployed.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapStackTracesOnDemand } from '../../../formatters/shared/stack-traces.js';
import { bundleLambda, repoRoot } from '../../../scripts/lambda-bundle.js';

// Inside the repository, as the bench's bundles: `@aws-sdk/*` stays external and resolves from node_modules.
const cache = path.join(repoRoot, 'node_modules', '.cache');
let dir: string;
let bundle: string;
let realMap: string;

/**
 * A child that imports the bundle, then (optionally) copies `mapFile` over its map, then prints the stack of the
 * handler's first error: the formatter refusing an input without an execution.
 */
const child = `
import { copyFileSync } from 'node:fs';
const [bundle, mapFile] = process.argv.slice(2);
const { formatMessage } = await import(bundle);
if (mapFile) copyFileSync(mapFile, bundle + '.map');
try { await formatMessage({}); } catch (error) { console.log(error.stack); }
`;

function stackOf(options: { readonly nodeOptions?: string; readonly copyMapAfterImport?: boolean } = {}) {
  const script = path.join(dir, 'child.mjs');
  writeFileSync(script, child);
  return execFileSync(
    'node',
    [script, bundle, ...(options.copyMapAfterImport ? [path.join(dir, 'real.map')] : [])],
    {
      env: { ...process.env, NODE_OPTIONS: options.nodeOptions ?? '' },
      encoding: 'utf8',
    }
  );
}

/** Where handler.ts builds the error for an input without an execution: `<line>:<column>`, 1-based. */
function throwSite(): string {
  const source = readFileSync(path.join(repoRoot, 'formatters', 'formatter', 'handler.ts'), 'utf8').split(
    '\n'
  );
  const line = source.findIndex((l) => l.includes("throw new TypeError('formatter input has no"));
  const column = (source[line] ?? '').indexOf('new TypeError');
  if (line < 0 || column < 0) throw new Error('handler.ts no longer throws the TypeError this test maps');
  return `${line + 1}:${column + 1}`;
}

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(path.join(cache, 'sfn-slack-stack-traces-'));
  bundle = (await bundleLambda('formatters/formatter/handler.ts', path.join(dir, 'handler'))).file;
  realMap = readFileSync(`${bundle}.map`, 'utf8');
  writeFileSync(path.join(dir, 'real.map'), realMap);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stack traces of the bundled formatter', () => {
  it('name the TypeScript source, line and function, without --enable-source-maps', () => {
    writeFileSync(`${bundle}.map`, realMap);
    const stack = stackOf();
    expect(stack).toContain('TypeError: formatter input has no event.detail.executionArn');
    expect(stack).toMatch(
      new RegExp(`at validate \\(\\S*formatters/formatter/handler\\.ts:${throwSite()}\\)`)
    );
    expect(stack).not.toMatch(/index\.mjs:\d+/);
  });

  it('read the map when a stack is formatted, not when the bundle loads', () => {
    // Unreadable while the bundle loads; the real map only after: a map read at load would have failed.
    writeFileSync(`${bundle}.map`, 'not a source map');
    const stack = stackOf({ copyMapAfterImport: true });
    expect(stack).toMatch(new RegExp(`formatters/formatter/handler\\.ts:${throwSite()}`));
  });

  it('keep the bundle positions when the map cannot be read', () => {
    writeFileSync(`${bundle}.map`, 'not a source map');
    const stack = stackOf();
    expect(stack).toContain('TypeError: formatter input has no event.detail.executionArn');
    expect(stack).toMatch(/handler\/index\.mjs:\d+:\d+/);
  });

  it("leave the mapping to Node under --enable-source-maps (Node's own format)", () => {
    writeFileSync(`${bundle}.map`, realMap);
    const stack = stackOf({ nodeOptions: '--enable-source-maps' });
    expect(stack).toMatch(
      new RegExp(`at validate \\(\\S*formatters/formatter/handler\\.ts:${throwSite()}\\)`)
    );
  });
});

describe('mapStackTracesOnDemand', () => {
  it('does nothing for a module without a map beside it (the sources, as tests and the local runner run them)', () => {
    const before = Error.prepareStackTrace;
    expect(mapStackTracesOnDemand(import.meta.url)).toBe(false);
    expect(Error.prepareStackTrace).toBe(before);
  });
});

describe('every Lambda entry', () => {
  // The deployed functions run without --enable-source-maps (infra/constructs): each entry installs the mapping.
  const entries = readdirSync(path.join(repoRoot, 'formatters'), { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && existsSync(path.join(repoRoot, 'formatters', entry.name, 'handler.ts'))
    )
    .map((entry) => `formatters/${entry.name}/handler.ts`);

  it.each(entries)('%s maps its stack traces on demand', (entry) => {
    expect(readFileSync(path.join(repoRoot, entry), 'utf8')).toContain(
      'mapStackTracesOnDemand(import.meta.url);'
    );
  });

  it('are the four Lambdas', () => {
    expect(entries.length).toBe(4);
  });
});
