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
import { zipSync } from 'fflate';
import { cdkJsonSyntaxError } from '../cli/environments.js';
import { ConfigError, loadEnvironments } from '../contract/settings.js';
import { type BuildAppOptions, buildApp } from '../infra/build-app.js';
import { notifierStackName } from '../infra/stacks/notifier-stack.js';
import { addSettingParameters, type CfnTemplate } from '../infra/standalone-parameters.js';
import { StandaloneSynthesizer } from '../infra/standalone-synthesizer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** cdk.json's context; a syntax error is one line with its line and column. */
function readCdkJsonContext(file: string): { environments: Record<string, Record<string, unknown>> } {
  const text = readFileSync(file, 'utf8');
  try {
    return (JSON.parse(text) as { context: { environments: Record<string, Record<string, unknown>> } })
      .context;
  } catch {
    throw new ConfigError(cdkJsonSyntaxError('cdk.json', text));
  }
}

export interface StandaloneTemplate {
  /** The template file. */
  readonly template: string;
  /** The asset zips, each to upload as `<AssetsPrefix><file name>`. */
  readonly assets: readonly string[];
}

export interface StandaloneOptions {
  /** The cdk.json context to read the environment from. @default - this repository's cdk.json */
  readonly context?: { readonly environments: Record<string, Record<string, unknown>> };
  /**
   * Functions deployed as prebuilt stand-ins instead of their bundles (tests of the template alone skip bundling).
   * @default - every function bundled with esbuild
   */
  readonly standIns?: BuildAppOptions['standIns'];
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
  const context = options.context ?? readCdkJsonContext(path.join(root, 'cdk.json'));
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
        ...(options.standIns === undefined ? {} : { standIns: options.standIns }),
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

export const TEMPLATE_HELP = `Usage: npm run template -- --env <name> [--out <dir>]

Writes a CloudFormation template for one environment of cdk.json, with its settings as parameters, and the
assets it needs (the formatter Lambda as a .zip), for deploying without the CDK (docs/infra.md, "Deploy without
the CDK").

Options:
  -e, --env <name>  the environment in cdk.json (required)
  --out <dir>       where to write the template and assets/ (default: standalone)
  -h, --help        print this help
`;

/**
 * The command line: `--help` prints the help; every mistake (an unknown option, a missing or unknown `--env`, a
 * wrong setting) is one line and exit 2, not a stack trace. Returns the exit code.
 */
export function runTemplateCli(
  args: readonly string[],
  io: { stdout: (text: string) => void; stderr: (text: string) => void },
  write: typeof writeStandaloneTemplate = writeStandaloneTemplate
): number {
  let values: { env?: string; out: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        env: { type: 'string', short: 'e' },
        out: { type: 'string', default: 'standalone' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: { env?: string; out: string; help?: boolean } });
  } catch (error) {
    io.stderr(`template: ${(error as Error).message.split('\n')[0]}: see npm run template -- --help\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(TEMPLATE_HELP);
    return 0;
  }
  if (!values.env) {
    io.stderr('template: pass --env <name> (an environment of cdk.json)\n');
    return 2;
  }
  try {
    const { template, assets } = write(values.env, path.resolve(values.out));
    io.stdout(
      `Template: ${path.relative(process.cwd(), template)}\n` +
        assets.map((asset) => `Asset:    ${path.relative(process.cwd(), asset)}\n`).join('') +
        'Upload the assets to a bucket in the target region, then deploy (docs/infra.md, "Deploy without the CDK").\n'
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`template: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runTemplateCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
