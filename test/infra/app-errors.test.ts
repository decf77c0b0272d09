import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../contract/settings.js';
import { buildApp } from '../../infra/build-app.js';
import { tempDir } from '../temp-dirs.js';
import { cdkJsonFile, repoRoot, SKIP_BUNDLING } from './helpers.js';

const outdir = tempDir('sfn-slack-app-errors-');

/** cdk.json's `app` command (`node …`), run with this Node. */
const appArgs = cdkJsonFile().app.split(' ').slice(1);

/** Runs the CDK app as `cdk synth` does (cdk.json's `app`), with this context instead of cdk.json's. */
function synth(environments: unknown) {
  return spawnSync(process.execPath, appArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ environments }),
      CDK_OUTDIR: outdir,
      CDK_DISABLE_VERSION_CHECK: '1',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/**
 * The error the app stops on, in process: infra/app.ts prints the message of a ConfigError or of an error from the
 * construct (`SlackNotifier: …`) as its one line and exits 2; anything else would be a stack trace.
 */
function synthError(environments: unknown): Error {
  try {
    buildApp({ outdir, context: { ...SKIP_BUNDLING, environments } }).synth();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the app synthesized without an error');
}

const CASES: Array<[unknown, string]> = [
  [
    {
      prod: {
        stateMachineNamePrefixes: ['etl-'],
        destination: { type: 'channel', channel: '#a' },
        template: 'fancy',
      },
    },
    'cdk.json context environments.prod.template is "fancy" (there is no such template); use detailed or compact, or a path to your own .jsonata file',
  ],
  [
    { prod: { stateMachineNamePrefixes: ['e'], destination: { type: 'channel', channel: '#a' } } },
    'cdk.json context environments.prod.stateMachineNamePrefixes[0] "e" is shorter than 3 characters and would watch machines nobody meant; use a longer prefix like "etl-" or list ARNs',
  ],
  [
    {
      prod: {
        destination: { type: 'channel', channel: '#a' },
        routes: [
          { name: 'x', match: { stateMachineNamePrefixes: ['etl-'] }, template: 'missing/team.jsonata' },
        ],
      },
    },
    'SlackNotifier: custom template',
  ],
];

describe('a bad environment at synth', () => {
  it.each(CASES)(
    'stops on one line naming the key and the fix, which the app prints',
    (environments, line) => {
      const error = synthError(environments);
      expect(error instanceof ConfigError || error.message.startsWith('SlackNotifier: ')).toBe(true);
      expect(error.message).toContain(line);
      expect(error.message).not.toContain('\n');
    }
  );

  // The process boundary once (each run loads the CDK afresh): what `cdk synth` shows for such an error.
  it('`cdk synth` prints that line alone on standard error, no stack trace, exit 2', () => {
    const [environments, line] = CASES[0] as [unknown, string];
    const result = synth(environments);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(line);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
