import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { register as registerMute } from '../../cli/commands/mute.js';
import { parseDuration } from '../../cli/commands/mute-run.js';
import { register as registerRoutes } from '../../cli/commands/routes.js';
import { routesCommand } from '../../cli/commands/routes-run.js';
import { readEnvironment } from '../../cli/environments.js';
import { tempDir } from '../temp-dirs.js';
import { captureIo, runCommand } from './helpers.js';

const dir = tempDir('sfn-slack-routes-');
const cdkJson = path.join(dir, 'cdk.json');
const ARN = (name: string) => `arn:aws:states:eu-west-1:111122223333:stateMachine:${name}`;
writeFileSync(
  cdkJson,
  JSON.stringify({
    context: {
      environments: {
        prod: {
          account: '111122223333',
          region: 'eu-west-1',
          destination: { type: 'channel', channel: '#ops' },
          mute: true,
          allowedChannels: ['#ops', '#payments', '#data-alerts', '#etl-runs', '#data-oncall'],
          routes: [
            {
              name: 'payments',
              match: { stateMachineArns: [ARN('payments-settle')] },
              destination: { channel: '#payments' },
              stop: true,
            },
            {
              name: 'data',
              match: { stateMachineNamePrefixes: ['data-'], tags: { team: 'data' } },
              statuses: ['FAILED'],
              destination: { channel: '#data-alerts' },
              mention: '<!subteam^S0DATA>',
              tagOverrides: true,
            },
            {
              name: 'etl-runs',
              match: { stateMachineNamePrefixes: ['data-', 'payments-'] },
              statuses: ['SUCCEEDED'],
              destination: { channel: '#etl-runs' },
            },
          ],
        },
        quiet: { destination: { type: 'channel', channel: '#ops' }, stateMachineNamePrefixes: ['etl-'] },
        org: {
          account: '111122223333',
          region: 'eu-west-1',
          destination: { type: 'channel', channel: '#ops' },
          mute: true,
          stateMachineNamePrefixes: ['etl-'],
          sources: { accounts: ['111122223333', '444455556666'], regions: ['eu-west-1', 'eu-west-2'] },
        },
      },
    },
  })
);

describe('sfn-slack routes', () => {
  it('explains which routes match and why, and the messages that go out', () => {
    const text = routesCommand({
      env: 'prod',
      stateMachine: 'data-load',
      tags: ['team=data'],
      status: 'FAILED',
      cdkJson,
    });
    expect(text.split('\n')).toEqual([
      `${ARN('data-load')} FAILED (tags team=data):`,
      '  ✗ payments: data-load is neither listed nor under a prefix',
      '  ✓ data: the name starts with "data-", status FAILED, tags team=data',
      '  ✗ etl-runs: status FAILED is not in SUCCEEDED',
      '→ #data-alerts (route data, template detailed, mention <!subteam^S0DATA>)',
    ]);
  });

  it('shows stop, a refused tag channel, and no message at all', () => {
    const stop = routesCommand({
      env: 'prod',
      stateMachine: ARN('payments-settle'),
      status: 'SUCCEEDED',
      cdkJson,
    });
    expect(stop).toContain('  - etl-runs: not considered: route "payments" matched with stop');
    const refused = routesCommand({
      env: 'prod',
      stateMachine: 'data-load',
      tags: ['team=data', 'sfn-slack:channel=#random'],
      cdkJson,
    });
    expect(refused).toContain(
      '→ #data-alerts (route data, template detailed, mention <!subteam^S0DATA>); tag sfn-slack:channel=#random is not in allowedChannels'
    );
    const none = routesCommand({ env: 'prod', stateMachine: 'data-load', status: 'FAILED', cdkJson });
    expect(none).toContain('no message: no route takes it');
    expect(none).toContain('pass the machine’s tags with --tags');
  });

  it('answers JSON with --output json', () => {
    const json = JSON.parse(
      routesCommand({ env: 'prod', stateMachine: 'data-load', status: 'SUCCEEDED', output: 'json', cdkJson })
    );
    expect(json.deliveries).toEqual([
      {
        environment: 'prod',
        route: 'etl-runs',
        destination: { type: 'channel', channel: '#etl-runs' },
        template: 'detailed',
      },
    ]);
  });

  it('refuses bad input in one line: unknown environment, status, tag', async () => {
    const run = (args: string[]) =>
      runCommand((p) => registerRoutes(p), ['routes', '--cdk-json', cdkJson, ...args], captureIo());
    expect(await run(['--env', 'staging', '--state-machine', 'x-y'])).toEqual({
      exitCode: 2,
      error: 'environment "staging" is not in cdk.json: use one of prod, quiet, org',
    });
    expect((await run(['--env', 'prod', '--state-machine', 'data-x', '--status', 'BROKEN'])).error).toBe(
      '--status BROKEN: use one of FAILED, TIMED_OUT, ABORTED, SUCCEEDED, RUNNING, PENDING_REDRIVE'
    );
    expect((await run(['--env', 'prod', '--state-machine', 'data-x', '--tags', 'team'])).error).toBe(
      '--tags team: use key=value, e.g. --tags team=data'
    );
  });
});

