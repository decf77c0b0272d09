/**
 * `npm run build` (and `npm pack`, through `prepack`): the package as users install it, in dist/.
 *
 * - the TypeScript sources compiled to ESM with declarations (tsconfig.build.json), in the same layout as the
 *   repository, so every module finds its data files where it does in a checkout:
 * - the data files those modules read at run time, copied beside them: statemachines/*.asl.json (the construct
 *   and the local runner), formatters/formatter/templates (the formatter), examples/ (`sfn-slack start`);
 * - dist/formatter-bundle, dist/delivery-bundle, dist/actions-bundle and dist/act-in-region-bundle: the formatter, delivery, interactivity and
 *   act-in-region Lambdas bundled once here, so the constructs deploy them from the package
 *   without esbuild or Docker in the user's app.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTERACTIVITY_BUNDLES_AWS_SDK } from '../contract/actions.js';
import { bundleLambda } from './lambda-bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.stderr.write('build: tsc failed (see above)\n');
  process.exit(1);
}

for (const dir of ['statemachines', 'formatters/formatter/templates', 'examples']) {
  cpSync(path.join(root, dir), path.join(dist, dir), {
    recursive: true,
    filter: (source) => !source.endsWith('.md'),
  });
}

// Each Lambda bundled straight into dist/<name>-bundle: the constructs deploy these when the TypeScript sources are
// not there (constructs/project-function.ts).
const bundleInto = (entry: string, name: string, options: { readonly bundleAwsSdk?: boolean } = {}) =>
  bundleLambda(entry, path.join(dist, `${name}-bundle`), options);
const formatter = await bundleInto('formatters/formatter/handler.ts', 'formatter');
const actions = await bundleInto('formatters/actions/handler.ts', 'actions', {
  bundleAwsSdk: INTERACTIVITY_BUNDLES_AWS_SDK,
});
const actInRegion = await bundleInto('formatters/act-in-region/handler.ts', 'act-in-region');
const delivery = await bundleInto('formatters/delivery/handler.ts', 'delivery');

process.stdout.write(
  `build: dist/ written (formatter bundle ${(formatter.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `delivery bundle ${(delivery.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `interactivity bundle ${(actions.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `act-in-region bundle ${(actInRegion.minifiedBytes / 1000).toFixed(1)} KB)\n`
);
