import { describe, expect, it } from 'vitest';
import {
  type DeployedSettings,
  derivePattern,
  EVENT_PATTERN_LIMIT,
  explainRoutes,
  patternSize,
  type Route,
  routeDeliveries,
  routesReadTags,
  TAG_KEYS,
} from '../../contract/routes.js';
import { deployedSettings, machineArn, ROUTES_ACCOUNT, route } from '../fixtures/routes.js';

const arn = machineArn;

const data = route('data-alerts', {
  match: { stateMachineNamePrefixes: ['data-'] },
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
  mention: '<!subteam^S0DATA>',
});
const payments = route('payments', { match: { stateMachineArns: [arn('payments-settle')] }, stop: true });
const quiet = route('etl-runs', {
  match: { stateMachineNamePrefixes: ['data-', 'payments-'] },
  statuses: ['SUCCEEDED'],
});
const byTag = route('team-ml', { match: { stateMachineNamePrefixes: ['ml-'], tags: { team: 'ml' } } });

const settings = (routes: Route[], allowedChannels?: string[]): DeployedSettings =>
  deployedSettings(routes, allowedChannels ? { allowedChannels } : {});

describe('explainRoutes', () => {
  it('matches by ARN and by name prefix, and says why', () => {
    const [d, p] = explainRoutes([data, payments], { stateMachineArn: arn('data-load'), status: 'FAILED' });
    expect(d).toMatchObject({ matches: true, reason: 'the name starts with "data-", status FAILED' });
    expect(p).toMatchObject({ matches: false, reason: 'data-load is neither listed nor under a prefix' });
    const [, q] = explainRoutes([data, payments], {
      stateMachineArn: arn('payments-settle'),
      status: 'FAILED',
    });
    expect(q).toMatchObject({ matches: true, reason: 'the ARN is listed, status FAILED' });
  });

  it('filters by status', () => {
    const [d] = explainRoutes([data], { stateMachineArn: arn('data-load'), status: 'SUCCEEDED' });
    expect(d).toMatchObject({
      matches: false,
      reason: 'status SUCCEEDED is not in FAILED, TIMED_OUT, ABORTED',
    });
  });

  it('matches tags only when every listed tag has its value', () => {
    const subject = { stateMachineArn: arn('ml-train'), status: 'FAILED' };
    expect(explainRoutes([byTag], { ...subject, tags: { team: 'ml', cost: 'x' } })[0]?.matches).toBe(true);
    expect(explainRoutes([byTag], { ...subject, tags: { team: 'data' } })[0]).toMatchObject({
      matches: false,
      reason: 'tag team is "data", not "ml"',
    });
    expect(explainRoutes([byTag], subject)[0]?.reason).toBe('tag team is absent, not "ml"');
  });

  it('matches accounts and regions from the event when a route lists them', () => {
    const r = route('eu', {
      match: { stateMachineNamePrefixes: ['etl-'], accounts: [ROUTES_ACCOUNT], regions: ['eu-west-1'] },
    });
    const subject = {
      stateMachineArn: arn('etl-a'),
      status: 'FAILED',
      account: ROUTES_ACCOUNT,
      region: 'eu-west-1',
    };
    expect(explainRoutes([r], subject)[0]?.matches).toBe(true);
    expect(explainRoutes([r], { ...subject, region: 'us-east-1' })[0]?.reason).toBe(
      'region us-east-1 is not in eu-west-1'
    );
    expect(explainRoutes([r], { ...subject, account: '999999999999' })[0]?.matches).toBe(false);
  });

  it('stops at the first matching route with stop, and says which later routes were not considered', () => {
    const verdicts = explainRoutes([payments, quiet], {
      stateMachineArn: arn('payments-settle'),
      status: 'SUCCEEDED',
    });
    expect(verdicts.map((v) => [v.route.name, v.matches, v.skipped])).toEqual([
      ['payments', true, false],
      ['etl-runs', false, true],
    ]);
    expect(verdicts[1]?.reason).toBe('not considered: route "payments" matched with stop');
    // A stop route that does not match stops nothing.
    const other = explainRoutes([payments, quiet], {
      stateMachineArn: arn('payments-refund'),
      status: 'SUCCEEDED',
    });
    expect(other.map((v) => v.matches)).toEqual([false, true]);
  });
});

