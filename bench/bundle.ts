/**
 * Bundles the formatter the way CDK's NodejsFunction does for infra/constructs/slack-notifier.ts (local
 * esbuild, ESM, minified, source map, `@aws-sdk/*` external as the Node.js 24 runtime provides it, the
 * createRequire banner) and ships the templates next to it, as the construct's afterBundling hook does.
 * Output goes under node_modules/.cache so `@aws-sdk/*` resolves from the project as it would on Lambda.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = path.join(repoRoot, 'node_modules', '.cache', 'sfn-slack-bench');

export interface Bundle {
  /** The bundled module (index.mjs). */
  readonly file: string;
  readonly minifiedBytes: number;
  /** gzip -9 of the bundle: close to what the deployment zip stores. */
  readonly gzipBytes: number;
}

/**
 * Bundles `entry` (relative to the repo root) into `<dir>/<name>/index.mjs` (@default dir `buildDir`). The
 * directory must be inside the repository, so `@aws-sdk/*` resolves from its node_modules.
 */
export async function bundle(entry: string, name: string, dir: string = buildDir): Promise<Bundle> {
  const outDir = path.join(dir, name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'index.mjs');
  await build({
    entryPoints: [path.join(repoRoot, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  cpSync(path.join(repoRoot, 'formatters', 'formatter', 'templates'), path.join(outDir, 'templates'), {
    recursive: true,
  });
  const code = readFileSync(file);
  return { file, minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}
