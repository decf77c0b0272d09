/**
 * The package as a CDK user installs it: `npm pack` (which builds dist/), the tarball installed into a new CDK app
 * in a temporary folder outside the repository, `import { SlackNotifier } from 'sfn-slack-notifier'` type-checked
 * and synthesized, and `npx sfn-slack` run from the installed package.
 *
 * Installed as a user installs it, peers and all, with no `--legacy-peer-deps`: the app depends on the exact
 * aws-cdk-lib and constructs versions this repository has installed (real packages, not links), so npm resolves
 * the package's peer ranges against them. Everything comes from the npm cache that `npm ci` filled
 * (`--prefer-offline`; the registry only for what the cache lacks).
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstMessage, historyUnavailableInput } from '../fixtures/formatter-input.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'sfn-slack-package-'));
const app = path.join(work, 'app');
type PackageJson = { name: string; version: string };
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An environment without AWS settings, so nothing here can reach an account. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_') && !key.startsWith('npm_')) env[key] = value;
  }
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', POWERTOOLS_LOG_LEVEL: 'SILENT' };
}

/**
 * Runs a command to its end, without blocking this worker (a blocked worker loses its link to vitest); returns
 * its standard output, or throws with its output on failure.
 */
async function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv()
): Promise<string> {
  const result = await exec(command, args, cwd, env);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`
    );
  }
  return result.stdout;
}

/** Runs an installed formatter bundle's handler on one input in a process of its own (the user's app); its answer. */
async function runBundle(
  bundle: string,
  input: unknown,
  env: NodeJS.ProcessEnv = cleanEnv()
): Promise<unknown> {
  const script = `const { handler } = await import(${JSON.stringify(bundle)});
process.stdout.write(JSON.stringify(await handler(${JSON.stringify(input)})));`;
  return JSON.parse(await run(process.execPath, ['--input-type=module', '-e', script], app, env));
}

const USER_APP = `import { App, Stack } from 'aws-cdk-lib';
import { SlackNotifier, type SlackNotifierProps } from 'sfn-slack-notifier';

const app = new App();
const stack = new Stack(app, 'UserStack', { env: { account: '111122223333', region: 'eu-west-1' } });
const props: SlackNotifierProps = {
  environmentName: 'prod',
  stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
  destination: { type: 'channel', channel: '#alerts' },
  // A custom template of the user's, with the package's prebuilt formatter (no bundling in this app).
  template: 'custom/quiet',
  customTemplates: { quiet: 'quiet.jsonata' },
  actions: {
    policy: {
      redrive: { users: ['U0ALICE'], userGroups: [] },
      stop: { users: [], userGroups: [] },
      mute: { users: [], userGroups: ['S0ONCALL'] },
    },
  },
};
const notifier = new SlackNotifier(stack, 'Notifier', props);
export const arn: string = notifier.notifierStateMachine.stateMachineArn;
app.synth();
`;

/** A prop of the wrong type: the package's declarations must make the compiler refuse it. */
const WRONG_APP = `import { App, Stack } from 'aws-cdk-lib';
import { SlackNotifier } from 'sfn-slack-notifier';

new SlackNotifier(new Stack(new App(), 'S'), 'N', {
  environmentName: 42,
  stateMachineArns: [],
  destination: { type: 'channel', channel: '#alerts' },
});
`;

function exec(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv()
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, timeout: 240_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let tarball = '';

beforeAll(async () => {
  // npm pack runs prepack (npm run build) and prints the tarball's name last.
  const packed = await run('npm', ['pack', '--pack-destination', work, '--silent'], repoRoot);
  tarball = path.join(work, packed.trim().split('\n').at(-1) ?? '');
  mkdirSync(app);
  /** The version this repository installed: the one `npm ci` put in the npm cache. */
  const installed = (name: string) =>
    (
      JSON.parse(
        readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')
      ) as PackageJson
    ).version;
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'user-cdk-app',
      private: true,
      type: 'module',
      dependencies: {
        [pkg.name]: `file:${tarball}`,
        'aws-cdk-lib': installed('aws-cdk-lib'),
        constructs: installed('constructs'),
      },
    })
  );
  // No --legacy-peer-deps: npm checks the package's peer ranges against the app's aws-cdk-lib and constructs.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  writeFileSync(path.join(app, 'app.ts'), USER_APP);
  writeFileSync(
    path.join(app, 'app.mjs'),
    USER_APP.replace(/, type SlackNotifierProps/, '')
      .replace(': SlackNotifierProps', '')
      .replace(': string', '')
  );
  writeFileSync(path.join(app, 'wrong.ts'), WRONG_APP);
  writeFileSync(
    path.join(app, 'quiet.jsonata'),
    readFileSync(path.join(repoRoot, 'examples', 'templates', 'quiet.jsonata'), 'utf8')
  );
  writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['app.ts', 'wrong.ts'],
    })
  );
}, 300_000);

describe(`the ${pkg.name} tarball`, () => {
  it('holds the compiled package, its state machines, templates, examples and the prebuilt formatter; no sources or tests', async () => {
    const files = (await run('tar', ['-tzf', tarball], work))
      .split('\n')
      .filter(Boolean)
      .map((file) => file.replace(/^package\//, ''));
    for (const expected of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/sfn-slack.js',
      'dist/infra/index.js',
      'dist/infra/index.d.ts',
      'dist/infra/constructs/slack-notifier.d.ts',
      'dist/cli/main.js',
      'dist/statemachines/notifier.asl.json',
      'dist/statemachines/deliver.asl.json',
      'dist/formatters/formatter/templates/detailed.jsonata',
      'dist/formatter-bundle/index.mjs',
      'dist/formatter-bundle/templates/compact.jsonata',
      'dist/actions-bundle/index.mjs',
      'dist/delivery-bundle/index.mjs',
      'dist/act-in-region-bundle/index.mjs',
      'dist/statemachines/actions.asl.json',
      'dist/examples/nightly-etl-failed.history.json',
    ]) {
      expect(files, expected).toContain(expected);
    }
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('test/') || file.startsWith('node_modules/'))).toEqual([]);
  });
});

describe('a CDK app that installed it', () => {
  it("installed it without --legacy-peer-deps: one aws-cdk-lib and one constructs, the app's own, serve as its peers", () => {
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      const own = path.join(app, 'node_modules', peer);
      expect(lstatSync(own).isSymbolicLink(), peer).toBe(false);
      expect(existsSync(path.join(own, 'package.json')), peer).toBe(true);
      expect(existsSync(path.join(app, 'node_modules', pkg.name, 'node_modules', peer)), peer).toBe(false);
    }
    // No second copy anywhere in the tree.
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const copies = Object.keys(lock.packages).filter((key) =>
      /node_modules\/(aws-cdk-lib|constructs)$/.test(key)
    );
    expect(copies.sort()).toEqual(['node_modules/aws-cdk-lib', 'node_modules/constructs']);
  });

  it('did not get dynalite (or its native LevelDB module): only the local runner needs it, an optional peer', () => {
    expect(existsSync(path.join(app, 'node_modules', 'dynalite'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules', 'classic-level'))).toBe(false);
  });

  it('type-checks against the package’s declarations, which refuse a wrong prop', async () => {
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = await exec(process.execPath, [tsc, '-p', app], app);
    const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    // Exactly one error, in wrong.ts: app.ts compiles.
    expect(errors, result.stdout).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^wrong\.ts\(5,3\): error TS2322: Type 'number' is not assignable to type 'string'/
    );
  });

  it('synthesizes a stack with SlackNotifier and Slack actions, deploying the state machine files and the prebuilt Lambdas', async () => {
    const outdir = path.join(app, 'cdk.out');
    await run(process.execPath, ['app.mjs'], app, { ...cleanEnv(), CDK_OUTDIR: outdir });
    const template = JSON.parse(readFileSync(path.join(outdir, 'UserStack.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(template.Resources);
    const machines = resources.filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
    // Notifier, delivery and the actions machine.
    expect(machines).toHaveLength(3);
    for (const machine of machines) {
      expect(JSON.stringify(machine.Properties.DefinitionString)).toContain('JSONata');
    }
    const functions = resources.filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' && resource.Properties.Handler === 'index.handler'
    );
    // The formatter, the delivery function and the interactivity endpoint, all from the package's bundles.
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Properties.Runtime).toBe('nodejs24.x');

    // The asset is the package's bundle with its templates, as built: no esbuild or Docker in this app.
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    const formatter = assets.find((name) => existsSync(path.join(outdir, name, 'index.mjs')));
    expect(formatter).toBeDefined();
    const bundleFiles = readdirSync(path.join(outdir, formatter as string));
    expect(bundleFiles).toEqual(expect.arrayContaining(['index.mjs', 'templates']));
    expect(existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);

    // What the operator commands need of a SlackNotifier in a stack of the user's (docs/infra.md): its descriptor.
    const descriptor = resources.find(
      (resource) =>
        resource.Type === 'AWS::SSM::Parameter' &&
        resource.Properties.Name === '/sfn-slack-notifier/prod/descriptor'
    );
    expect(descriptor?.Properties.Type).toBe('String');

    // The custom template rides in a layer the formatter reads (SFN_SLACK_TEMPLATES_DIR): run the prebuilt
    // bundle with that folder and the settings the notifier sends.
    const layer = assets.find((name) => existsSync(path.join(outdir, name, 'custom', 'quiet.jsonata')));
    expect(layer).toBeDefined();
    const bundle = path.join(app, 'node_modules', pkg.name, 'dist/formatter-bundle/index.mjs');
    const input = historyUnavailableInput({
      status: 'SUCCEEDED',
      settings: {
        environment: 'prod',
        destination: { type: 'channel', channel: '#alerts' },
        template: 'custom/quiet',
      },
    });
    const output = firstMessage(
      await runBundle(bundle, input, {
        ...cleanEnv(),
        SFN_SLACK_TEMPLATES_DIR: path.join(outdir, layer as string),
      })
    );
    // quiet.jsonata's one context line, not the built-in templates' layout.
    expect(output?.delivery.payload.blocks?.map((b) => b.type)).toEqual(['context']);
  });

  it('runs the deployed formatter bundle: a message from the event when the history is unavailable', async () => {
    const bundle = path.join(app, 'node_modules', pkg.name, 'dist/formatter-bundle/index.mjs');
    const output = firstMessage(await runBundle(bundle, historyUnavailableInput()));
    expect(output?.action).toBe('send');
    expect(output?.delivery.payload.text).toContain('nightly-etl');
    expect(output?.delivery.payload.blocks?.length ?? 0).toBeGreaterThan(0);
  });

  it('has the sfn-slack command: npx sfn-slack runs the compiled CLI on the packaged example', async () => {
    expect((await run('npx', ['--no-install', 'sfn-slack', '--version'], app)).trim()).toBe(pkg.version);
    // Without dynalite the local pipeline says, in one line, what to install.
    const without = await exec('npx', ['--no-install', 'sfn-slack', 'start'], app);
    expect(without.status).toBe(2);
    expect(without.stderr.trim()).toMatch(/^sfn-slack: .*dynalite.*npm i -D dynalite@\^4/);
    await run(
      'npm',
      ['install', '-D', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', 'dynalite@^4'],
      app
    );
    const out = await run(
      'npx',
      ['--no-install', 'sfn-slack', 'start', '--out', path.join(work, 'start.html')],
      app
    );
    expect(out).toContain('❌ nightly-etl failed [local]');
    expect(out).toContain('Delivered to the local Slack server.');
  });
});
