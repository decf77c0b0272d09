import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it, vi } from 'vitest';
import type { Route } from '../../contract/routes.js';
import { LAYER_DIR, TEMPLATES_DIR_ENV } from '../../contract/templates.js';
import { compileTemplate } from '../../formatters/formatter/render/templates.js';
import { machineArn, ROUTES_ACCOUNT, route } from '../fixtures/routes.js';
import { grants, logicalId, statementsOfRole, synthNotifier } from './helpers.js';

const ARN = machineArn;

const routes = [
  route('payments', { match: { stateMachineArns: [ARN('payments-settle')] }, stop: true }),
  route('data', { match: { stateMachineNamePrefixes: ['data-'], tags: { team: 'data' } } }),
  route('etl-runs', { match: { stateMachineNamePrefixes: ['etl-'] }, statuses: ['SUCCEEDED'] }),
];

function notifierRoleStatements(synth: ReturnType<typeof synthNotifier>) {
  return statementsOfRole(synth.template, logicalId(synth.stack, synth.notifier.notifierStateMachine.role));
}

/** The formatter decides routes, tags and mutes (formatters/formatter/notify.ts): it holds those grants. */
function formatterRoleStatements(synth: ReturnType<typeof synthNotifier>) {
  return statementsOfRole(synth.template, logicalId(synth.stack, synth.notifier.formatter.role as never));
}

describe('the EventBridge rule derived from the routes', () => {
  const synth = synthNotifier({ destination: { type: 'channel', channel: '#ops' }, routes });

  it('matches the union of the routes’ statuses and machines, never the notifier itself', () => {
    const rules = Object.values(synth.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const pattern = rules[0]?.Properties.EventPattern;
    expect(pattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED']);
    expect(pattern.detail.stateMachineArn).toEqual([
      ARN('payments-settle'),
      { prefix: ARN('data-') },
      { prefix: ARN('etl-') },
    ]);
    expect(pattern.resources[0]['anything-but'].prefix).toBeDefined();
    // Only this account's events: an event naming another account's execution is never read.
    expect(pattern.account).toEqual([ROUTES_ACCOUNT]);
  });

  it('writes every route, in order, into the notifier’s settings', () => {
    expect(synth.notifier.settings.routes.map((r) => r.name)).toEqual(['payments', 'data', 'etl-runs']);
    expect(synth.notifier.settings.allowedChannels).toEqual(['#payments', '#data', '#etl-runs']);
  });
});

describe('tags', () => {
  it('are read by the formatter (and the mute count kept in the store) only when a route needs them or mute is on', () => {
    const without = synthNotifier({
      destination: { type: 'channel', channel: '#ops' },
      routes: [routes[0] as Route],
    });
    expect(without.notifier.settings.readTags).toBe(false);
    expect(grants(formatterRoleStatements(without), 'states:ListTagsForResource')).toEqual([]);
    expect(grants(formatterRoleStatements(without), 'dynamodb:UpdateItem')).toEqual([]);

    const withTags = synthNotifier({ destination: { type: 'channel', channel: '#ops' }, routes });
    expect(withTags.notifier.settings.readTags).toBe(true);
    const statements = formatterRoleStatements(withTags);
    const list = grants(statements, 'states:ListTagsForResource');
    expect(list).toHaveLength(1);
    // Scoped to the watched state machines, not '*'.
    expect(JSON.stringify(list[0]?.Resource)).toContain('stateMachine:payments-settle');
    expect(JSON.stringify(list[0]?.Resource)).toContain('stateMachine:data-*');
    expect(list[0]?.Resource).not.toContain('*');
    // The notifier role reads no tag and touches no store item: the formatter decides.
    for (const action of ['states:ListTagsForResource', 'dynamodb:UpdateItem']) {
      expect(grants(notifierRoleStatements(withTags), action)).toEqual([]);
    }
    // The formatter writes no tag: the held count is an atomic ADD in the message store.
    expect(grants(statements, 'states:TagResource')).toEqual([]);
    expect(grants(statements, 'states:UntagResource')).toEqual([]);
    const count = grants(statements, 'dynamodb:UpdateItem');
    expect(count.map((s) => [s.Action, s.Condition])).toEqual([
      ['dynamodb:UpdateItem', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['mute#*'] } }],
    ]);
    const table = logicalId(withTags.stack, withTags.notifier.messageStore.table);
    expect(count[0]?.Resource).toEqual({ 'Fn::GetAtt': [table, 'Arn'] });
    expect(
      statements.flatMap((s) => [s.Action].flat()).filter((a) => String(a).startsWith('dynamodb:'))
    ).toEqual(['dynamodb:UpdateItem']);

    const mute = synthNotifier({
      destination: { type: 'channel', channel: '#ops' },
      routes: [routes[0] as Route],
      mute: true,
    });
    expect(grants(formatterRoleStatements(mute), 'states:ListTagsForResource')).toHaveLength(1);
    expect(grants(formatterRoleStatements(mute), 'dynamodb:UpdateItem')).toHaveLength(1);
  });
});

