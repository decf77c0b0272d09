/**
 * The standalone CloudFormation template (scripts/standalone-template.ts) for users without the CDK: its assets
 * are parameters (no bootstrap), the asset zip it writes holds the bundled formatter with its templates, and
 * that bundle runs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSET_PARAMETERS } from '../../infra/standalone-synthesizer.js';
import { writeStandaloneTemplate } from '../../scripts/standalone-template.js';

const out = mkdtempSync(path.join(tmpdir(), 'sfn-slack-standalone-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// One synthesis (with the real esbuild bundling and both cdk-nag packs) shared by the tests below. The CDK prints
// its bundling progress on standard error; the test output carries results only.
const { template: templateFile, assets } = quietly(() => writeStandaloneTemplate('prod', out));
const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Rules?: unknown;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

function quietly<T>(run: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return run();
  } finally {
    process.stderr.write = write;
  }
}

describe('npm run template -- --env prod', () => {
  it('writes a template whose only parameters are where the assets are: no CDK bootstrap needed', () => {
    expect(path.basename(templateFile)).toBe('SfnSlackNotifier-prod.template.json');
    expect(Object.keys(template.Parameters).sort()).toEqual([
      ASSET_PARAMETERS.bucket,
      ASSET_PARAMETERS.prefix,
    ]);
    expect(template.Parameters[ASSET_PARAMETERS.prefix]?.Default).toBe('');
    expect(template.Rules).toBeUndefined();
  });

  it('points the formatter Lambda at <AssetsPrefix><hash>.zip in AssetsBucket, the zip it wrote', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const code = functions.map((f) => f.Properties.Code as { S3Bucket: unknown; S3Key: unknown });
    expect(code).toHaveLength(1);
    expect(code[0]?.S3Bucket).toEqual({ Ref: ASSET_PARAMETERS.bucket });
    const zip = path.basename(assets[0] ?? '');
    expect(assets).toHaveLength(1);
    expect(code[0]?.S3Key).toEqual({ 'Fn::Join': ['', [{ Ref: ASSET_PARAMETERS.prefix }, zip]] });
  });

  it('zips the bundled formatter with its templates, and the bundle runs', async () => {
    const files = unzipSync(readFileSync(assets[0] as string));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['index.mjs', 'templates/detailed.jsonata', 'templates/compact.jsonata'])
    );
    const dir = path.join(out, 'unzipped');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    const { handler } = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)) as {
      handler: (
        input: unknown
      ) => Promise<{ kind: string; delivery: { payload: { text: string; blocks?: [] } } }>;
    };
    const output = await handler({
      event: {
        detail: {
          executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-1',
          stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
          name: 'run-1',
          status: 'FAILED',
          redriveCount: 0,
        },
      },
      settings: { environment: 'prod', destination: { type: 'channel', channel: '#alerts' } },
      historyUnavailable: { error: 'Sfn.ExecutionDoesNotExistException', cause: 'gone' },
    });
    expect(output.kind).toBe('message');
    expect(output.delivery.payload.text).toContain('nightly-etl');
    // Blocks come from a JSONata template: the templates were found next to the bundle.
    expect(output.delivery.payload.blocks?.length ?? 0).toBeGreaterThan(0);
  });
});
