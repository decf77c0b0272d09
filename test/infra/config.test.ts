import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironments, parseEnvironment } from '../../contract/settings.js';
import { DEFAULT_STATUSES } from '../../contract/statuses.js';
import { cdkJsonContext } from './helpers.js';

const minimal = {
  stateMachineNamePrefixes: ['etl-'],
  destination: { type: 'channel', channel: 'C0123456789' },
};

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnvironment', () => {
  it('fills the documented defaults', () => {
    expect(parseEnvironment('dev', minimal)).toEqual({
      name: 'dev',
      destination: { type: 'channel', channel: 'C0123456789' },
      // The shorthand is one route.
      routes: [
        {
          name: 'default',
          match: {
            stateMachineArns: [],
            stateMachineNamePrefixes: ['etl-'],
            tags: {},
            accounts: [],
            regions: [],
          },
          statuses: [...DEFAULT_STATUSES],
          destination: { type: 'channel', channel: 'C0123456789' },
          template: 'detailed',
          stop: false,
          tagOverrides: false,
        },
      ],
      allowedChannels: ['C0123456789'],
      mute: false,
      readTags: false,
      logExecutionData: false,
      customTemplates: {},
      notifierType: 'standard',
      digests: [],
      warnings: [],
      replyBroadcast: true,
    });
    expect(DEFAULT_STATUSES).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED']);
  });

  it('keeps execution data out of the logs unless logExecutionData is true, and refuses a non-boolean', () => {
    expect(parseEnvironment('dev', { ...minimal, logExecutionData: true }).logExecutionData).toBe(true);
    expect(() => parseEnvironment('dev', { ...minimal, logExecutionData: 'yes' })).toThrow(
      'cdk.json context environments.dev.logExecutionData is "yes"; use true (keep execution data in the logs, for debugging) or false (the default)'
    );
  });

  it('storm digests: threshold and window validated, defaults filled, off with threshold 0, channel mode only', () => {
    expect(parseEnvironment('dev', { ...minimal, storm: {} }).storm).toEqual({
      threshold: 5,
      windowSeconds: 300,
    });
    expect(parseEnvironment('dev', { ...minimal, storm: { threshold: 20, window: 'PT15M' } }).storm).toEqual({
      threshold: 20,
      windowSeconds: 900,
    });
    expect(parseEnvironment('dev', { ...minimal, storm: { threshold: 0 } }).storm?.threshold).toBe(0);
    expect(errorOf(() => parseEnvironment('dev', { ...minimal, storm: { threshold: -1 } }))).toBe(
      'cdk.json context environments.dev.storm.threshold is -1; use a whole number from 0 (off) to 1000'
    );
    expect(errorOf(() => parseEnvironment('dev', { ...minimal, storm: { window: 'PT10S' } }))).toBe(
      'cdk.json context environments.dev.storm.window is "PT10S"; use an ISO 8601 duration from PT1M to P1D, like "PT5M"'
    );
    expect(errorOf(() => parseEnvironment('dev', { ...minimal, storm: { size: 3 } }))).toMatch(
      /storm is \{"size":3\}; use \{"threshold": 5, "window": "PT5M"\}/
    );
    // Webhook mode collapses storms too (into digest posts).
    const webhook = { ...minimal, destination: { type: 'webhook' } };
    expect(parseEnvironment('dev', { ...webhook, storm: { threshold: 3 } }).storm).toEqual({
      threshold: 3,
      windowSeconds: 300,
    });
  });

  it('defaults the webhook parameter to /{env}/SLACK_URL', () => {
    const config = parseEnvironment('staging', { ...minimal, destination: { type: 'webhook' } });
    expect(config.destination).toEqual({ type: 'webhook', parameterName: '/staging/SLACK_URL' });
  });

  it.each([
    [
      { ...minimal, statuses: ['FAILED', 'FAIL'] },
      'cdk.json context environments.dev.statuses[1] is "FAIL"; use some of FAILED, TIMED_OUT, ABORTED, SUCCEEDED, RUNNING, PENDING_REDRIVE',
    ],
    [
      { ...minimal, stateMachineArns: ['nightly-etl'] },
      'cdk.json context environments.dev.stateMachineArns[0] is "nightly-etl"; use full state machine ARNs like "arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl"',
    ],
    [
      { destination: minimal.destination },
      'cdk.json context environments.dev watches no state machine; set stateMachineArns and/or stateMachineNamePrefixes, or routes',
    ],
    [
      { ...minimal, channel: '#alerts' },
      'cdk.json context environments.dev.channel is not a setting: use one of account, region, stateMachineArns, stateMachineNamePrefixes, statuses, destination, mentionOnFailure, template, routes, allowedChannels, mute, alarmTopicArn, logExecutionData, replyBroadcast, runningLongerThan, actions, sources, storm, replayPrincipals, kmsKeyArns, notifierType, digest',
    ],
    [
      { stateMachineNamePrefixes: ['etl-'] },
      'cdk.json context environments.dev.destination is missing; set it to {"type": "channel", "channel": "C0123456789"} or {"type": "webhook"}',
    ],
    [
      { ...minimal, destination: { type: 'email' } },
      'cdk.json context environments.dev.destination.type is "email"; use "channel" or "webhook"',
    ],
    [
      { ...minimal, destination: { type: 'channel' } },
      'cdk.json context environments.dev.destination.channel is missing; use a channel ID like "C0123456789" or a name like "#alerts"',
    ],
    [
      { ...minimal, destination: { type: 'channel', channel: "#a'b" } },
      'cdk.json context environments.dev.destination.channel is "#a\'b"; use a channel ID like "C0123456789" or a name like "#alerts"',
    ],
    [
      { ...minimal, destination: { type: 'webhook', url: 'https://hooks.slack.com/services/x' } },
      'cdk.json context environments.dev.destination.url is not a webhook-destination setting; use type, parameterName, kmsKeyArn',
    ],
    [
      { ...minimal, mentionOnFailure: '@oncall' },
      'cdk.json context environments.dev.mentionOnFailure is "@oncall"; use a Slack mention like "<!subteam^S0123ABCD>", "<@U0123ABCD>" or "<!here>"',
    ],
    [
      { ...minimal, template: '../../etc/passwd' },
      'cdk.json context environments.dev.template is "../../etc/passwd" (not a template); use detailed or compact, or a path to your own .jsonata file',
    ],
    [
      { ...minimal, alarmTopicArn: 'ops-alarms' },
      'cdk.json context environments.dev.alarmTopicArn is "ops-alarms"; use an SNS topic ARN like "arn:aws:sns:eu-west-1:111122223333:ops-alarms"',
    ],
    [
      { ...minimal, statuses: [] },
      'cdk.json context environments.dev.statuses is empty; list at least one status or remove the key for the default',
    ],
    [
      { ...minimal, region: 'Ireland' },
      'cdk.json context environments.dev.region is "Ireland"; use a region code like "eu-west-1"',
    ],
  ])('rejects %j naming the key and the fix', (raw, message) => {
    expect(errorOf(() => parseEnvironment('dev', raw))).toBe(message);
  });
});

