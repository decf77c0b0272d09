import { describe, expect, it } from 'vitest';
import { ConfigError, mutable, parseEnvironment } from '../../contract/settings.js';

const channel = { type: 'channel', channel: '#ops' };
const dataRoute = {
  name: 'data',
  match: { stateMachineNamePrefixes: ['data-'] },
  destination: { channel: '#data-alerts' },
  mention: '<!subteam^S0DATA>',
};

function errorOf(raw: unknown, name = 'prod'): string {
  try {
    parseEnvironment(name, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    // One line, naming the key.
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('routes in cdk.json', () => {
  it('takes at most 10 destinations, the most one SQS batch queues; an 11th is refused at synth', () => {
    const routes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `r${i}`,
        match: { stateMachineNamePrefixes: [`p${i}-`] },
        destination: { channel: `#c${i}` },
      }));
    expect(parseEnvironment('prod', { destination: channel, routes: routes(10) }).routes).toHaveLength(10);
    expect(errorOf({ destination: channel, routes: routes(11) })).toMatch(
      /environments\.prod\.routes name 11 destinations; at most 10 /
    );
  });

  it('fills each route from the environment’s defaults (statuses, template, mention, destination)', () => {
    const config = parseEnvironment('prod', {
      destination: channel,
      statuses: ['FAILED'],
      template: 'compact',
      mentionOnFailure: '<!here>',
      routes: [dataRoute, { name: 'rest', match: { stateMachineNamePrefixes: ['etl-'] } }],
    });
    expect(config.routes.map((r) => [r.name, r.statuses, r.template, r.mention, r.destination])).toEqual([
      ['data', ['FAILED'], 'compact', '<!subteam^S0DATA>', { type: 'channel', channel: '#data-alerts' }],
      ['rest', ['FAILED'], 'compact', '<!here>', { type: 'channel', channel: '#ops' }],
    ]);
    expect(config.allowedChannels).toEqual(['#data-alerts', '#ops']);
    expect(config.readTags).toBe(false);
  });

  it('reads tags when a route matches on them, allows overrides, or mute is on', () => {
    const tagRoute = { ...dataRoute, match: { stateMachineNamePrefixes: ['data-'], tags: { team: 'data' } } };
    expect(parseEnvironment('p', { destination: channel, routes: [tagRoute] }).readTags).toBe(true);
    expect(
      parseEnvironment('p', { destination: channel, routes: [{ ...dataRoute, tagOverrides: true }] }).readTags
    ).toBe(true);
    expect(parseEnvironment('p', { destination: channel, routes: [dataRoute], mute: true }).readTags).toBe(
      true
    );
  });

  it.each([
    [{ destination: channel, routes: [] }, 'environments.prod.routes must be a non-empty list'],
    [
      { destination: channel, stateMachineNamePrefixes: ['etl-'], routes: [dataRoute] },
      'environments.prod.stateMachineNamePrefixes cannot be used with routes; move it into a route\'s "match"',
    ],
    [
      { destination: channel, routes: [{ ...dataRoute, colour: 'red' }] },
      'environments.prod.routes[0].colour is not a route setting',
    ],
    [
      { destination: channel, routes: [{ ...dataRoute, match: {} }] },
      'environments.prod.routes[0].match names no state machine',
    ],
    [
      { destination: channel, routes: [{ ...dataRoute, match: { prefix: 'x' } }] },
      'environments.prod.routes[0].match.prefix is not a match setting',
    ],
    [
      { destination: channel, routes: [dataRoute, dataRoute] },
      'environments.prod.routes[1].name "data" is used twice',
    ],
    [
      { destination: channel, routes: [{ ...dataRoute, stop: 'yes' }] },
      'environments.prod.routes[0].stop is "yes"; use true',
    ],
    [
      { destination: channel, routes: [{ ...dataRoute, statuses: ['FAIL'] }] },
      'environments.prod.routes[0].statuses[0] is "FAIL"',
    ],
    [
      { destination: { type: 'webhook' }, routes: [dataRoute] },
      "environments.prod.routes[0].destination needs the environment's destination to be a channel",
    ],
    [
      { destination: channel, allowedChannels: ['#ops'], routes: [dataRoute] },
      'environments.prod.allowedChannels does not list #data-alerts, which a route sends to',
    ],
  ])('refuses %j in one line naming the key and the fix', (raw, expected) => {
    expect(errorOf(raw)).toContain(expected);
  });
});

