/**
 * A Lambda function of this project: bundled from its TypeScript source with the local esbuild in a checkout, or,
 * installed from the package (no TypeScript source there), deployed from the bundle `npm run build` made. The
 * formatter (constructs/slack-notifier.ts) and the interactivity endpoint (constructs/slack-actions.ts) are both
 * built this way.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct, IConstruct } from 'constructs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where a function's code is: its TypeScript source in a checkout, its prebuilt bundle in the package. */
export interface FunctionFiles {
  readonly source: string;
  readonly bundle: string;
  /**
   * Bundle the AWS SDK clients into the function instead of importing the runtime's: one minified file loads in
   * a fraction of the CPU time that resolving and compiling the SDK's hundreds of files takes at a cold start
   * (AWS Developer Tools Blog, "Reduce Lambda cold start times: migrate to AWS SDK for JavaScript v3": "If you
   * are sensitive to Lambda cold start times, we recommend bundling your Lambda function, which uses barebones
   * SDK clients with command objects"), at the price of a larger bundle. bench/bundle.ts bundles the same way.
   * @default false - `@aws-sdk/*` stays external: the Node.js runtime provides it
   */
  readonly bundleAwsSdk?: boolean;
}

/**
 * What a project function deploys instead of its own code: prebuilt code (a folder with `index.mjs` exporting
 * `handler`; a function, as a Code is bound to one stack) or another entry file to bundle.
 */
export type FunctionStandIn = { readonly code: () => lambda.Code } | { readonly entry: string };

/** The stand-ins of each app (its root construct), by the function's source file. */
const standIns = new WeakMap<IConstruct, Map<string, FunctionStandIn>>();

/**
 * Every function of `files` in `app` deploys `standIn` instead of its own code: the construct tests use a small
 * prebuilt stand-in (bundling the real source walks the whole project folder on each synth), the standalone
 * template's tests likewise. Internal: the package does not export it (infra/index.ts), so it is no prop of the
 * public constructs.
 */
export function useStandInFunction(app: IConstruct, files: FunctionFiles, standIn: FunctionStandIn): void {
  const root = app.node.root;
  const byFile = standIns.get(root) ?? new Map<string, FunctionStandIn>();
  byFile.set(files.source, standIn);
  standIns.set(root, byFile);
}

export interface ProjectFunctionProps {
  /** Everything but the code and the handler. */
  readonly functionProps: Omit<lambda.FunctionProps, 'code' | 'handler'>;
  readonly files: FunctionFiles;
  /**
   * Shell commands run after bundling (e.g. to ship data files next to the bundle).
   * @default - none
   */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

export function projectFunction(scope: Construct, id: string, props: ProjectFunctionProps): lambda.Function {
  const standIn = standIns.get(scope.node.root)?.get(props.files.source);
  const entry = standIn && 'entry' in standIn ? standIn.entry : undefined;
  const prebuilt =
    standIn && 'code' in standIn
      ? standIn.code()
      : entry === undefined && !existsSync(props.files.source)
        ? lambda.Code.fromAsset(props.files.bundle)
        : undefined;
  if (prebuilt) {
    return new lambda.Function(scope, id, {
      ...props.functionProps,
      code: prebuilt,
      handler: 'index.handler',
    });
  }
  const afterBundling = props.afterBundling;
  return new lambdaNodejs.NodejsFunction(scope, id, {
    ...props.functionProps,
    entry: entry ?? props.files.source,
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    bundling: {
      format: lambdaNodejs.OutputFormat.ESM,
      minify: true,
      sourceMap: true,
      // Stack traces map to file:line without the sources' text in the map: the handlers read the map on the first
      // stack they print (formatters/shared/stack-traces.ts), and the text made it 3.7 times larger (docs/performance.md).
      sourcesContent: false,
      mainFields: ['module', 'main'],
      // Some CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
      banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      externalModules: props.files.bundleAwsSdk ? [] : ['@aws-sdk/*'],
      forceDockerBundling: false,
      // esbuild's size table on every synth is noise; warnings and errors still show.
      logLevel: lambdaNodejs.LogLevel.WARNING,
      ...(afterBundling
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling,
            },
          }
        : {}),
    },
  });
}
