/** SlackActions: the function URL, the signing secret, the actions machine, and least privilege on each. */
import { readFileSync } from 'node:fs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  type ActionsPolicy,
  INTERACTIVITY_ENV,
  REQUEST_PARTITION,
  SLACK_ACTION_METHODS,
} from '../../contract/actions.js';
import { ACTIONS_STATE_MACHINE_FILE } from '../../infra/constructs/slack-actions.js';
import { actions, grants, logicalId, statementsOfRole, synthNotifier } from './helpers.js';

const policy: ActionsPolicy = {
  redrive: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
  stop: { users: ['U0ALICE'], userGroups: [] },
  mute: { users: [], userGroups: [] },
};
const synth = synthNotifier({
  stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
  stateMachineNamePrefixes: ['etl-'],
  destination: { type: 'channel', channel: 'C0123456789' },
  actions: { policy, teamId: 'T0123TEAM', appId: 'A0123APP' },
});
const without = synthNotifier({
  stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
  destination: { type: 'channel', channel: 'C0123456789' },
});
const muteOnly = synthNotifier({
  stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
  stateMachineNamePrefixes: ['etl-'],
  destination: { type: 'channel', channel: 'C0123456789' },
  actions: {
    policy: {
      ...policy,
      redrive: { users: [], userGroups: [] },
      stop: { users: [], userGroups: [] },
      mute: { users: ['U0ALICE'], userGroups: [] },
    },
  },
});
const muteOnlyRef = logicalId(muteOnly.stack, muteOnly.notifier.actions?.stateMachine.role as IConstruct);
const a = synth.notifier.actions;
if (!a) throw new Error('actions were not built');
const ref = (construct: IConstruct) => logicalId(synth.stack, construct);
const functionStatements = () => statementsOfRole(synth.template, ref(a.function.role as IConstruct));
const machineStatements = () => statementsOfRole(synth.template, ref(a.stateMachine.role as IConstruct));
const executions = [
  'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:*',
  'arn:aws:states:eu-west-1:111122223333:execution:etl-*',
];

describe('interactivity endpoint', () => {
  it('is a function URL without AWS auth (Slack cannot sign SigV4): the function checks the Slack signature', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    synth.template.resourceCountIs('AWS::Lambda::Url', 1);
    without.template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('arm64, Node.js 24, answers well within Slack 3 s, with its settings in the environment', () => {
    const fn = Object.values(synth.template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.[INTERACTIVITY_ENV.policy] !== undefined
    );
    expect(fn?.Properties).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x', Timeout: 10 });
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.parse(variables[INTERACTIVITY_ENV.policy] as string)).toEqual(policy);
    expect(synth.stack.resolve(variables[INTERACTIVITY_ENV.watched])).toEqual(
      JSON.stringify([
        'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
        'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*',
      ])
    );
    // The workspace and app the clicks must come from (formatters/actions/handler.ts reads them).
    expect(variables[INTERACTIVITY_ENV.teamId]).toBe('T0123TEAM');
    expect(variables[INTERACTIVITY_ENV.appId]).toBe('A0123APP');
    const unpinned = Object.values(muteOnly.template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.[INTERACTIVITY_ENV.policy] !== undefined
    );
    expect(unpinned?.Properties.Environment.Variables).not.toHaveProperty(INTERACTIVITY_ENV.teamId);
  });

  it('may read only its signing secret, put only replay-guard items, start only the actions machine', () => {
    const statements = functionStatements();
    const secrets = grants(statements, 'secretsmanager:GetSecretValue');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Resource).toEqual({ Ref: ref(a.signingSecret as IConstruct) });
    const puts = grants(statements, 'dynamodb:PutItem');
    expect(puts).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [ref(synth.notifier.messageStore.table), 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [REQUEST_PARTITION] } },
      }),
    ]);
    expect(grants(statements, 'states:StartExecution')).toEqual([
      expect.objectContaining({ Resource: { Ref: ref(a.stateMachine) } }),
    ]);
    const all = statements.flatMap(actions);
    expect(all.filter((x) => x.startsWith('states:'))).toEqual(['states:StartExecution']);
    expect(all).not.toContain('states:RedriveExecution');
  });
});

