/**
 * `cdk synth -c env=<name>` as an operator runs it: the CDK CLI, cdk.json's app and NodejsFunction's bundling with
 * the local esbuild, offline. It runs with the package test (`npm run test:package`, vitest.package.config.ts): ten
 * seconds of child processes, where `npm test` synthesizes the same app in process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstMessage, historyUnavailableInput } from '../fixtures/formatter-input.js';
import { cdkJsonContext, cdkJsonFileContext, repoRoot } from './helpers.js';

const formatterEntry = path.join(repoRoot, 'formatters', 'formatter', 'handler.ts');
const hasFormatter = existsSync(formatterEntry);
if (!hasFormatter) {
  console.warn(
    'test/infra/cdk-synth.test.ts skipped: formatters/formatter/handler.ts does not exist yet, and NodejsFunction needs its entry to bundle.'
  );
}

/** The environment of a machine without AWS credentials or configuration. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) env[key] = value;
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    // aws-cdk-lib's built-in CloudFormation validation (a WebAssembly engine, about half of this synth's CPU)
    // downgrades what it finds to warnings unless enabled explicitly, so it cannot change the exit status or the
    // files this test checks; cdk-nag's packs are validation plugins of their own and still run.
    CDK_VALIDATION: 'false',
  };
}

// Under node_modules so the bundle can resolve the @aws-sdk/* modules it leaves to the Lambda runtime.
const cacheDir = path.join(repoRoot, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const outdir = mkdtempSync(path.join(cacheDir, 'sfn-slack-cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const outdirOf = (env: string) => path.join(outdir, env);
/** The formatter's asset: the one that ships the JSONata templates next to its bundle. */
const formatterAsset = (env: string) =>
  readdirSync(outdirOf(env)).find(
    (name) => name.startsWith('asset.') && existsSync(path.join(outdirOf(env), name, 'templates'))
  );

const cdkEnvironments = cdkJsonFileContext().environments as Record<string, { sources?: unknown }>;
// The CLI path (cdk → cdk.json app → tsx → esbuild bundling) once, for the first environment: each run costs a
// few seconds of CPU. Every environment is synthesized in process by test/infra/app.test.ts (assertions,
// cdk-nag) and, with the real bundling, by test/infra/standalone-template.test.ts (prod).
const environments = Object.keys(cdkEnvironments).slice(0, 1);
/** Environments with `sources`: their synth also writes the source stack template. */
const centralEnvironments = environments.filter((name) => cdkEnvironments[name]?.sources !== undefined);