describe('routeDeliveries', () => {
  it('sends one message to each matching destination, in route order, with the route’s template and mention', () => {
    const deliveries = routeDeliveries(settings([data, quiet, byTag]), {
      stateMachineArn: arn('data-load'),
      status: 'FAILED',
    });
    expect(deliveries).toEqual([
      {
        environment: 'prod',
        route: 'data-alerts',
        destination: { type: 'channel', channel: '#data-alerts' },
        template: 'detailed',
        mentionOnFailure: '<!subteam^S0DATA>',
      },
    ]);
    const success = routeDeliveries(settings([data, quiet]), {
      stateMachineArn: arn('data-load'),
      status: 'SUCCEEDED',
    });
    expect(success.map((d) => d.route)).toEqual(['etl-runs']);
  });

  it('sends to several destinations when several routes match, and once per destination', () => {
    const both = route('both', {
      match: { stateMachineNamePrefixes: ['data-'] },
      destination: { type: 'channel', channel: '#all' },
    });
    const sameChannel = route('again', {
      match: { stateMachineNamePrefixes: ['data-'] },
      destination: { type: 'channel', channel: '#all' },
    });
    const deliveries = routeDeliveries(settings([data, both, sameChannel]), {
      stateMachineArn: arn('data-x'),
      status: 'FAILED',
    });
    expect(deliveries.map((d) => [d.route, d.destination])).toEqual([
      ['data-alerts', { type: 'channel', channel: '#data-alerts' }],
      ['both', { type: 'channel', channel: '#all' }],
    ]);
  });

  it('puts no mention on a success', () => {
    const r = route('all', { match: { stateMachineNamePrefixes: ['data-'] }, mention: '<!here>' });
    expect(
      routeDeliveries(settings([r]), { stateMachineArn: arn('data-x'), status: 'SUCCEEDED' })[0]
        ?.mentionOnFailure
    ).toBeUndefined();
  });

  it('applies the channel and mention tags on a route that allows overrides, to an allowed channel only', () => {
    const r = route('ops', { match: { stateMachineNamePrefixes: ['data-'] }, tagOverrides: true });
    const subject = {
      stateMachineArn: arn('data-x'),
      status: 'FAILED',
      tags: { [TAG_KEYS.channel]: '#data-oncall', [TAG_KEYS.mention]: '<@U0OWNER>' },
    };
    const allowed = routeDeliveries(settings([r], ['#ops', '#data-oncall']), subject);
    expect(allowed[0]).toMatchObject({
      destination: { channel: '#data-oncall' },
      mentionOnFailure: '<@U0OWNER>',
    });
    const forbidden = routeDeliveries(settings([r], ['#ops']), subject);
    expect(forbidden[0]).toMatchObject({
      destination: { channel: '#ops' },
      refused: 'tag sfn-slack:channel=#data-oncall is not in allowedChannels',
    });
  });

  it('ignores the tags on a route that does not allow overrides', () => {
    const subject = {
      stateMachineArn: arn('data-x'),
      status: 'FAILED',
      tags: { [TAG_KEYS.channel]: '#data-alerts' },
    };
    const r = route('ops', { match: { stateMachineNamePrefixes: ['data-'] } });
    expect(routeDeliveries(settings([r], ['#ops', '#data-alerts']), subject)[0]?.destination).toEqual({
      type: 'channel',
      channel: '#ops',
    });
  });
});

describe('routesReadTags', () => {
  it('is true only when a route matches on tags or allows overrides', () => {
    expect(routesReadTags([data, payments])).toBe(false);
    expect(routesReadTags([data, byTag])).toBe(true);
    expect(routesReadTags([route('o', { tagOverrides: true })])).toBe(true);
  });
});

describe('derivePattern', () => {
  const scope = { partition: 'aws', account: ROUTES_ACCOUNT, region: 'eu-west-1' };

  it('is the union of the routes’ statuses, ARNs and prefixes, without ARNs a prefix already covers', () => {
    const covered = route('c', { match: { stateMachineArns: [arn('data-load'), arn('nightly')] } });
    expect(derivePattern([data, payments, quiet, covered], scope)).toEqual({
      status: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'],
      // payments-settle is under payments-, data-load under data-.
      stateMachineArn: [
        arn('nightly'),
        { prefix: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:stateMachine:data-` },
        { prefix: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:stateMachine:payments-` },
      ],
    });
  });

  it('measures the deployed pattern against the 2,048-character quota', () => {
    const small = patternSize(derivePattern([data], scope));
    expect(small).toBeLessThan(EVENT_PATTERN_LIMIT);
    const many = route('many', {
      match: { stateMachineArns: Array.from({ length: 40 }, (_, i) => arn(`machine-number-${i}`)) },
    });
    expect(patternSize(derivePattern([many], scope))).toBeGreaterThan(EVENT_PATTERN_LIMIT);
  });
});
