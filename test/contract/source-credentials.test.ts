/**
 * contract/source-credentials.ts: a central environment's notifier definition. The state that reads the watched
 * execution (FetchHistory) gets task Credentials; run on the local runner, each execution is read with its own account's and
 * region's read role, the role the source stack creates.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeployedSettings } from '../../contract/routes.js';
import {
  SOURCE_REGION_STATE,
  sourceReadingStates,
  sourceRoleCredentials,
  withSourceCredentials,
} from '../../contract/source-credentials.js';
import {
  ACT_IN_REGION_PLACEHOLDER,
  ACTS_IN_OTHER_REGIONS,
  actionRoleArn,
  actionRoleName,
  readRoleArn,
  readRoleName,
} from '../../contract/sources.js';
import { runStateMachine, type TaskInvocation, VirtualClock } from '../../local/asl/index.js';
import { notifierDefinition } from '../fixtures/notifier-definition.js';
import { evaluate, validateAsl } from '../statemachines/asl-helpers.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

const file = () => readFileSync(path.join(repoRoot, 'statemachines', 'notifier.asl.json'), 'utf8');

describe('withSourceCredentials (the notifier)', () => {
  const central = withSourceCredentials(file(), 'org');
  const machine = JSON.parse(central) as { StartAt: string; States: Record<string, Record<string, unknown>> };
  const states = machine.States;

  it('gives Credentials to FetchHistory, the one state that calls Step Functions about the execution', () => {
    expect(sourceReadingStates(file())).toEqual(['FetchHistory']);
    for (const [name, state] of Object.entries(states)) {
      expect(state.Credentials, name).toEqual(
        name === 'FetchHistory' ? sourceRoleCredentials('org') : undefined
      );
    }
  });

  it('starts with the region and account gate and changes nothing else', () => {
    const original = JSON.parse(file()) as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    expect(machine.StartAt).toBe(SOURCE_REGION_STATE);
    for (const [name, state] of Object.entries(original.States)) {
      const { Credentials: _, ...rest } = states[name] ?? {};
      expect(rest, name).toEqual(state);
    }
    expect(Object.keys(states).filter((name) => !(name in original.States))).toEqual([SOURCE_REGION_STATE]);
    const gate = states[SOURCE_REGION_STATE] as { Choices: Array<{ Next: string }>; Default: string };
    expect(gate.Choices.map((c) => c.Next)).toEqual(['FetchHistory']);
    expect(gate.Default).toBe('Format');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a definition placeholder, left for the construct to fill
    expect(central).toContain('${FormatterFunctionArn}');
  });

  it('never shadows $partition (or any other name) inside the Credentials expression', () => {
    expect(sourceRoleCredentials('org').RoleArn).not.toMatch(/\$partition\s*:=/);
    expect(sourceRoleCredentials('org', 'act').RoleArn).not.toMatch(/\$partition\s*:=/);
  });

  it('passes asl-validator', () => {
    const result = validateAsl(JSON.parse(central));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('refuses an environment name that could end the JSONata string it sits in', () => {
    expect(() => sourceRoleCredentials("org' & $x & '")).toThrow(/only letters, digits and "-"/);
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
  const definition = notifierDefinition(settings, { central: 'org' });

  const eventFrom = (account: string, region: string, partition = 'aws', arnAccount = account) => ({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    region,
    detail: {
      executionArn: `arn:${partition}:states:${region}:${arnAccount}:execution:etl:run-1`,
      stateMachineArn: `arn:${partition}:states:${region}:${arnAccount}:stateMachine:etl`,
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
    const entry = { Id: 'm0', MessageBody: '{}', MessageGroupId: 'C0TEST', MessageDeduplicationId: 'd' };
    const result = await runStateMachine(definition, event, {
      resources: {
        'arn:aws:states:::aws-sdk:sfn:getExecutionHistory': record({ Events: [] }),
        'arn:aws:states:::lambda:invoke': record({
          Payload: { action: 'send', reason: 'routes: default', entries: [entry] },
        }),
        'arn:aws:states:::aws-sdk:sqs:sendMessageBatch': record({ Successful: [{ Id: 'm0' }], Failed: [] }),
      },
      clock: new VirtualClock(),
      stateMachineArn: notifierArn,
    });
    expect(result.status).toBe('SUCCEEDED');
    const roles = Object.fromEntries(calls.map((call) => [call.stateName, call.credentials?.roleArn]));
    const format = calls.find((call) => call.stateName === 'Format');
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
      const { roles, result } = await run(eventFrom(account, region));
      const role = `arn:aws:iam::${account}:role/sfn-slack-org-read-${region}`;
      expect(roles).toEqual({ FetchHistory: role, Format: undefined, Enqueue: undefined });
      // SourceRegion, FetchHistory, Format, Decide, Enqueue.
      expect(result.stateTransitions).toBe(5);
    }
  );

  it('sends an execution of another region to the formatter to read, with no SDK read', async () => {
    const { roles, payload, result } = await run(eventFrom('111122223333', 'us-east-1'));
    expect(roles).toEqual({ Format: undefined, Enqueue: undefined });
    expect(payload.last).toEqual({});
    expect((payload.event as { region: string }).region).toBe('us-east-1');
    // SourceRegion, Format, Decide, Enqueue.
    expect(result.stateTransitions).toBe(4);
  });

  it("reads nothing for an event whose account is not the execution's (the formatter refuses it)", async () => {
    const { roles, payload } = await run(eventFrom('111122223333', 'eu-west-1', 'aws', '999999999999'));
    expect(roles.FetchHistory).toBeUndefined();
    expect(payload.last).toEqual({});
  });

  it("takes the partition from the notifier's own ARN, never from the event", async () => {
    const { roles } = await run(
      eventFrom('111122223333', 'cn-north-1', 'aws'),
      'arn:aws-cn:states:cn-north-1:444455556666:stateMachine:notifier'
    );
    expect(roles.FetchHistory).toBe('arn:aws-cn:iam::111122223333:role/sfn-slack-org-read-cn-north-1');
  });
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
