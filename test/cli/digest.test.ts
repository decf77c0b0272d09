/** `sfn-slack digest`: from a scenario, from AWS (SFN mocked at the edge), and its errors. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../cli/aws/clients.js';
import { register } from '../../cli/commands/digest.js';
import { sinceHours } from '../../cli/commands/digest-run.js';
import { tempDir } from '../temp-dirs.js';
import { captureIo, runCommand } from './helpers.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = tempDir('sfn-slack-digest-');

interface ScenarioFile {
  steps: { at: number; event?: { detail: { status: string } }; tags?: unknown }[];
}

/**
 * A bundled scenario cut to some of its runs, written beside the test: what the command does with a scenario (run
 * it, then sum up each destination's runs) does not depend on its length, and test/e2e runs each one whole.
 */
function cut(name: string, keep: (step: ScenarioFile['steps'][number], end: number) => boolean): string {
  const bundled = JSON.parse(
    readFileSync(path.join(repoRoot, 'examples', 'scenarios', `${name}.scenario.json`), 'utf8')
  ) as ScenarioFile;
  const end = bundled.steps.at(-1)?.at ?? 0;
  const file = path.join(dir, `${name}.scenario.json`);
  writeFileSync(file, JSON.stringify({ ...bundled, steps: bundled.steps.filter((step) => keep(step, end)) }));
  return file;
}
const DAY = 86_400;
/** The digest day's failures of its last 24 hours and its last run (a success). */
const scenario = cut(
  'digest-day',
  (step, end) => end - step.at < DAY && (step.event?.detail.status === 'FAILED' || step.at === end)
);
/** The organization's runs of its last two days, both accounts, and the runs that tag their machine. */
const central = cut(
  'organization-normal',
  (step, end) => step.tags !== undefined || (step.event !== undefined && end - step.at < 2 * DAY)
);
const cdkJson = path.join(dir, 'cdk.json');
const ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-orders';
writeFileSync(
  cdkJson,
  JSON.stringify({
    context: {
      environments: {
        prod: {
          account: '111122223333',
          region: 'eu-west-1',
          destination: { type: 'channel', channel: '#ops' },
          stateMachineNamePrefixes: ['etl-'],
          digest: { at: '09:00', timeZone: 'Europe/Berlin' },
        },
      },
    },
  })
);

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());
const clients = () => ({ sfn: new SFNClient({ region: 'eu-west-1' }) }) as unknown as AwsClients;
const run = (args: string[], io = captureIo()) =>
  runCommand((p, i) => register(p, i, clients), ['digest', ...args], io).then((result) => ({ result, io }));

describe('sfn-slack digest', () => {
  it('previews each destination’s digest of a scenario, as JSON', async () => {
    const { result, io } = await run(['--scenario', scenario, '--output', 'json']);
    expect(result).toEqual({ exitCode: 0 });
    const out = JSON.parse(io.out()) as { digests: { destination: string; message: { text: string } }[] };
    expect(out.digests.map((d) => d.destination)).toEqual(['C0DATA0001', 'C0REPORTS1']);
    expect(out.digests[1]?.message.text).toBe(
      'Daily digest · scenario: 1 run of 1 machine in the last 24 h: 1 failed'
    );
  }, 60_000);

  it('previews a central scenario’s digests with the notifier’s routing: accounts and tags apply', async () => {
    const { result, io } = await run(['--scenario', central, '--since', '7d', '--output', 'json']);
    expect(result).toEqual({ exitCode: 0 });
    const out = JSON.parse(io.out()) as { digests: { destination: string; message: { blocks: unknown } }[] };
    const blocks = (destination: string) =>
      JSON.stringify(out.digests.find((d) => d.destination === destination)?.message.blocks);
    expect(out.digests.map((d) => d.destination)).toEqual(['C0PAYMENTS', 'C0REPORTS1', 'C0ANALYTIC']);
    // A week of both accounts' nightly failures: each account's only in its own channel's digest.
    expect(blocks('C0PAYMENTS')).toContain(':111122223333:execution:nightly-orders:');
    expect(blocks('C0PAYMENTS')).not.toContain('777788889999');
    expect(blocks('C0ANALYTIC')).toContain(':777788889999:execution:nightly-orders:');
    expect(blocks('C0ANALYTIC')).not.toContain('111122223333');
    // The tag route: the tagged weekly job, not the untagged one.
    expect(blocks('C0REPORTS1')).toContain('weekly-report');
    expect(blocks('C0REPORTS1')).not.toContain('weekly-audit');
  }, 60_000);

  it('reads AWS read-only: list, executions, the failures’ errors', async () => {
    const now = Date.now();
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { stateMachineArn: ARN, name: 'etl-orders', type: 'STANDARD', creationDate: new Date(0) },
        {
          stateMachineArn: `${ARN}x`.replace('etl-', 'other-'),
          name: 'other-ordersx',
          type: 'STANDARD',
          creationDate: new Date(0),
        },
      ],
    });
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: `${ARN.replace('stateMachine', 'execution')}:run-1`,
          stateMachineArn: ARN,
          name: 'run-1',
          status: 'FAILED',
          startDate: new Date(now - 3_600_000),
          stopDate: new Date(now - 3_000_000),
        },
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({ error: 'States.TaskFailed' } as never);
    const { result, io } = await run(['--env', 'prod', '--cdk-json', cdkJson]);
    expect(result).toEqual({ exitCode: 0 });
    expect(io.out()).toContain('── digest to #ops ──');
    expect(io.out()).toContain('1 run of 1 machine in the last 24 h: 1 failed');
    expect(io.out()).toContain('States.TaskFailed');
    const called = sfn.calls().map((c) => c.args[0].constructor.name);
    expect(new Set(called)).toEqual(
      new Set(['ListStateMachinesCommand', 'ListExecutionsCommand', 'DescribeExecutionCommand'])
    );
    expect(sfn.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it('exits 3 when no machine can be read, 2 on bad input, each with one line', async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { stateMachineArn: ARN, name: 'etl-orders', type: 'STANDARD', creationDate: new Date(0) },
      ],
    });
    sfn
      .on(ListExecutionsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect((await run(['--env', 'prod', '--cdk-json', cdkJson])).result).toEqual({
      exitCode: 3,
      error:
        'could not read any state machine of prod (AccessDeniedException): check --profile/--region and that the credentials may states:ListExecutions',
    });
    expect((await run(['--cdk-json', cdkJson])).result).toEqual({
      exitCode: 2,
      error: 'digest needs --env <name> (or --scenario <file>)',
    });
    expect((await run(['--scenario', path.join(dir, 'none.json')])).result.exitCode).toBe(2);
    expect(() => sinceHours('3x')).toThrow('--since 3x: use a duration in minutes, hours or days up to 14d');
    expect(sinceHours('90m')).toBe(1.5);
    expect(sinceHours('7d')).toBe(168);
  });
});
