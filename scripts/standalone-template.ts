/**
 * `npm run template -- --env <name> [--out <dir>]`: a CloudFormation template for one cdk.json environment, for
 * users who deploy without the CDK, plus the assets it needs (the formatter Lambda as a .zip). The template takes
 * the assets' place as parameters (`AssetsBucket`, `AssetsPrefix`: infra/standalone-synthesizer.ts); the
 * deployment steps are in docs/infra.md ("Deploy without the CDK").
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { zipSync } from 'fflate';
import { loadEnvironments } from '../contract/settings.js';
import { buildApp } from '../infra/build-app.js';
import { notifierStackName } from '../infra/stacks/notifier-stack.js';
import { addSettingParameters, type CfnTemplate } from '../infra/standalone-parameters.js';
import { StandaloneSynthesizer } from '../infra/standalone-synthesizer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StandaloneTemplate {
  /** The template file. */
  readonly template: string;
  /** The asset zips, each to upload as `<AssetsPrefix><file name>`. */
  readonly assets: readonly string[];
}

export interface StandaloneOptions {
  /** The cdk.json context to read the environment from. @default - this repository's cdk.json */
  readonly context?: { readonly environments: Record<string, Record<string, unknown>> };
  /** The formatter's code. @default - the formatter bundled with esbuild (tests of the template alone skip that) */
  readonly formatterCode?: () => lambda.Code;
}

/**
 * Writes `<out>/<stack name>.template.json` and `<out>/assets/<hash>.zip` for the environment `env`: its settings
 * are template parameters (infra/standalone-parameters.ts), their defaults what cdk.json says.
 */
export function writeStandaloneTemplate(
  env: string,
  out: string,
  options: StandaloneOptions = {}
): StandaloneTemplate {
  const context =
    options.context ??
    (
      JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
        context: { environments: Record<string, Record<string, unknown>> };
      }
    ).context;
  const raw = context.environments[env];
  const [config] = loadEnvironments(context.environments, env);
  if (!raw || !config) throw new Error(`template: there is no environment "${env}" in cdk.json`);
  // Synthesized with a topic of its own, which the AlarmTopicArn parameter replaces when given.
  const { alarmTopicArn: _topic, ...withoutTopic } = raw;
  const cdkOut = path.join(tmpdir(), `sfn-slack-standalone-${process.pid}-${Date.now()}`);
  const synthesizers: StandaloneSynthesizer[] = [];
  try {
    const app = buildApp(
      {
        outdir: cdkOut,
        context: {
          ...context,
          environments: { ...context.environments, [env]: withoutTopic },
          env,
        },
      },
      {
        ...(options.formatterCode === undefined ? {} : { formatterCode: options.formatterCode }),
        synthesizer: () => {
          const synthesizer = new StandaloneSynthesizer();
          synthesizers.push(synthesizer);
          return synthesizer;
        },
      }
    );
    const assembly = app.synth();
    const stackName = notifierStackName(env);
    const stack = assembly.getStackByName(stackName);
    mkdirSync(path.join(out, 'assets'), { recursive: true });
    const template = path.join(out, `${stackName}.template.json`);
    const body = stack.template as CfnTemplate;
    addSettingParameters(body, config, !('routes' in raw));
    writeFileSync(template, `${JSON.stringify(body, null, 1)}\n`);
    const assets = synthesizers.flatMap((synthesizer) =>
      synthesizer.fileAssets.map((asset) => {
        const source = path.join(cdkOut, asset.fileName ?? '');
        const zip = path.join(out, 'assets', `${asset.sourceHash}.zip`);
        writeFileSync(
          zip,
          zipSync(
            statSync(source).isDirectory()
              ? filesOf(source)
              : { [path.basename(source)]: readFileSync(source) },
            { level: 9, mtime: new Date('1980-01-01T00:00:00Z') }
          )
        );
        return zip;
      })
    );
    return { template, assets };
  } finally {
    rmSync(cdkOut, { recursive: true, force: true });
  }
}

/** A directory's files, keyed by their path inside it, for the zip. */
function filesOf(dir: string, prefix = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(files, filesOf(full, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = readFileSync(full);
  }
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { env: { type: 'string', short: 'e' }, out: { type: 'string', default: 'standalone' } },
  });
  if (!values.env) {
    process.stderr.write('template: pass --env <name> (an environment of cdk.json)\n');
    process.exit(2);
  }
  const { template, assets } = writeStandaloneTemplate(values.env, path.resolve(values.out));
  process.stdout.write(
    `Template: ${path.relative(process.cwd(), template)}\n` +
      assets.map((asset) => `Asset:    ${path.relative(process.cwd(), asset)}\n`).join('') +
      'Upload the assets to a bucket in the target region, then deploy (docs/infra.md, "Deploy without the CDK").\n'
  );
}
