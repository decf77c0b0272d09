/**
 * infra/constructs/notifier-props.ts: SlackNotifier validates its props first, with the rules of an environment of
 * cdk.json (contract/settings.ts), so a mistake gets the same one-line error on either path.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../contract/routes.js';
import { buildApp } from '../../infra/build-app.js';
import { SlackNotifier, type SlackNotifierProps } from '../../infra/constructs/slack-notifier.js';
import { ConfigError } from '../../infra/index.js';
import { SKIP_BUNDLING, standInApp, synthNotifier, testOutdir } from './helpers.js';

const WATCHED = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
const channel = { type: 'channel', channel: 'C0123456789' } as const;

/** The construct's error for these props (in an eu-west-1 stack of 111122223333), or undefined. */
function constructError(props: Partial<SlackNotifierProps>): Error | undefined {
  const stack = new Stack(standInApp(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  try {
    new SlackNotifier(stack, 'N', {
      environmentName: 'prod',
      destination: channel,
      ...props,
    } as SlackNotifierProps);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** The cdk.json path's error for this environment (`cdk synth -c env=prod` builds the app from the context). */
function cdkJsonError(environment: Record<string, unknown>): Error | undefined {
  try {
    buildApp({
      outdir: testOutdir(),
      context: {
        ...SKIP_BUNDLING,
        env: 'prod',
        environments: {
          prod: { account: '111122223333', region: 'eu-west-1', destination: channel, ...environment },
        },
      },
    });
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** The message after the location: what is wrong and how to fix it. */
const mistake = (error: Error | undefined) =>
  error?.message.replace(/^(cdk\.json context environments\.prod|SlackNotifier props)/, '<where>');

const route = (overrides: Partial<Route> & Pick<Route, 'name'>): Route => ({
  match: { stateMachineArns: [WATCHED], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
  statuses: ['FAILED'],
  destination: { type: 'channel', channel: 'C0123456789' },
  template: 'detailed',
  stop: false,
  tagOverrides: false,
  ...overrides,
});

describe('SlackNotifier props', () => {
  it('are checked before anything is built: a mistake leaves the notifier empty', () => {
    const stack = new Stack(standInApp(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(
      () =>
        new SlackNotifier(stack, 'N', {
          environmentName: 'prod',
          stateMachineArns: [WATCHED],
          destination: { type: 'channel', channel: 'alerts' },
        })
    ).toThrow(ConfigError);
    expect(stack.node.tryFindChild('N')?.node.children).toEqual([]);
  });

  it('refuses a prop the construct does not have, suggesting the one meant', () => {
    const error = constructError({ stateMachineArns: [WATCHED], ...{ stateMachineArn: [WATCHED] } });
    expect(error?.message).toBe(
      'SlackNotifier props.stateMachineArn is not a prop: did you mean stateMachineArns?'
    );
  });

  it('refuses a route that names no state machine, and one whose custom template is not given', () => {
    const empty = route({
      name: 'data',
      match: { stateMachineArns: [], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
    });
    expect(constructError({ routes: [empty] })?.message).toMatch(
      /^SlackNotifier props\.routes\[0\]\.match names no state machine; add stateMachineArns or stateMachineNamePrefixes/
    );
    expect(constructError({ routes: [route({ name: 'data', template: 'custom/team' })] })?.message).toBe(
      'SlackNotifier props.routes[0].template is "custom/team", which names no customTemplates entry; add customTemplates: { "team": "<path>.jsonata" }, or use a built-in template'
    );
  });

  it('takes routes as cdk.json does: no machines beside them, the environment mention for a route without one', () => {
    expect(constructError({ routes: [route({ name: 'data' })], stateMachineArns: [WATCHED] })?.message).toBe(
      `SlackNotifier props.stateMachineArns cannot be used with routes; move it into a route's "match" (each route says which machines it takes)`
    );
    const { notifier } = synthNotifier({
      destination: channel,
      mentionOnFailure: '<!here>',
      routes: [route({ name: 'data' }), route({ name: 'ops', mention: '<@U0123ABCD>' })],
    });
    expect(notifier.settings.routes.map((r) => r.mention)).toEqual(['<!here>', '<@U0123ABCD>']);
  });

  it('refuses what cdk.json cannot hold: a receive count SQS does not allow, a token where a setting goes', () => {
    expect(constructError({ stateMachineArns: [WATCHED], maxReceiveCount: 0 })?.message).toMatch(
      /^SlackNotifier props\.maxReceiveCount is 0; use a whole number of deliveries from 1 to 1000/
    );
    const stack = new Stack(standInApp(), 'T');
    expect(
      () =>
        new SlackNotifier(stack, 'N', {
          environmentName: 'prod',
          stateMachineArns: [new events.EventBus(stack, 'Bus').eventBusArn],
          destination: channel,
        })
    ).toThrow(/^SlackNotifier props\.stateMachineArns\[0\] is a token/);
  });

  it('names the prop where its cdk.json key is called otherwise (watchedKmsKeyArns, central)', () => {
    expect(
      constructError({ stateMachineArns: [WATCHED], watchedKmsKeyArns: ['alias/etl'] })?.message
    ).toMatch(/^SlackNotifier props\.watchedKmsKeyArns\[0\] is "alias\/etl"; use KMS key ARNs/);
  });

  it('warns, as a CDK warning on the notifier, what the cdk.json rules warn about', () => {
    const { stack } = synthNotifier({
      stateMachineArns: [WATCHED],
      destination: channel,
      actions: {
        policy: {
          redrive: { users: ['U0ALICE'], userGroups: [] },
          stop: { users: [], userGroups: [] },
          mute: { users: [], userGroups: [] },
        },
      },
    });
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Notifier',
      Match.stringLikeRegexp(
        '^SlackNotifier props\\.actions has no teamId: clicks are checked by signature only'
      )
    );
  });

  it('accepts the props of a valid environment, and builds from the validated routes', () => {
    const { notifier } = synthNotifier({ stateMachineArns: [WATCHED], destination: channel });
    expect(notifier.settings.routes).toEqual([
      expect.objectContaining({ name: 'default', statuses: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'] }),
    ]);
  });

  // One rule set: each mistake, made in cdk.json and in the props, gets the same words after its location.
  it.each([
    ['a channel that is no channel', { destination: { type: 'channel', channel: 'alerts' } }],
    ['a name prefix too short', { stateMachineNamePrefixes: ['e'] }],
    ['a duration that is not ISO 8601', { stateMachineArns: [WATCHED], runningLongerThan: 'two hours' }],
    ['an unknown status', { stateMachineArns: [WATCHED], statuses: ['FAILED', 'BROKEN'] }],
    ['a watched ARN of another region', { stateMachineArns: [WATCHED.replace('eu-west-1', 'us-east-1')] }],
    ['express with mute', { stateMachineArns: [WATCHED], notifierType: 'express', mute: true }],
    [
      'a storm threshold out of range',
      { stateMachineArns: [WATCHED], storm: { threshold: -1, window: 'PT5M' } },
    ],
    ['nothing watched', {}],
  ])('%s: the cdk.json path and the construct say the same', (_, environment) => {
    const fromCdkJson = cdkJsonError(environment);
    const props =
      'storm' in environment
        ? { ...environment, storm: { threshold: -1, windowSeconds: 300 } }
        : (environment as Partial<SlackNotifierProps>);
    const fromConstruct = constructError(props);
    expect(fromCdkJson).toBeInstanceOf(ConfigError);
    expect(fromConstruct).toBeInstanceOf(ConfigError);
    expect(fromCdkJson?.message.startsWith('cdk.json context environments.prod')).toBe(true);
    expect(fromConstruct?.message.startsWith('SlackNotifier props')).toBe(true);
    expect(mistake(fromConstruct)).toBe(mistake(fromCdkJson));
  });
});