describe('sfn-slack mute, unmute, mutes (through the sfn-slack:mute-until tag)', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());
  const now = new Date('2026-11-25T04:00:00Z');

  it('parses durations', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d2h30m')).toBe((26 * 60 + 30) * 60_000);
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('mute tags the watched machine with the end of the mute', async () => {
    sfn.on(TagResourceCommand).resolves({});
    const io = captureIo('', now);
    const result = await runCommand(
      registerMute,
      ['mute', 'data-load', '--for', '2h', '--env', 'prod', '--cdk-json', cdkJson],
      io
    );
    expect(result).toEqual({ exitCode: 0 });
    expect(sfn.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ARN('data-load'),
      tags: [{ key: 'sfn-slack:mute-until', value: '2026-11-25T06:00:00Z' }],
    });
    expect(io.out()).toContain('muted data-load until 2026-11-25T06:00:00Z');
  });

  it('unmute removes the tag', async () => {
    sfn.on(UntagResourceCommand).resolves({});
    const result = await runCommand(
      registerMute,
      ['unmute', 'data-load', '--env', 'prod', '--cdk-json', cdkJson],
      captureIo('', now)
    );
    expect(result.exitCode).toBe(0);
    expect(sfn.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ARN('data-load'),
      tagKeys: ['sfn-slack:mute-until'],
    });
  });

  it('mutes lists the watched machines muted now, with what they hold', async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: ['data-load', 'data-clean', 'unrelated'].map((n) => ({
        stateMachineArn: ARN(n),
        name: n,
        type: 'STANDARD' as const,
        creationDate: now,
      })),
    });
    sfn.on(ListTagsForResourceCommand, { resourceArn: ARN('data-load') }).resolves({
      tags: [
        { key: 'sfn-slack:mute-until', value: '2026-11-25T06:00:00Z' },
        { key: 'team', value: 'data' },
      ],
    });
    sfn.on(ListTagsForResourceCommand, { resourceArn: ARN('data-clean') }).resolves({
      tags: [{ key: 'sfn-slack:mute-until', value: '2026-11-25T03:00:00Z' }],
    });
    const io = captureIo('', now);
    expect(
      (await runCommand(registerMute, ['mutes', '--env', 'prod', '--cdk-json', cdkJson], io)).exitCode
    ).toBe(0);
    expect(io.out()).toBe('data-load muted until 2026-11-25T06:00:00Z (routes: none for FAILED)\n');
    // The unrelated machine is not watched: its tags are not read.
    expect(sfn.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.resourceArn)).toEqual([
      ARN('data-load'),
      ARN('data-clean'),
    ]);
  });

  it('refuses what would change nothing or cannot work, in one line', async () => {
    const run = (args: string[]) =>
      runCommand(registerMute, [...args, '--cdk-json', cdkJson], captureIo('', now));
    expect((await run(['mute', 'unrelated', '--for', '2h', '--env', 'prod'])).error).toBe(
      `${ARN('unrelated')} is not watched by any route of prod: muting it would change nothing`
    );
    expect((await run(['mute', 'etl-a', '--for', '2h', '--env', 'quiet'])).error).toBe(
      'environment quiet does not read the mute tag: set "mute": true for it in cdk.json (a SlackNotifier: the mute prop), or let somebody use the Mute button (actions.mute), and deploy, then mute'
    );
    expect((await run(['mute', 'data-load', '--for', '8d', '--env', 'prod'])).error).toContain('at most 7d');
    expect((await run(['mute', 'data-load', '--for', 'later', '--env', 'prod'])).error).toBe(
      '--for later: use a duration like 30m, 2h or 1d'
    );
    expect(sfn.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('in a central environment, mutes a machine of any source account and region (the count is central)', async () => {
    const run = (machine: string) =>
      runCommand(
        registerMute,
        ['mute', machine, '--for', '2h', '--env', 'org', '--cdk-json', cdkJson],
        captureIo('', now)
      );
    const elsewhere = 'arn:aws:states:eu-west-2:444455556666:stateMachine:etl-nightly';
    const here = 'arn:aws:states:eu-west-1:444455556666:stateMachine:etl-nightly';
    expect((await run(elsewhere)).exitCode).toBe(0);
    expect((await run(here)).exitCode).toBe(0);
    expect(sfn.commandCalls(TagResourceCommand).map((c) => c.args[0].input.resourceArn)).toEqual([
      elsewhere,
      here,
    ]);
  });
});

describe('cdk.json mistakes, one line each', () => {
  it('suggests the environment meant, and locates a JSON syntax error by line and column', async () => {
    const dir = tempDir('sfn-slack-cdkjson-');
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ context: { environments: { prod: {}, dev: {} } } }));
    expect(() => readEnvironment('prdo', good)).toThrow(
      'environment "prdo" is not in good.json: did you mean prod?'
    );
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "context": {\n    "environments": {,}\n  }\n}\n');
    expect(() => readEnvironment('prod', bad)).toThrow(
      `${bad} is not valid JSON at line 3, column 22: fix it there`
    );
  });
});