describe('actions state machine', () => {
  it('is Standard, logs every state without execution data by default, traces, and is the file itself with its placeholders filled', () => {
    const actionsMachine = (synthesized: typeof synth) => {
      const machine = synthesized.notifier.actions?.stateMachine as IConstruct;
      const all = synthesized.template.toJSON().Resources as Record<
        string,
        { Properties: Record<string, unknown> }
      >;
      return all[logicalId(synthesized.stack, machine)];
    };
    expect(actionsMachine(synth)?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    // The click, the clicked message and a cause are kept only when the environment asks (logExecutionData).
    const debugging = synthNotifier({
      stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
      destination: { type: 'channel', channel: 'C0123456789' },
      actions: { policy },
      logExecutionData: true,
    });
    expect(actionsMachine(debugging)?.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: true,
    });
    const text = readFileSync(ACTIONS_STATE_MACHINE_FILE, 'utf8');
    const placeholders = new Set([...text.matchAll(/\$\{([A-Za-z]+)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(a.substitutions).sort());
    expect(JSON.parse(`"${a.substitutions.ActionsPolicy}"`)).toBe(JSON.stringify(policy));
  });

  it('may redrive and stop only the watched machines executions, nothing else in Step Functions', () => {
    const statements = machineStatements();
    const sfnStatements = statements.filter((s) =>
      actions(s).some((x) => x.startsWith('states:') && x !== 'states:InvokeHTTPEndpoint')
    );
    expect(sfnStatements).toHaveLength(1);
    expect(actions(sfnStatements[0] as never).sort()).toEqual([
      'states:RedriveExecution',
      'states:StopExecution',
    ]);
    expect(synth.stack.resolve(sfnStatements[0]?.Resource)).toEqual(executions);
  });

  it('writes only claim items in the table (a mute is a tag, not an item)', () => {
    const statements = machineStatements().filter((s) => actions(s).some((x) => x.startsWith('dynamodb:')));
    expect(statements.map((s) => [actions(s).sort(), s.Condition])).toEqual([
      [
        ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['action#*'] } },
      ],
    ]);
  });

  it('with only Mute enabled: TagResource of the sfn-slack:mute-until key on the watched machines, no redrive or stop; the notifier reads tags', () => {
    const statements = statementsOfRole(muteOnly.template, muteOnlyRef).filter((s) =>
      actions(s).some((x) => x.startsWith('states:') && x !== 'states:InvokeHTTPEndpoint')
    );
    expect(statements.map((s) => [actions(s), s.Condition])).toEqual([
      [['states:TagResource'], { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['sfn-slack:mute-until'] } }],
    ]);
    expect(muteOnly.stack.resolve(statements[0]?.Resource)).toEqual([
      'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
      'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*',
    ]);
    expect(muteOnly.notifier.settings.readTags).toBe(true);
    expect(synth.notifier.settings.readTags).toBe(false);
  });

  it('calls only the four Slack methods, through the connection: POST by exact URL, GET (query parameters) with StringLike and a trailing *', () => {
    const http = grants(machineStatements(), 'states:InvokeHTTPEndpoint');
    const endpoints = http.flatMap((s) => {
      const condition = s.Condition as Record<string, Record<string, string | string[]>>;
      const method = condition.StringEquals?.['states:HTTPMethod'] as string;
      const exact = condition.StringEquals?.['states:HTTPEndpoint'];
      const like = condition.StringLike?.['states:HTTPEndpoint'];
      const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      return [
        ...list(exact).map((url) => `${method} ${url}`),
        ...list(like).map((url) => `${method} like ${url}`),
      ];
    });
    expect(endpoints.sort()).toEqual(
      SLACK_ACTION_METHODS.map((m) =>
        m.method === 'GET' ? `GET like ${m.url}*` : `${m.method} ${m.url}`
      ).sort()
    );
    expect(grants(machineStatements(), 'events:RetrieveConnectionCredentials')).toHaveLength(1);
  });

  it('shows the buttons only when actions are set: the formatter gets the enabled actions', () => {
    expect(synth.notifier.settings.actions).toEqual(['redrive', 'stop']);
    expect(without.notifier.settings.actions).toEqual([]);
  });

  it('refuses actions with a webhook destination (the message cannot be edited)', () => {
    expect(() =>
      synthNotifier({
        stateMachineArns: ['arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl'],
        destination: { type: 'webhook', parameterName: '/test/SLACK_URL' },
        actions: { policy },
      })
    ).toThrow(
      'SlackNotifier props.actions needs a channel destination (buttons edit the message, which a webhook cannot)'
    );
  });
});