describe('loadEnvironments', () => {
  const context = cdkJsonContext();

  it('validates every environment of cdk.json (dev, prod and org) when no env is selected', () => {
    const environments = loadEnvironments(context.environments);
    expect(environments.map((environment) => environment.name)).toEqual(['dev', 'prod', 'org']);
  });

  it('selects one environment with -c env=<name>', () => {
    expect(loadEnvironments(context.environments, 'prod').map((environment) => environment.name)).toEqual([
      'prod',
    ]);
  });

  it('suggests the closest environment and key for a typo, as the command line does', () => {
    expect(errorOf(() => loadEnvironments(context.environments, 'prdo'))).toBe(
      '-c env=prdo is not configured: did you mean prod? (or add it under "environments" in cdk.json)'
    );
    expect(
      errorOf(() =>
        loadEnvironments(
          {
            dev: {
              ...(context.environments as Record<string, object>).dev,
              stateMachineArn: [],
            },
          },
          'dev'
        )
      )
    ).toBe(
      'cdk.json context environments.dev.stateMachineArn is not a setting: did you mean stateMachineArns?'
    );
  });

  it('says which environments exist when the selected one does not', () => {
    expect(errorOf(() => loadEnvironments(context.environments, 'qa'))).toBe(
      '-c env=qa is not configured: use one of dev, prod, org (or add it under "environments" in cdk.json)'
    );
  });

  it('explains a missing environments block', () => {
    expect(errorOf(() => loadEnvironments(undefined))).toBe(
      'cdk.json context "environments" is missing or empty; add at least one, e.g. "environments": {"dev": {...}} (see docs/infra.md)'
    );
  });

  it('holds no placeholder in the example environments', () => {
    expect(JSON.stringify(context.environments)).not.toMatch(/<[A-Za-z_]+>|\$\{|REPLACE|TODO|xxx/i);
  });
});

describe('actions', () => {
  const channel = {
    stateMachineNamePrefixes: ['etl-'],
    destination: { type: 'channel', channel: 'C0123456789' },
  };

  it('reads who may do each action; an action not listed allows nobody', () => {
    const config = parseEnvironment('dev', {
      ...channel,
      actions: {
        redrive: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
        signingSecretName: 'sfn-slack/dev/signing',
      },
    });
    expect(config.actions).toEqual({
      policy: {
        redrive: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
        stop: { users: [], userGroups: [] },
        mute: { users: [], userGroups: [] },
      },
      signingSecretName: 'sfn-slack/dev/signing',
    });
  });

  it('reads the workspace and app the clicks must come from; warns when either is missing; refuses a malformed one', () => {
    const pinned = parseEnvironment('dev', {
      ...channel,
      actions: { redrive: { users: ['U0ALICE'] }, teamId: 'T0123TEAM', appId: 'A0123APP' },
    });
    expect(pinned.actions).toMatchObject({ teamId: 'T0123TEAM', appId: 'A0123APP' });
    expect(pinned.warnings).toEqual([]);
    const open = parseEnvironment('dev', { ...channel, actions: { redrive: { users: ['U0ALICE'] } } });
    expect(open.warnings).toEqual([
      expect.stringContaining('actions has no teamId: clicks are checked by signature only'),
    ]);
    expect(
      errorOf(() =>
        parseEnvironment('dev', {
          ...channel,
          actions: { redrive: { users: ['U0ALICE'] }, teamId: 'workspace' },
        })
      )
    ).toMatch(
      /^cdk\.json context environments\.dev\.actions\.teamId is "workspace"; use the Slack workspace ID/
    );
    expect(
      errorOf(() =>
        parseEnvironment('dev', { ...channel, actions: { redrive: { users: ['U0ALICE'] }, appId: 'T0123' } })
      )
    ).toMatch(/actions\.appId is "T0123"; use the Slack app ID/);
  });

  it('refuses with one line naming the key: a webhook, nobody allowed, a bad ID, an unknown action', () => {
    const where = 'cdk.json context environments.dev.actions';
    expect(
      errorOf(() =>
        parseEnvironment('dev', {
          ...channel,
          destination: { type: 'webhook' },
          actions: { redrive: { users: ['U0ALICE'] } },
        })
      )
    ).toBe(
      `${where} needs a channel destination (buttons edit the message, which a webhook cannot); remove it or use {"type": "channel", ...}`
    );
    expect(errorOf(() => parseEnvironment('dev', { ...channel, actions: {} }))).toBe(
      `${where} allows nobody anything; list users or userGroups under redrive, stop or mute, or remove the key`
    );
    expect(
      errorOf(() => parseEnvironment('dev', { ...channel, actions: { stop: { users: ['alice'] } } }))
    ).toBe(`${where}.stop.users[0] is "alice"; use Slack user IDs like "U0123ABCD"`);
    expect(
      errorOf(() => parseEnvironment('dev', { ...channel, actions: { delete: { users: ['U0ALICE'] } } }))
    ).toBe(
      `${where}.delete is not an actions setting; use redrive, stop, mute, signingSecretName, teamId, appId`
    );
  });
});
