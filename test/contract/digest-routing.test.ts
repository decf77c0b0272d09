/**
 * Which machines a destination's daily digest sums up (contract/digest.ts): the machines whose news the notifier's
 * routes send there (contract/routes.ts routeDeliveries), so a route's tag, account and region conditions, `stop`
 * and tag overrides apply to the digest as they apply to the messages; checked against routeDeliveries itself over
 * a matrix of machines, tags and routes.
 */
import { describe, expect, it } from 'vitest';
import { type DigestPlan, digestRequest, digestsListMachines, digestTakes } from '../../contract/digest.js';
import { destinationKey, type Route, routeDeliveries, TAG_KEYS } from '../../contract/routes.js';
import { route } from '../fixtures/routes.js';

const at = (account: string, region: string, name: string) =>
  `arn:aws:states:${region}:${account}:stateMachine:${name}`;
const PAYMENTS = '111122223333';
const ANALYTICS = '777788889999';

const daily = { at: '09:00', timeZone: 'UTC', quiet: 'line' as const };
const plan = (channel: string, routes: readonly Route[]): DigestPlan => ({
  destination: { type: 'channel', channel },
  digest: daily,
  routes: routes.filter((r) => destinationKey(r.destination) === channel).map((r) => r.name),
  stateMachineArns: routes.flatMap((r) =>
    destinationKey(r.destination) === channel ? r.match.stateMachineArns : []
  ),
  stateMachineNamePrefixes: routes.flatMap((r) =>
    destinationKey(r.destination) === channel ? r.match.stateMachineNamePrefixes : []
  ),
});

const reports = route('reports', {
  match: { stateMachineNamePrefixes: ['weekly-'], tags: { team: 'reports' } },
});
const payments = route('payments', {
  match: { stateMachineNamePrefixes: ['nightly-'], accounts: [PAYMENTS] },
});
const euOnCall = route('eu-on-call', {
  match: { stateMachineNamePrefixes: ['nightly-', 'weekly-'], regions: ['eu-west-1'] },
  statuses: ['FAILED'],
});
const routes = [reports, payments, euOnCall];
const routing = { routes, allowedChannels: ['#reports', '#payments', '#eu-on-call'] };
const requestFor = (channel: string, over: readonly Route[] = routes, allowed = routing.allowedChannels) =>
  digestRequest('prod', plan(channel, over), { routing: { routes: over, allowedChannels: allowed } });

