/**
 * infra/source-roles.ts: a central environment's notifier definition. The states that read the watched
 * execution get task Credentials; run on the local runner, each execution is read with its own account's and
 * region's read role, the role the source stack creates.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NotifierSettings } from '../../contract/formatter.js';
import type { DeployedSettings, Route } from '../../contract/routes.js';
import { fillJsonValues } from '../../infra/json-values.js';
import {
  ACT_IN_REGION_PLACEHOLDER,
  ACTS_IN_OTHER_REGIONS,
  actionRoleArn,
  actionRoleName,
  READ_IN_SOURCE_REGION_STATE,
  readRoleArn,
  readRoleCredentials,
  readRoleName,
  SOURCE_REGION_STATE,
  sourceReadingStates,
  sourceRoleCredentials,
  TAGS_IN_SOURCE_REGION_STATE,
  TAGS_REGION_STATE,
  withSourceCredentials,
} from '../../infra/source-roles.js';
import { runStateMachine, substitute, type TaskInvocation, VirtualClock } from '../../local/asl/index.js';
import { evaluate, notifierStoreSubstitutions } from '../statemachines/asl-helpers.js';
import { repoRoot } from './helpers.js';

const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

const file = () => readFileSync(path.join(repoRoot, 'statemachines', 'notifier.asl.json'), 'utf8');
/** The notifier as the central environment `org` deploys it, with these settings. */
const centralNotifier = (settings: DeployedSettings) =>
  substitute(withSourceCredentials(fillJsonValues(file(), { Settings: settings }), 'org'), {
    FormatterFunctionArn: 'arn:aws:lambda:eu-west-1:444455556666:function:formatter',
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/444455556666/notify.fifo',
    ...notifierStoreSubstitutions('store'),
  });