describe('deduplication per destination', () => {
  it('the queue deduplicates within a message group (the destination), so each channel gets its message', () => {
    const synth = synthNotifier({ destination: { type: 'channel', channel: '#ops' }, routes });
    const queues = Object.values(synth.template.findResources('AWS::SQS::Queue')).filter(
      (q) => q.Properties.RedrivePolicy !== undefined
    );
    expect(queues).toHaveLength(1);
    expect(queues[0]?.Properties).toMatchObject({
      FifoQueue: true,
      DeduplicationScope: 'messageGroup',
      VisibilityTimeout: 360,
    });
  });
});

describe('custom templates', () => {
  it('are compiled at synth: a syntax error fails the synth naming the file and the position', () => {
    expect(() =>
      synthNotifier({
        destination: { type: 'channel', channel: '#ops' },
        routes: [route('x', { match: { stateMachineNamePrefixes: ['etl-'] }, template: 'custom/broken' })],
        customTemplates: { broken: 'test/fixtures/infra/broken.jsonata' },
      })
    ).toThrow(
      /^SlackNotifier: custom template test\/fixtures\/infra\/broken\.jsonata \(custom\/broken\) does not compile: .* at position \d+$/
    );
  });

  it('ride in a layer the formatter reads, so the prebuilt formatter of the installed package has them too', () => {
    // formatterCode is prebuilt code, as the package's formatter is: no bundling step could copy a template in.
    const synth = synthNotifier({
      destination: { type: 'channel', channel: '#ops' },
      routes: [route('x', { match: { stateMachineNamePrefixes: ['etl-'] }, template: 'custom/layered' })],
      customTemplates: { layered: 'examples/templates/quiet.jsonata' },
    });
    const layers = synth.template.findResources('AWS::Lambda::LayerVersion');
    expect(Object.keys(layers)).toHaveLength(1);
    const [layerId, layer] = Object.entries(layers)[0] as [string, { Properties: Record<string, unknown> }];
    expect(layer.Properties).toMatchObject({
      CompatibleRuntimes: ['nodejs24.x'],
      CompatibleArchitectures: ['arm64'],
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Layers: [{ Ref: layerId }],
      Environment: { Variables: Match.objectLike({ [TEMPLATES_DIR_ENV]: LAYER_DIR }) },
    });
    // The layer's asset holds custom/<id>.jsonata, where the formatter looks for the name the settings carry.
    const key = (layer.Properties.Content as { S3Key: string }).S3Key;
    const assembly = (synth.stack.node.root as App).synth();
    const staged = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    expect(existsSync(path.join(staged, 'custom', 'layered.jsonata'))).toBe(true);
    expect(readFileSync(path.join(staged, 'custom', 'layered.jsonata'), 'utf8')).toBe(
      readFileSync('examples/templates/quiet.jsonata', 'utf8')
    );
    vi.stubEnv(TEMPLATES_DIR_ENV, staged);
    try {
      expect(typeof compileTemplate('custom/layered').evaluate).toBe('function');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('add no layer when no route names one', () => {
    const synth = synthNotifier({
      destination: { type: 'channel', channel: '#ops' },
      stateMachineNamePrefixes: ['etl-'],
    });
    synth.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
  });

  it('that read the execution data make the notifier pass it', () => {
    const synth = synthNotifier({
      destination: { type: 'channel', channel: '#ops' },
      routes: [route('x', { match: { stateMachineNamePrefixes: ['etl-'] }, template: 'custom/quiet' })],
      customTemplates: { quiet: 'examples/templates/quiet.jsonata' },
    });
    expect(synth.notifier.settings.executionData).toBe(false);
  });
});