describe('digestTakes: the notifier’s routes decide', () => {
  it('a tag-conditioned route’s digest takes only the machines carrying the tag', () => {
    const request = requestFor('#reports');
    const weekly = at(PAYMENTS, 'eu-west-1', 'weekly-report');
    expect(digestTakes(request, { stateMachineArn: weekly, tags: { team: 'reports' } })).toBe(true);
    expect(digestTakes(request, { stateMachineArn: weekly, tags: { team: 'finance' } })).toBe(false);
    expect(digestTakes(request, { stateMachineArn: weekly, tags: {} })).toBe(false);
    // Unreadable tags count as the notifier counts them: the condition is met (news went there too).
    expect(digestTakes(request, { stateMachineArn: weekly })).toBe(true);
  });

  it('account and region conditions hold for the machine’s own account and region (a central environment)', () => {
    const request = requestFor('#payments');
    expect(digestTakes(request, { stateMachineArn: at(PAYMENTS, 'us-east-1', 'nightly-orders') })).toBe(true);
    expect(digestTakes(request, { stateMachineArn: at(ANALYTICS, 'us-east-1', 'nightly-orders') })).toBe(
      false
    );
    const eu = requestFor('#eu-on-call');
    expect(digestTakes(eu, { stateMachineArn: at(ANALYTICS, 'eu-west-1', 'nightly-orders') })).toBe(true);
    expect(digestTakes(eu, { stateMachineArn: at(ANALYTICS, 'ap-southeast-2', 'nightly-orders') })).toBe(
      false
    );
  });

  it('a route that stops takes the machine from the later routes’ digests, as it takes its messages', () => {
    const first = route('first', { match: { stateMachineNamePrefixes: ['nightly-'] }, stop: true });
    const later = route('later', { match: { stateMachineNamePrefixes: ['nightly-'] } });
    const request = requestFor('#later', [first, later], ['#first', '#later']);
    expect(digestTakes(request, { stateMachineArn: at(PAYMENTS, 'eu-west-1', 'nightly-orders') })).toBe(
      false
    );
    expect(
      digestTakes(requestFor('#first', [first, later], ['#first', '#later']), {
        stateMachineArn: at(PAYMENTS, 'eu-west-1', 'nightly-orders'),
      })
    ).toBe(true);
  });

  it('a channel tag that redirects a machine (tagOverrides) moves it to that channel’s digest', () => {
    const team = route('team', { match: { stateMachineNamePrefixes: ['etl-'] }, tagOverrides: true });
    const other = route('other', { match: { stateMachineNamePrefixes: ['batch-'] } });
    const allowed = ['#team', '#other'];
    const machine = {
      stateMachineArn: at(PAYMENTS, 'eu-west-1', 'etl-load'),
      tags: { [TAG_KEYS.channel]: '#other' },
    };
    const toOther = requestFor('#other', [team, other], allowed);
    // The redirecting route's machines are looked at by the other channel's digest too.
    expect(toOther.stateMachineNamePrefixes).toEqual(['batch-', 'etl-']);
    expect(digestTakes(toOther, machine)).toBe(true);
    expect(digestTakes(requestFor('#team', [team, other], allowed), machine)).toBe(false);
  });

  it('agrees with routeDeliveries over a matrix of machines, tags and destinations', () => {
    const machines = [PAYMENTS, ANALYTICS].flatMap((account) =>
      ['eu-west-1', 'us-east-1'].flatMap((region) =>
        ['nightly-orders', 'weekly-report', 'other-job'].map((name) => at(account, region, name))
      )
    );
    for (const tags of [{}, { team: 'reports' }] as Record<string, string>[]) {
      for (const stateMachineArn of machines) {
        for (const channel of routing.allowedChannels) {
          const [, , , region, account] = stateMachineArn.split(':');
          const expected = ['FAILED', 'SUCCEEDED', 'TIMED_OUT', 'ABORTED'].some((status) =>
            routeDeliveries(
              { environment: 'prod', ...routing },
              { stateMachineArn, status, account, region, tags }
            ).some((d) => destinationKey(d.destination) === channel)
          );
          expect(
            digestTakes(requestFor(channel), { stateMachineArn, tags }),
            `${stateMachineArn} ${channel}`
          ).toBe(expected);
        }
      }
    }
  });

  it('without routing (an older request) it keeps to the ARNs and prefixes it names', () => {
    const request = digestRequest('prod', plan('#payments', routes));
    expect(request.routing).toBeUndefined();
    expect(digestTakes(request, { stateMachineArn: at(ANALYTICS, 'eu-west-1', 'nightly-orders') })).toBe(
      true
    );
    expect(digestTakes(request, { stateMachineArn: at(ANALYTICS, 'eu-west-1', 'weekly-report') })).toBe(
      false
    );
  });
});

describe('digestRequest in a central environment', () => {
  it('looks in the listed accounts, and with an organization also in the accounts its routes name', () => {
    const sources = { accounts: [PAYMENTS], regions: ['eu-west-1', 'us-east-1'] };
    const listed = digestRequest('org', plan('#payments', routes), { routing, sources });
    expect(listed.sources).toEqual(sources);
    const member = route('member', {
      match: { stateMachineNamePrefixes: ['nightly-'], accounts: [ANALYTICS] },
      destination: { type: 'channel', channel: '#payments' },
    });
    const withOrg = digestRequest('org', plan('#payments', [...routes, member]), {
      routing: { routes: [...routes, member], allowedChannels: routing.allowedChannels },
      sources: { ...sources, organizationId: 'o-a1b2c3d4e5' },
    });
    expect(withOrg.sources).toEqual({ accounts: [PAYMENTS, ANALYTICS], regions: sources.regions });
  });
});

describe('digestsListMachines', () => {
  it('is true only when some digest looks for machines by name prefix', () => {
    expect(digestsListMachines('prod', [plan('#payments', routes)], routing)).toBe(true);
    const byArn = route('arn', {
      match: { stateMachineArns: [at(PAYMENTS, 'eu-west-1', 'nightly-orders')] },
    });
    expect(
      digestsListMachines('prod', [plan('#arn', [byArn])], { routes: [byArn], allowedChannels: ['#arn'] })
    ).toBe(false);
    expect(digestsListMachines('prod', [], routing)).toBe(false);
  });
});