describe('templates', () => {
  it('refuses an unknown template name at synth instead of falling back to plain text', () => {
    expect(errorOf({ destination: channel, stateMachineNamePrefixes: ['etl-'], template: 'fancy' })).toBe(
      'cdk.json context environments.prod.template is "fancy" (there is no such template); use detailed or compact, or a path to your own .jsonata file'
    );
  });

  it('takes a custom template path, gives it an id the formatter bundle knows it by', () => {
    const config = parseEnvironment('prod', {
      destination: channel,
      routes: [{ ...dataRoute, template: 'templates/data-team.jsonata' }],
    });
    expect(config.routes[0]?.template).toBe('custom/data-team');
    expect(config.customTemplates).toEqual({ 'data-team': 'templates/data-team.jsonata' });
  });

  it('refuses a custom template outside the project', () => {
    expect(
      errorOf({ destination: channel, stateMachineNamePrefixes: ['etl-'], template: '../x.jsonata' })
    ).toContain('a custom template is a path inside the project');
  });
});

describe('watched machines', () => {
  it('refuses a one-letter (or two-letter) name prefix with the reason', () => {
    expect(errorOf({ destination: channel, stateMachineNamePrefixes: ['e'] })).toBe(
      'cdk.json context environments.prod.stateMachineNamePrefixes[0] "e" is shorter than 3 characters and would watch machines nobody meant; use a longer prefix like "etl-" or list ARNs'
    );
  });

  it('refuses an ARN in another account or region than the environment’s', () => {
    const raw = {
      account: '111122223333',
      region: 'eu-west-1',
      destination: channel,
      stateMachineArns: ['arn:aws:states:us-east-1:444455556666:stateMachine:etl'],
    };
    expect(errorOf(raw)).toContain(
      "stateMachineArns[0] is in account 444455556666 and region us-east-1, not the environment's 111122223333 eu-west-1: its events never reach this stack's bus"
    );
  });

  it('warns when the environment has no account/region to check an ARN against', () => {
    const config = parseEnvironment('dev', {
      destination: channel,
      stateMachineArns: ['arn:aws:states:us-east-1:444455556666:stateMachine:etl'],
    });
    expect(config.warnings).toEqual([
      'cdk.json context environments.dev.stateMachineArns[0]: the environment sets no account/region, so this ARN is watched only if the stack is deployed to 444455556666 us-east-1',
    ]);
  });

  it('refuses routes whose derived rule pattern would pass EventBridge’s 2,048-character quota', () => {
    const arns = Array.from(
      { length: 40 },
      (_, i) => `arn:aws:states:eu-west-1:111122223333:stateMachine:machine-${i}`
    );
    expect(
      errorOf({ account: '111122223333', region: 'eu-west-1', destination: channel, stateMachineArns: arns })
    ).toMatch(
      /^cdk\.json context environments\.prod\.routes derive an EventBridge pattern of about \d+ characters, over its 2048-character quota; replace listed ARNs by name prefixes/
    );
  });
});

describe('mutable: sfn-slack mute or a Mute button, one tag', () => {
  const base = {
    destination: { type: 'channel', channel: 'C0123456789' },
    stateMachineNamePrefixes: ['etl-'],
  };

  it('is on with "mute": true, or when somebody may use the Mute button; the notifier then reads tags', () => {
    const plain = parseEnvironment('a', base);
    const cli = parseEnvironment('b', { ...base, mute: true });
    const buttons = parseEnvironment('c', { ...base, actions: { mute: { users: ['U0ALICE'] } } });
    const redriveOnly = parseEnvironment('d', { ...base, actions: { redrive: { users: ['U0ALICE'] } } });
    expect([plain, cli, buttons, redriveOnly].map(mutable)).toEqual([false, true, true, false]);
    expect([plain, cli, buttons, redriveOnly].map((c) => c.readTags)).toEqual([false, true, true, false]);
  });
});

describe('notifierType: a Standard notifier, or an Express one for high volume', () => {
  const base = {
    destination: { type: 'channel', channel: 'C0123456789' },
    stateMachineNamePrefixes: ['etl-'],
  };

  it('is standard by default and takes "express"', () => {
    expect(parseEnvironment('a', base).notifierType).toBe('standard');
    expect(parseEnvironment('a', { ...base, notifierType: 'express' }).notifierType).toBe('express');
    expect(
      parseEnvironment('a', {
        ...base,
        notifierType: 'express',
        actions: { redrive: { users: ['U0ALICE'] } },
      }).notifierType
    ).toBe('express');
  });

  it('refuses another value, and mute or the Mute button with express, in one line', () => {
    expect(errorOf({ ...base, notifierType: 'EXPRESS' })).toBe(
      'cdk.json context environments.prod.notifierType is "EXPRESS"; use "standard" (the default) or "express"'
    );
    for (const muting of [{ mute: true }, { actions: { mute: { users: ['U0ALICE'] } } }]) {
      expect(errorOf({ ...base, notifierType: 'express', ...muting })).toMatch(
        /notifierType "express" cannot hold a muted machine's notifications/
      );
    }
  });
});
