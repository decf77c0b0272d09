/** Scenarios route by the same rules as the deployed stack: routes, the event step's tags, per-destination dedup. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, ScenarioError } from '../../local/scenario.js';
import { quietFormatter, repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'examples', 'scenarios');

// The redrive example's machine is nightly-etl (123456789012, eu-west-1).
const environment = {
  destination: { type: 'channel', channel: 'C0OPS00001' },
  allowedChannels: ['C0OPS00001', 'C0DATA0001', 'C0ONCALL01'],
  routes: [
    {
      name: 'data',
      match: { stateMachineNamePrefixes: ['nightly-'], tags: { team: 'data' } },
      destination: { channel: 'C0DATA0001' },
      tagOverrides: true,
    },
    { name: 'ops', match: { stateMachineNamePrefixes: ['nightly-'] } },
  ],
};
const failed = { event: 'redrive.failed.event.json', history: 'redrive.failed.history.json' };

describe('scenarios route as the stack does', () => {
  it('an event step’s tags pick the routes, and each destination gets its one message', async () => {
    const scenario = await parseScenario(
      {
        environment,
        steps: [
          { at: 0, ...failed, tags: { team: 'data' } },
          { at: 30, duplicate: 0 },
        ],
      },
      dir
    );
    const { report } = await runScenario(scenario, { formatter: quietFormatter });
    expect(Object.keys(report.channels).sort()).toEqual(['C0DATA0001', 'C0OPS00001']);
    // The duplicate event adds nothing to either channel: deduplication per destination.
    expect(report.channels.C0DATA0001).toHaveLength(1);
    expect(report.channels.C0OPS00001).toHaveLength(1);
  });

  it('without the tag only the untagged route; a channel tag moves it only within allowedChannels', async () => {
    const plain = await runScenario(
      await parseScenario({ environment, steps: [{ at: 0, ...failed }] }, dir),
      {
        formatter: quietFormatter,
      }
    );
    expect(Object.keys(plain.report.channels)).toEqual(['C0OPS00001']);
    const moved = await runScenario(
      await parseScenario(
        {
          environment,
          steps: [{ at: 0, ...failed, tags: { team: 'data', 'sfn-slack:channel': 'C0ONCALL01' } }],
        },
        dir
      ),
      { formatter: quietFormatter }
    );
    expect(Object.keys(moved.report.channels).sort()).toEqual(['C0ONCALL01', 'C0OPS00001']);
    const refused = await runScenario(
      await parseScenario(
        {
          environment,
          steps: [{ at: 0, ...failed, tags: { team: 'data', 'sfn-slack:channel': 'C0RANDOM01' } }],
        },
        dir
      ),
      { formatter: quietFormatter }
    );
    expect(Object.keys(refused.report.channels).sort()).toEqual(['C0DATA0001', 'C0OPS00001']);
  });

  it('the "still running" banner of each destination mentions its route’s people, not the environment’s', async () => {
    const statuses = ['RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'];
    const scenario = await parseScenario(
      {
        environment: {
          ...environment,
          mentionOnFailure: '<!subteam^S0ENVWIDE1>',
          runningLongerThan: 'PT10M',
          routes: [
            {
              name: 'data',
              match: { stateMachineNamePrefixes: ['nightly-'] },
              statuses,
              destination: { channel: 'C0DATA0001' },
              mention: '<@U0DATA0001>',
            },
            {
              name: 'ops',
              match: { stateMachineNamePrefixes: ['nightly-'] },
              statuses,
              mention: '<@U0OPS00001>',
            },
          ],
        },
        steps: [
          { at: 0, event: 'redrive.running.event.json', history: 'redrive.started.history.json' },
          { at: 1200, ...failed },
        ],
      },
      dir
    );
    const { report } = await runScenario(scenario, { formatter: quietFormatter });
    const banner = (channel: string) =>
      (report.channels[channel]?.[0]?.replies ?? [])
        .map((r) => r.text)
        .find((t) => /Still running/.test(t ?? ''));
    expect(banner('C0DATA0001')).toBe(':hourglass_flowing_sand: *Still running after 10 min* <@U0DATA0001>');
    // Both destinations get their check (one schedule each, though they share the notification's id).
    expect(banner('C0OPS00001')).toBe(':hourglass_flowing_sand: *Still running after 10 min* <@U0OPS00001>');
    expect(JSON.stringify(report.channels)).not.toContain('S0ENVWIDE1');
  });

  it.each(['<!everyone>', '<https://evil.example|x>', '@here'])(
    'a mention tag %s (not a user or user group) reaches no message: the route posts without it',
    async (mention) => {
      const tags = { team: 'data', 'sfn-slack:mention': mention };
      const { report } = await runScenario(
        await parseScenario({ environment, steps: [{ at: 0, ...failed, tags }] }, dir),
        { formatter: quietFormatter }
      );
      expect(report.channels.C0DATA0001).toHaveLength(1);
      const posted = JSON.stringify(report.channels);
      for (const forged of ['everyone', 'evil.example', '@here']) expect(posted).not.toContain(forged);
    }
  );

  it.each(['<@U0ABC>', '<!subteam^S0ABC>'])('a mention tag %s leads the failure message', async (mention) => {
    const tags = { team: 'data', 'sfn-slack:mention': mention };
    const { report } = await runScenario(
      await parseScenario({ environment, steps: [{ at: 0, ...failed, tags }] }, dir),
      { formatter: quietFormatter }
    );
    expect(JSON.stringify(report.channels.C0DATA0001)).toContain(mention);
    expect(JSON.stringify(report.channels.C0OPS00001)).not.toContain(mention);
  });

  it('refuses tags that are not strings', async () => {
    await expect(
      parseScenario({ environment, steps: [{ at: 0, ...failed, tags: { team: 1 } }] }, dir)
    ).rejects.toThrow(new ScenarioError('step 0.tags must be an object of strings, like {"team": "data"}'));
  });
});
