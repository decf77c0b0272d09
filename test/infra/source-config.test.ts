/** cdk.json `environments.<name>.sources`: what a central environment accepts, and one line for each mistake. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnvironment } from '../../contract/settings.js';
import { forwardedFrom, parseSources } from '../../contract/sources.js';

const central = {
  account: '444455556666',
  region: 'eu-west-1',
  stateMachineNamePrefixes: ['etl-'],
  destination: { type: 'channel', channel: 'C0123456789' },
  sources: { accounts: ['111122223333'], regions: ['eu-west-1', 'us-east-1'] },
};

function errorOf(raw: unknown): string {
  try {
    parseEnvironment('org', raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const withSources = (sources: unknown) => ({ ...central, sources });

describe('sources', () => {
  it('parses accounts, organization, OUs and regions', () => {
    const config = parseEnvironment(
      'org',
      withSources({
        accounts: ['111122223333'],
        organizationId: 'o-a1b2c3d4e5',
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: ['eu-west-1'],
      })
    );
    expect(config.sources).toEqual({
      accounts: ['111122223333'],
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      regions: ['eu-west-1'],
    });
  });

  it('takes Slack actions in a central environment: the source stack gets the act role from them', () => {
    const config = parseEnvironment('org', { ...central, actions: { mute: { users: ['U0ALICE'] } } });
    expect(config.sources).toBeDefined();
    expect(config.actions?.policy.mute.users).toEqual(['U0ALICE']);
    // Mute is shown, so the notifier reads the machines' tags (sfn-slack:mute-until).
    expect(config.readTags).toBe(true);
  });

  it('takes mute in a central environment: the notifier then reads tags with the source read role', () => {
    const config = parseEnvironment('org', { ...central, mute: true });
    expect(config.sources).toBeDefined();
    expect(config.readTags).toBe(true);
  });

  it('accepts tag routes and tag overrides in a central environment: tags are read with the source read role', () => {
    const { stateMachineNamePrefixes: _, ...rest } = central;
    const config = parseEnvironment('org', {
      ...rest,
      routes: [
        {
          name: 'data',
          match: { stateMachineNamePrefixes: ['etl-'], tags: { team: 'data' } },
          tagOverrides: true,
        },
      ],
    });
    expect(config.readTags).toBe(true);
    expect(config.sources?.accounts).toEqual(['111122223333']);
  });

  it('a single-account environment has no sources', () => {
    const { sources: _, ...single } = central;
    expect(parseEnvironment('dev', single).sources).toBeUndefined();
  });

  it.each([
    [withSources({ regions: ['eu-west-1'] }), 'sources names no source; set accounts'],
    [
      withSources({ accounts: ['1111'], regions: ['eu-west-1'] }),
      'sources.accounts[0] is "1111"; use 12-digit',
    ],
    [
      withSources({ accounts: ['111122223333', '111122223333'], regions: ['eu-west-1'] }),
      'sources.accounts lists "111122223333" twice',
    ],
    [withSources({ accounts: ['111122223333'] }), 'sources.regions is missing or empty'],
    [withSources({ accounts: ['111122223333'], regions: ['Europe'] }), 'sources.regions[0] is "Europe"'],
    [withSources({ organizationId: 'org-1', regions: ['eu-west-1'] }), 'sources.organizationId is "org-1"'],
    [
      withSources({
        accounts: ['111122223333'],
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: ['eu-west-1'],
      }),
      'sources.organizationalUnitIds needs',
    ],
    [
      withSources({ accounts: ['111122223333'], regions: ['eu-west-1'], actions: 'yes' }),
      'sources.actions is not a sources setting: the source stack creates the act role when the environment sets "actions"',
    ],
    [
      withSources({ account: ['111122223333'], regions: ['eu-west-1'] }),
      'sources.account is not a sources setting',
    ],
    [withSources(['111122223333']), 'sources must be an object'],
    [
      { ...central, account: undefined },
      'sources needs cdk.json context environments.org.account and .region',
    ],
    [
      { ...central, stateMachineArns: ['arn:aws:states:ap-south-1:111122223333:stateMachine:etl'] },
      'stateMachineArns[0] is in ap-south-1, which is not in sources.regions',
    ],
    [
      { ...central, stateMachineArns: ['arn:aws:states:eu-west-1:999999999999:stateMachine:etl'] },
      'stateMachineArns[0] is in account 999999999999, which is not in sources.accounts',
    ],
  ])('refuses a mistake in one line naming the key and the fix (%#)', (raw, expected) => {
    const message = errorOf(raw);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('with an organization, a watched ARN may be in any account (members are not known at synth)', () => {
    const config = parseEnvironment('org', {
      ...central,
      stateMachineArns: ['arn:aws:states:us-east-1:999999999999:stateMachine:etl'],
      sources: { organizationId: 'o-a1b2c3d4e5', regions: ['eu-west-1', 'us-east-1'] },
    });
    expect(config.routes[0]?.match.stateMachineArns).toEqual([
      'arn:aws:states:us-east-1:999999999999:stateMachine:etl',
    ]);
  });
});

describe('forwardedFrom: what reaches the central bus', () => {
  const listed = parseSources('s', { accounts: ['111122223333'], regions: ['eu-west-1'] });
  const organization = parseSources('s', { organizationId: 'o-a1b2c3d4e5', regions: ['eu-west-1'] });

  it('a listed account in a source region; not another account, not another region', () => {
    expect(forwardedFrom(listed, { account: '111122223333', region: 'eu-west-1' })).toBe(true);
    expect(forwardedFrom(listed, { account: '999900001111', region: 'eu-west-1' })).toBe(false);
    expect(forwardedFrom(listed, { account: '111122223333', region: 'us-east-1' })).toBe(false);
  });

  it('with an organization any account of a source region (the bus checks membership), still no other region', () => {
    expect(forwardedFrom(organization, { account: '999900001111', region: 'eu-west-1' })).toBe(true);
    expect(forwardedFrom(organization, { account: '999900001111', region: 'us-east-1' })).toBe(false);
  });
});
