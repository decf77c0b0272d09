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
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bench/bundle.js';
import { INTERACTIVITY_FILES } from '../infra/constructs/slack-actions.js';

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

const formatter = await bundle('formatters/formatter/handler.ts', 'package-formatter');
const bundleDir = path.join(dist, 'formatter-bundle');
mkdirSync(bundleDir, { recursive: true });
cpSync(path.dirname(formatter.file), bundleDir, { recursive: true });

// The Slack interactivity Lambda (constructs/slack-actions.ts), likewise.
const actions = await bundle('formatters/actions/handler.ts', 'package-actions', undefined, {
  bundleAwsSdk: INTERACTIVITY_FILES.bundleAwsSdk ?? false,
});
const actionsDir = path.join(dist, 'actions-bundle');
mkdirSync(actionsDir, { recursive: true });
cpSync(path.dirname(actions.file), actionsDir, { recursive: true });

// A central environment's act-in-region Lambda (constructs/slack-actions.ts), likewise.
const actInRegion = await bundle('formatters/act-in-region/handler.ts', 'package-act-in-region');
const actInRegionDir = path.join(dist, 'act-in-region-bundle');
mkdirSync(actInRegionDir, { recursive: true });
cpSync(path.dirname(actInRegion.file), actInRegionDir, { recursive: true });

// The delivery Lambda (constructs/delivery-machine.ts), likewise.
const delivery = await bundle('formatters/delivery/handler.ts', 'package-delivery');
const deliveryDir = path.join(dist, 'delivery-bundle');
mkdirSync(deliveryDir, { recursive: true });
cpSync(path.dirname(delivery.file), deliveryDir, { recursive: true });

process.stdout.write(
  `build: dist/ written (formatter bundle ${(formatter.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `delivery bundle ${(delivery.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `interactivity bundle ${(actions.minifiedBytes / 1000).toFixed(1)} KB, ` +
    `act-in-region bundle ${(actInRegion.minifiedBytes / 1000).toFixed(1)} KB)\n`
);