describe.skipIf(!hasFormatter)(
  'npx cdk synth (the cdk.json app, offline, bundling with the local esbuild)',
  () => {
    it('`cdk synth -c env=<name>` works without AWS credentials, bundling the formatter, and synthesizes that stack only', async () => {
      // Each environment as an operator runs it; the synths run concurrently (each bundles the formatter).
      const results = await Promise.all(
        environments.map(
          (env) =>
            new Promise<{ env: string; status: number | null; log: string }>((resolve) => {
              let log = '';
              const child = spawn(
                process.execPath,
                [
                  path.join(repoRoot, 'node_modules/aws-cdk/bin/cdk'),
                  'synth',
                  '-c',
                  `env=${env}`,
                  '-q',
                  '--no-notices',
                  '--output',
                  outdirOf(env),
                ],
                { cwd: repoRoot, env: offlineEnv(), timeout: 120_000 }
              );
              child.stdout.on('data', (chunk: Buffer) => {
                log += chunk.toString();
              });
              child.stderr.on('data', (chunk: Buffer) => {
                log += chunk.toString();
              });
              child.on('close', (status) => resolve({ env, status, log }));
            })
        )
      );
      for (const { env, status, log } of results) {
        expect(status, `cdk synth -c env=${env}\n${log}`).toBe(0);
        // Only the selected environment's stack, and a central environment's source stack.
        const templates = readdirSync(outdirOf(env)).filter((name) => name.endsWith('.template.json'));
        const central = centralEnvironments.includes(env)
          ? [`SfnSlackNotifierSource-${env}.template.json`]
          : [];
        expect(templates.sort(), env).toEqual([`SfnSlackNotifier-${env}.template.json`, ...central]);
        // cdk-nag's packs ran in the operator's synth and found nothing unacknowledged.
        const report = JSON.parse(
          readFileSync(path.join(outdirOf(env), 'validation-report.json'), 'utf8')
        ) as {
          pluginReports: Array<{ pluginName: string; conclusion: string; violations: unknown[] }>;
        };
        const nagPacks = report.pluginReports.filter((p) => p.pluginName !== 'Construct Annotations');
        expect(
          nagPacks.map((p) => [p.pluginName, p.conclusion, p.violations.length]),
          env
        ).toEqual([
          ['AwsSolutions', 'success', 0],
          ['Serverless', 'success', 0],
        ]);
        // Annotations in the report (a recommended flag) are only the construct's own configuration warnings.
        const annotations = report.pluginReports.find((p) => p.pluginName === 'Construct Annotations');
        const ruleNames = (annotations?.violations ?? []).map((v) => (v as { ruleName?: string }).ruleName);
        expect(
          ruleNames.filter((name) => name !== 'Annotation::sfn-slack:props'),
          env
        ).toEqual([]);
        // The formatter asset is a real esbuild bundle (ESM), with the templates next to it.
        const all = readdirSync(outdirOf(env)).filter((name) => name.startsWith('asset.'));
        // A custom template rides in its own layer asset (custom/<id>.jsonata), not in the bundle.
        const layers = all.filter((asset) => !existsSync(path.join(outdirOf(env), asset, 'index.mjs')));
        for (const layer of layers) {
          expect(readdirSync(path.join(outdirOf(env), layer)), env).toEqual(['custom']);
        }
        const customRoutes = (
          (cdkJsonContext().environments as Record<string, { routes?: Array<{ template?: string }> }>)[env]
            ?.routes ?? []
        ).filter((r) => r.template?.endsWith('.jsonata'));
        expect(layers.length, env).toBe(customRoutes.length > 0 ? 1 : 0);
        const assets = all.filter((asset) => !layers.includes(asset));
        expect(assets.length, env).toBeGreaterThan(0);
        for (const asset of assets) {
          const files = readdirSync(path.join(outdirOf(env), asset));
          expect(files).toContain('index.mjs');
          const bundle = readFileSync(path.join(outdirOf(env), asset, 'index.mjs'), 'utf8');
          expect(bundle).toMatch(/handler/);
          expect(bundle).not.toMatch(/aws-cdk-lib/);
        }
        // The formatter's asset carries its templates; with Slack actions (dev) the interactivity function is
        // bundled too.
        if (existsSync(path.join(repoRoot, 'formatters', 'formatter', 'templates')))
          expect(formatterAsset(env), env).toBeDefined();
        const actions = assets.filter((asset) =>
          readFileSync(path.join(outdirOf(env), asset, 'index.mjs'), 'utf8').includes('x-slack-signature')
        );
        expect(actions.length, env).toBe(env === 'dev' ? 1 : 0);
      }
    }, 120_000);

    it('the bundle runs: its handler formats a message when the history is unavailable (no AWS call)', () => {
      const first = outdirOf(environments[0] as string);
      const asset = formatterAsset(environments[0] as string);
      expect(asset).toBeDefined();
      const input = historyUnavailableInput({
        detail: { startDate: 1763604000000, stopDate: 1763604060000 },
        settings: { environment: 'test', destination: { type: 'channel', channel: 'C0123456789' } },
      });
      const bundle = path.join(first, asset as string, 'index.mjs');
      const script = `const { handler } = await import(${JSON.stringify(bundle)});
process.stdout.write('\\nRESULT ' + JSON.stringify(await handler(${JSON.stringify(input)})));`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repoRoot,
        env: { ...offlineEnv(), POWERTOOLS_LOG_LEVEL: 'SILENT' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status, result.stderr).toBe(0);
      // The handler's own JSON log lines come first; the answer is the line marked RESULT.
      const answer = result.stdout.split('\n').find((line) => line.startsWith('RESULT '));
      const output = firstMessage(JSON.parse(answer?.slice('RESULT '.length) ?? 'null'));
      expect(output?.action).toBe('send');
      expect(output?.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
      // Blocks come from the JSONata template: proof the templates were shipped next to the bundle.
      expect(output?.delivery.payload.blocks?.length ?? 0).toBeGreaterThan(0);
    }, 60_000);
  }
);
