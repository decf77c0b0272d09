/**
 * Bundles a Lambda of this project the way CDK's NodejsFunction does in infra/constructs/project-function.ts (local
 * esbuild, ESM, minified, source map without the sources' text, `@aws-sdk/*` external as the Node.js 24 runtime
 * provides it unless the function's FunctionFiles bundle the SDK, the
 * createRequire banner) and ships the templates next to it, as the formatter's afterBundling hook does.
 * The package build (scripts/build.ts) deploys these bundles; the bench (bench/bundle.ts) measures them.
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Bundle {
  /** The bundled module (index.mjs). */
  readonly file: string;
  readonly minifiedBytes: number;
  /** gzip -9 of the bundle: close to what the deployment zip stores. */
  readonly gzipBytes: number;
}

/**
 * Bundles `entry` (relative to the repo root) into `<outDir>/index.mjs` (with its source map and `templates/`),
 * emptying `outDir` first.
 */
export async function bundleLambda(
  entry: string,
  outDir: string,
  /** As the function's FunctionFiles say (infra/constructs/project-function.ts). @default false */
  options: { readonly bundleAwsSdk?: boolean } = {}
): Promise<Bundle> {
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
    sourcesContent: false,
    mainFields: ['module', 'main'],
    external: options.bundleAwsSdk ? [] : ['@aws-sdk/*'],
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
