/**
 * The bench's bundles: the Lambdas bundled as the package ships them (scripts/lambda-bundle.ts), under
 * node_modules/.cache so `@aws-sdk/*` resolves from the project as it would on Lambda when the bench imports them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bundle, bundleLambda } from '../scripts/lambda-bundle.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = path.join(repoRoot, 'node_modules', '.cache', 'sfn-slack-bench');

/**
 * Bundles `entry` (relative to the repo root) into `<dir>/<name>/index.mjs` (@default dir `buildDir`). The
 * directory must be inside the repository, so `@aws-sdk/*` resolves from its node_modules.
 */
export function bundle(
  entry: string,
  name: string,
  dir: string = buildDir,
  options: { readonly bundleAwsSdk?: boolean } = {}
): Promise<Bundle> {
  return bundleLambda(entry, path.join(dir, name), options);
}