describe('withSourceCredentials', () => {
  const central = withSourceCredentials(file(), 'org');
  const states = (JSON.parse(central) as { States: Record<string, Record<string, unknown>> }).States;

  it('gives Credentials to every state that calls Step Functions about the execution, and to no other', () => {
    const reading = sourceReadingStates(file());
    // The tag states too: in a central environment they run with the source account's read role, which may
    // list tags (infra/constructs/source-access.ts), so routes read the tags of an execution of this region.
    // The mute count is in the central store (DynamoDB), never with a source role.
    expect(reading).toEqual(['Tags', 'RecheckMute', 'Describe', 'FetchHistory']);
    for (const [name, state] of Object.entries(states)) {
      expect(state.Credentials, name).toEqual(
        reading.includes(name) ? readRoleCredentials('org') : undefined
      );
    }
  });

  it('changes nothing else: placeholders, expressions and every other field as in the file', () => {
    const original = JSON.parse(file()) as { States: Record<string, Record<string, unknown>> };
    for (const [name, state] of Object.entries(original.States)) {
      const { Credentials: _, ...rest } = states[name] ?? {};
      // Every way into the reads goes to the region gate instead: one route, several, a mute not counted; and
      // every way into Tags to the tags' region gate.
      const gated = JSON.parse(
        JSON.stringify(state)
          .replaceAll('"Next":"Describe"', `"Next":"${SOURCE_REGION_STATE}"`)
          .replaceAll('"Default":"Describe"', `"Default":"${SOURCE_REGION_STATE}"`)
          .replaceAll('"Next":"Tags"', `"Next":"${TAGS_REGION_STATE}"`)
      );
      expect(rest, name).toEqual(gated);
    }
    expect(Object.keys(states).filter((name) => !(name in original.States))).toEqual([
      SOURCE_REGION_STATE,
      READ_IN_SOURCE_REGION_STATE,
      TAGS_REGION_STATE,
      TAGS_IN_SOURCE_REGION_STATE,
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a definition placeholder, left for the construct to fill
    expect(central).toContain('${FormatterFunctionArn}');
  });

  it('after routing, sends an execution of another region to the formatter, with nothing read yet', () => {
    const machine = JSON.parse(central) as { StartAt: string };
    expect(machine.StartAt).toBe('Settings');
    expect(states.Triage?.Default).toBe(SOURCE_REGION_STATE);
    expect((states.SingleRoute as { Choices: Array<{ Next: string }> }).Choices[0]?.Next).toBe(
      SOURCE_REGION_STATE
    );
    expect((states.CountHeld as { Catch: Array<{ Next: string }> }).Catch[0]?.Next).toBe(SOURCE_REGION_STATE);
    expect(JSON.stringify(Object.entries(states).filter(([n]) => n !== SOURCE_REGION_STATE))).not.toContain(
      '"Next":"Describe"'
    );
    const gate = states[SOURCE_REGION_STATE] as { Choices: Array<{ Next: string }>; Default: string };
    expect(gate.Choices.map((c) => c.Next)).toEqual(['Describe']);
    expect(gate.Default).toBe(READ_IN_SOURCE_REGION_STATE);
    expect(states[READ_IN_SOURCE_REGION_STATE]).toMatchObject({
      Type: 'Pass',
      Output: { readHistory: true },
      Next: 'MorePages',
    });
  });

  it('passes asl-validator', () => {
    const result = validateAsl(JSON.parse(central));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('refuses an environment name that could end the JSONata string it sits in', () => {
    expect(() => readRoleCredentials("org' & $x & '")).toThrow(/only letters, digits and "-"/);
  });

  it('names each region its own role (one IAM name space per account)', () => {
    expect(readRoleName('org', 'eu-west-1')).toBe('sfn-slack-org-read-eu-west-1');
    expect(readRoleArn('aws-cn', '111122223333', 'org', 'cn-north-1')).toBe(
      'arn:aws-cn:iam::111122223333:role/sfn-slack-org-read-cn-north-1'
    );
  });
});

describe('the central notifier on the local runner', () => {
  const settings: DeployedSettings = {
    environment: 'org',
    destinationType: 'channel',
    routes: [
      {
        name: 'default',
        match: {
          stateMachineArns: [],
          stateMachineNamePrefixes: ['etl'],
          tags: {},
          accounts: [],
          regions: [],
        },
        statuses: ['FAILED'],
        destination: { type: 'channel', channel: 'C0TEST' },
        template: 'detailed',
        stop: false,
        tagOverrides: false,
      },
    ],
    allowedChannels: ['C0TEST'],
    readTags: false,
    executionData: false,
  };
  const definition = centralNotifier(settings);

  const eventFrom = (account: string, region: string, partition = 'aws') => ({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    region,
    detail: {
      executionArn: `arn:${partition}:states:${region}:${account}:execution:etl:run-1`,
      stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:etl`,
      name: 'run-1',
      status: 'FAILED',
      redriveCount: 0,
    },
  });

  const NOTIFIER = 'arn:aws:states:eu-west-1:444455556666:stateMachine:notifier';

  async function run(event: unknown, notifierArn = NOTIFIER) {
    const calls: TaskInvocation[] = [];
    const record = (answer: unknown) => async (task: TaskInvocation) => {
      calls.push(task);
      return answer;
    };
    const result = await runStateMachine(definition, event, {
      resources: {
        'arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution': record({ Definition: '{}' }),
        'arn:aws:states:::aws-sdk:sfn:getExecutionHistory': record({ Events: [] }),
        'arn:aws:states:::lambda:invoke': record({
          Payload: { kind: 'message', delivery: {}, messageGroupId: 'C0TEST', deduplicationId: 'd' },
        }),
        'arn:aws:states:::sqs:sendMessage': record({ MessageId: 'm-1' }),
      },
      clock: new VirtualClock(),
      stateMachineArn: notifierArn,
    });
    expect(result.status).toBe('SUCCEEDED');
    const roles = Object.fromEntries(calls.map((call) => [call.stateName, call.credentials?.roleArn]));
    const format = calls.find((call) => call.stateName === 'FormatRoute');
    return {
      roles,
      payload: (format?.arguments as { Payload?: Record<string, unknown> } | undefined)?.Payload ?? {},
      result,
    };
  }

  it.each([
    ['111122223333', 'eu-west-1'],
    ['777788889999', 'eu-west-1'],
  ])(
    'reads an execution of %s in %s (its own region) with that account read role only',
    async (account, region) => {
      const { roles } = await run(eventFrom(account, region));
      const role = `arn:aws:iam::${account}:role/sfn-slack-org-read-${region}`;
      expect(roles).toEqual({
        Describe: role,
        FetchHistory: role,
        FormatRoute: undefined,
        Enqueue: undefined,
      });
    }
  );

  it('sends an execution of another region to the formatter to read, with no SDK read', async () => {
    const { roles, payload, result } = await run(eventFrom('111122223333', 'us-east-1'));
    expect(roles).toEqual({ FormatRoute: undefined, Enqueue: undefined });
    expect(payload.readHistory).toBe(true);
    expect(payload.pages).toBeUndefined();
    expect((payload.event as { region: string }).region).toBe('us-east-1');
    // Routing (Settings, Route, SingleRoute), SourceRegion, ReadInSourceRegion, MorePages, Notify and its
    // iteration (RouteStart, FormatRoute, Enqueue).
    expect(result.stateTransitions).toBe(10);
  });

  it("takes the partition from the notifier's own ARN, never from the event", async () => {
    const { roles } = await run(
      eventFrom('111122223333', 'cn-north-1', 'aws'),
      'arn:aws-cn:states:cn-north-1:444455556666:stateMachine:notifier'
    );
    expect(roles.FetchHistory).toBe('arn:aws-cn:iam::111122223333:role/sfn-slack-org-read-cn-north-1');
  });
});

describe('the central notifier reads tags with the source account read role (issue 15)', () => {
  const route = (name: string, channel: string, over: Partial<Route>): Route => ({
    name,
    match: { stateMachineArns: [], stateMachineNamePrefixes: ['etl'], tags: {}, accounts: [], regions: [] },
    statuses: ['FAILED'],
    destination: { type: 'channel', channel },
    template: 'detailed',
    stop: false,
    tagOverrides: false,
    ...over,
  });
  const settings: DeployedSettings = {
    environment: 'org',
    destinationType: 'channel',
    routes: [
      route('data', 'C0DATA', {
        match: {
          stateMachineArns: [],
          stateMachineNamePrefixes: ['etl'],
          tags: { team: 'data' },
          accounts: [],
          regions: [],
        },
        stop: true,
      }),
      route('rest', 'C0REST', {}),
    ],
    allowedChannels: ['C0DATA', 'C0REST'],
    readTags: true,
    executionData: false,
  };
  const definition = centralNotifier(settings);

  it.each([
    ['data', 'C0DATA', 'eu-west-1'],
    ['ml', 'C0REST', 'eu-west-1'],
    ['data', 'C0DATA', 'us-east-1'],
    ['ml', 'C0REST', 'us-east-1'],
  ])(
    'routes an execution of a source account by its machine tag team=%s (to %s), run in %s',
    async (team, channel, region) => {
      const calls: TaskInvocation[] = [];
      const tagList = [{ Key: 'team', Value: team }];
      const record = (answer: (task: TaskInvocation) => unknown) => async (task: TaskInvocation) => {
        calls.push(task);
        return answer(task);
      };
      const account = '111122223333';
      const machine = `arn:aws:states:${region}:${account}:stateMachine:etl`;
      const result = await runStateMachine(
        definition,
        {
          'detail-type': 'Step Functions Execution Status Change',
          source: 'aws.states',
          account,
          region,
          detail: {
            executionArn: `arn:aws:states:${region}:${account}:execution:etl:run-1`,
            stateMachineArn: machine,
            name: 'run-1',
            status: 'FAILED',
          },
        },
        {
          resources: {
            'arn:aws:states:::aws-sdk:sfn:listTagsForResource': record(() => ({ Tags: tagList })),
            'arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution': record(() => ({
              Definition: '{}',
            })),
            'arn:aws:states:::aws-sdk:sfn:getExecutionHistory': record(() => ({ Events: [] })),
            // The formatter: the tags of a machine of another region (readTags), else a message.
            'arn:aws:states:::lambda:invoke': record((task) =>
              (task.arguments as { Payload: { readTags?: boolean } }).Payload.readTags
                ? { Payload: { kind: 'tags', Tags: tagList } }
                : {
                    Payload: { kind: 'message', delivery: {}, messageGroupId: channel, deduplicationId: 'd' },
                  }
            ),
            'arn:aws:states:::sqs:sendMessage': record(() => ({ MessageId: 'm-1' })),
          },
          clock: new VirtualClock(),
          stateMachineArn: 'arn:aws:states:eu-west-1:444455556666:stateMachine:notifier',
        }
      );
      expect(result.status).toBe('SUCCEEDED');
      const role = `arn:aws:iam::${account}:role/sfn-slack-org-read-${region}`;
      if (region === 'eu-west-1') {
        // The notifier's own region: its Tags state, with the account's read role.
        const tags = calls.find((call) => call.stateName === 'Tags');
        expect(tags?.arguments).toEqual({ ResourceArn: machine });
        expect(tags?.credentials?.roleArn).toBe(role);
        expect(calls.some((call) => call.stateName === TAGS_IN_SOURCE_REGION_STATE)).toBe(false);
      } else {
        // Another region: no SDK call there; the formatter reads the tags (with the same role, in that region).
        expect(calls.some((call) => call.stateName === 'Tags')).toBe(false);
        const asked = calls.find((call) => call.stateName === TAGS_IN_SOURCE_REGION_STATE);
        expect(asked).toBeDefined();
        const { Payload: payload } = (asked as TaskInvocation).arguments as {
          Payload: { readTags: boolean; event: Record<string, unknown> };
        };
        expect(payload.readTags).toBe(true);
        expect(payload.event).toMatchObject({ account, region, detail: { stateMachineArn: machine } });
      }
      const formats = calls.filter((call) => call.stateName === 'FormatRoute');
      expect(
        formats.map(
          (call) => (call.arguments as { Payload: { settings: NotifierSettings } }).Payload.settings
        )
      ).toEqual([expect.objectContaining({ destination: { type: 'channel', channel } })]);
    }
  );
});

describe('the action role for the actions machine', () => {
  it('builds the action role ARN the source stack creates when actions are enabled', async () => {
    // Built from the execution ARN in the machine's input: its partition, account and region.
    const roleArn = await evaluate(sourceRoleCredentials('org', 'act').RoleArn, {
      context: {
        Execution: {
          Input: { executionArn: 'arn:aws-cn:states:cn-north-1:111122223333:execution:etl:run-1' },
        },
      },
    });
    expect(roleArn).toBe('arn:aws-cn:iam::111122223333:role/sfn-slack-org-act-cn-north-1');
    expect(roleArn).toBe(actionRoleArn('aws-cn', '111122223333', 'org', 'cn-north-1'));
    const machine = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Redrive',
      States: {
        Redrive: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:redriveExecution', End: true },
      },
    });
    const states = JSON.parse(withSourceCredentials(machine, 'org', 'act')).States;
    expect(states.Redrive.Credentials).toEqual(sourceRoleCredentials('org', 'act'));
    expect(actionRoleName('org', 'eu-west-1')).toBe('sfn-slack-org-act-eu-west-1');
  });
});

describe('the actions machine of a central environment (kind act)', () => {
  const actions = readFileSync(path.join(repoRoot, 'statemachines', 'actions.asl.json'), 'utf8');
  const definition = JSON.parse(withSourceCredentials(actions, 'org', 'act')) as {
    StartAt: string;
    States: Record<string, Record<string, unknown>>;
  };
  const states = definition.States;

  it('passes asl-validator', () => {
    const result = validateAsl(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('gates Redrive, Stop and Mute by region (ACTS_IN_OTHER_REGIONS)', () => {
    expect(ACTS_IN_OTHER_REGIONS).toEqual(['redriveExecution', 'stopExecution', 'tagResource']);
    // Mute is entered from the Act Choice's mute rule, the others from their claims.
    const muteRule = ((states.Act?.Choices ?? []) as Array<{ Condition: string; Next: string }>).find((c) =>
      c.Condition.includes("'mute'")
    );
    expect(muteRule?.Next).toBe('MuteRegion');
    for (const [name, claim] of [
      ['Redrive', 'ClaimRedrive'],
      ['Stop', 'ClaimStop'],
      ['Mute', undefined],
    ] as const) {
      if (claim) expect(states[claim]?.Next).toBe(`${name}Region`);
      expect(states[`${name}Region`]).toMatchObject({
        Type: 'Choice',
        Choices: [{ Next: name }],
        Default: `${name}InRegion`,
      });
      const task = states[`${name}InRegion`] ?? {};
      const sdk = states[name] ?? {};
      expect(task).toMatchObject({
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: {
          FunctionName: `\${${ACT_IN_REGION_PLACEHOLDER}}`,
          Payload: {
            api: String(sdk.Resource).split(':').pop(),
            executionArn: '{% $states.context.Execution.Input.executionArn %}',
            arguments: sdk.Arguments,
          },
        },
        Output: '{% $states.result.Payload %}',
        Assign: sdk.Assign,
        Catch: sdk.Catch,
        Next: sdk.Next,
      });
      // The SDK task's retriers first (its Sfn.* names, which the function keeps), then Lambda's own.
      expect((task.Retry as unknown[]).slice(0, (sdk.Retry as unknown[]).length)).toEqual(sdk.Retry);
      expect(task.Credentials).toBeUndefined();
      expect(sdk.Credentials).toEqual(sourceRoleCredentials('org', 'act'));
    }
    expect(Object.keys(states).filter((n) => n.startsWith('Mute'))).toEqual([
      'Mute',
      'MuteRegion',
      'MuteInRegion',
    ]);
  });

  it("sends a run of the machine's own region to the SDK task, any other to the function", async () => {
    const choices = (states.RedriveRegion?.Choices ?? []) as Array<{ Condition: string }>;
    const condition = String(choices[0]?.Condition);
    const at = (region: string) =>
      evaluate(condition, {
        context: {
          Execution: { Input: { executionArn: `arn:aws:states:${region}:111122223333:execution:etl:run-1` } },
          StateMachine: { Id: 'arn:aws:states:us-east-1:444455556666:stateMachine:sfn-slack-org-actions' },
        },
      });
    expect(await at('us-east-1')).toBe(true);
    expect(await at('eu-west-1')).toBe(false);
  });

  it('the single-account definition is untouched: no gate, no function', () => {
    expect(actions).not.toContain('InRegion');
    expect(actions).not.toContain(ACT_IN_REGION_PLACEHOLDER);
  });
});
