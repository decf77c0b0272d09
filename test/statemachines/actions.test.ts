/**
 * actions.asl.json on the local runner, state by state where the end-to-end tests (test/e2e/actions.test.ts) do
 * not reach: a forged input refused by the machine itself, authorization through a user group, a redrive that
 * Step Functions refuses (the claim is released, the clicker told).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionsPolicy, CLAIM_RETENTION_SECONDS } from '../../contract/actions.js';
import { jsonStringSubstitution } from '../../contract/definition-values.js';
import { STORE_KEY } from '../../contract/message-store.js';
import { TAG_KEYS } from '../../contract/routes.js';
import { withSourceCredentials } from '../../contract/source-credentials.js';
import { ACT_IN_REGION_PLACEHOLDER } from '../../contract/sources.js';
import type { ActionsMachineInput } from '../../formatters/actions/interactivity.js';
import { runStateMachine, StatesError, substitute, VirtualClock } from '../../local/asl/index.js';
import { sfnActionResources } from '../../local/interactivity.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';
import { repoRoot } from '../infra/helpers.js';

const ACTIONS_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-slack-prod-actions';
const CONNECTION = 'arn:aws:events:eu-west-1:111122223333:connection/slack/0000';
const policy: ActionsPolicy = {
  redrive: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
  stop: { users: [], userGroups: [] },
  mute: { users: ['U0ALICE'], userGroups: [] },
};
const definition = substitute(
  readFileSync(path.join(repoRoot, 'statemachines', 'actions.asl.json'), 'utf8'),
  {
    TableName: 'messages',
    ConnectionArn: CONNECTION,
    Environment: 'prod',
    WatchedStateMachines:
      'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl,arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*',
    ActionsPolicy: jsonStringSubstitution('policy', JSON.stringify(policy)),
    ClaimRetentionSeconds: String(CLAIM_RETENTION_SECONDS),
  }
);
const ACT_IN_REGION = 'arn:aws:lambda:eu-west-1:111122223333:function:act-in-region';
/** A central environment's definition as the construct deploys it: act role Credentials, Redrive, Stop and Mute gated by region. */
const central = substitute(withSourceCredentials(definition, 'prod', 'act'), {
  [ACT_IN_REGION_PLACEHOLDER]: ACT_IN_REGION,
});

const input = (over: Partial<ActionsMachineInput> = {}): ActionsMachineInput => ({
  action: 'redrive',
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:etl-orders:run-7',
  stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-orders',
  redriveCount: 0,
  userId: 'U0ALICE',
  teamId: 'T0LOCAL',
  appId: 'A0LOCAL',
  channelId: 'C0123456789',
  messageTs: '1700000000.000100',
  message: {
    text: 'failed',
    blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'sfn-slack:redrive' }] }],
  },
  userGroups: [],
  ...over,
});

let store: LocalDynamoDb;
beforeAll(async () => {
  store = await startLocalDynamoDb({ tableName: 'messages', key: STORE_KEY });
});
afterAll(async () => {
  await store.close();
});

interface Call {
  resource: string;
  args: Record<string, unknown>;
}

async function run(
  machineInput: ActionsMachineInput,
  options: {
    members?: string[];
    redrive?: () => unknown;
    tag?: () => unknown;
    machineArn?: string;
    central?: boolean;
    actInRegion?: () => unknown;
    /** usergroups.users.list's answer body (or a throw) instead of `members`. */
    listMembers?: () => unknown;
    /** The claim's PutItem, instead of the table's. */
    claim?: () => unknown;
  } = {}
) {
  const calls: Call[] = [];
  const record =
    (resource: string, handler: (task: { arguments: unknown }) => Promise<unknown>) =>
    async (task: { arguments: unknown }) => {
      calls.push({ resource, args: task.arguments as Record<string, unknown> });
      return handler(task);
    };
  const slack = async (task: { arguments: unknown }) => {
    const args = task.arguments as { ApiEndpoint: string };
    const body = args.ApiEndpoint.endsWith('usergroups.users.list')
      ? options.listMembers
        ? options.listMembers()
        : { ok: true, users: options.members ?? [] }
      : { ok: true, ts: '1700000000.000200' };
    return { StatusCode: 200, ResponseBody: body };
  };
  const resources: Record<string, (task: { arguments: unknown }) => Promise<unknown>> = {
    'arn:aws:states:::http:invoke': record('http', slack),
    [sfnActionResources.redrive]: record('redrive', async () => (options.redrive ? options.redrive() : {})),
    [sfnActionResources.stop]: record('stop', async () => ({})),
    [sfnActionResources.tag]: record('tag', async () => (options.tag ? options.tag() : {})),
    'arn:aws:states:::lambda:invoke': record('actInRegion', async () => ({
      Payload: options.actInRegion ? options.actInRegion() : { RedriveDate: '2026-11-30T10:42:00.000Z' },
      StatusCode: 200,
    })),
  };
  for (const [resource, handler] of Object.entries(store.handlers))
    resources[resource] = record(resource, handler);
  if (options.claim) {
    const claim = options.claim;
    resources['arn:aws:states:::dynamodb:putItem'] = record('arn:aws:states:::dynamodb:putItem', async () =>
      claim()
    );
  }
  const result = await runStateMachine(options.central ? central : definition, machineInput, {
    resources: resources as never,
    clock: new VirtualClock(Date.UTC(2026, 10, 30, 10, 42)),
    random: () => 0.5,
    stateMachineArn: options.machineArn ?? ACTIONS_MACHINE,
  });
  return { result, calls };
}

const slackMethods = (calls: Call[]) =>
  calls.filter((c) => c.resource === 'http').map((c) => String(c.args.ApiEndpoint).split('/').pop());

describe('actions.asl.json', () => {
  it('refuses a forged input for an unwatched machine itself, whatever stateMachineArn the input claims', async () => {
    const { result, calls } = await run(
      input({
        executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:payments:run-1',
        stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-orders',
      })
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'Actions.NotWatched' });
    expect(calls).toEqual([]);
  });

  it('refuses a name that only starts like a watched ARN, and a malformed ARN', async () => {
    for (const executionArn of [
      'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl-2:run-1',
      'arn:aws:states:eu-west-1:111122223333:execution:etl-orders',
    ]) {
      const { result, calls } = await run(input({ executionArn }));
      expect(result.error, executionArn).toBe('Actions.NotWatched');
      expect(calls).toEqual([]);
    }
  });

  it('allows a user who is not listed through a listed group, asking Slack for its members', async () => {
    const { result, calls } = await run(
      input({
        userId: 'U0BOB',
        executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:etl-orders:run-8',
      }),
      {
        members: ['U0CAROL', 'U0BOB'],
      }
    );
    expect(result.output).toMatchObject({ outcome: 'done', action: 'redrive' });
    const list = calls.find((c) => String(c.args.ApiEndpoint).endsWith('usergroups.users.list'));
    expect(list?.args.QueryParameters).toEqual({ usergroup: 'S0ONCALL' });
    expect(calls.filter((c) => c.resource === 'redrive')).toHaveLength(1);
  });

  it('tells a user outside every group "not allowed", and redrives nothing', async () => {
    const { result, calls } = await run(input({ userId: 'U0MALLORY' }), { members: ['U0CAROL'] });
    expect(result.output).toMatchObject({ outcome: 'not-allowed' });
    expect(slackMethods(calls)).toEqual(['usergroups.users.list', 'chat.postEphemeral']);
    expect(calls.some((c) => c.resource === 'redrive' || c.resource.includes('dynamodb'))).toBe(false);
  });

  it('tells a group member whose membership Slack would not list that it could not be checked (ok:false), and acts on nothing', async () => {
    const { result, calls } = await run(input({ userId: 'U0BOB' }), {
      listMembers: () => ({ ok: false, error: 'missing_scope' }),
    });
    expect(result.output).toMatchObject({ outcome: 'not-allowed' });
    const told = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postEphemeral'));
    expect(told?.args.RequestBody).toMatchObject({
      user: 'U0BOB',
      text: expect.stringContaining('Could not check your user group membership to redrive'),
    });
    expect(calls.some((c) => c.resource === 'redrive' || c.resource.includes('dynamodb'))).toBe(false);
  });

  it('answers the clicker when the membership check fails outright (Slack 5xx after the retries), instead of failing silently', async () => {
    let attempts = 0;
    const { result, calls } = await run(input({ userId: 'U0BOB' }), {
      listMembers: () => {
        attempts += 1;
        throw new StatesError('States.Http.StatusCode.503', 'Service Unavailable');
      },
    });
    expect(attempts).toBe(4);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'not-allowed' });
    expect(slackMethods(calls).at(-1)).toBe('chat.postEphemeral');
    const told = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postEphemeral'));
    expect(told?.args.RequestBody).toMatchObject({ text: expect.stringContaining('Try again') });
  });

  it("refuses an execution of another account or region than the message's event, before any call", async () => {
    const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:etl-orders:run-src';
    for (const [sourceAccount, sourceRegion] of [
      ['444455556666', 'eu-west-1'],
      ['111122223333', 'us-east-1'],
    ]) {
      const { result, calls } = await run(input({ executionArn, sourceAccount, sourceRegion }));
      expect(result).toMatchObject({ status: 'FAILED', error: 'Actions.NotWatched' });
      expect(calls).toEqual([]);
    }
    const own = await run(input({ executionArn, sourceAccount: '111122223333', sourceRegion: 'eu-west-1' }));
    expect(own.result.output).toMatchObject({ outcome: 'done' });
  });

  it('a claim that fails other than by a second click (a timeout) is released and the clicker told; nothing is redriven', async () => {
    const { result, calls } = await run(input({ executionArn: `${input().executionArn}-claim` }), {
      claim: () => {
        throw new StatesError('States.Timeout', 'Task timed out');
      },
    });
    expect(result).toMatchObject({ status: 'FAILED' });
    expect(calls.some((c) => c.resource === 'redrive')).toBe(false);
    expect(calls.some((c) => c.resource.endsWith('dynamodb:deleteItem'))).toBe(true);
    const told = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postEphemeral'));
    expect(told?.args.RequestBody).toMatchObject({ text: expect.stringContaining('States.Timeout') });
  });

  it('bounds every task with TimeoutSeconds (SDK and DynamoDB calls, Slack calls) and keeps to 26 states', () => {
    const asl = JSON.parse(
      readFileSync(path.join(repoRoot, 'statemachines', 'actions.asl.json'), 'utf8')
    ) as {
      States: Record<string, Record<string, unknown>>;
    };
    const all: Array<[string, Record<string, unknown>]> = [];
    const visit = (states: Record<string, Record<string, unknown>>) => {
      for (const [name, state] of Object.entries(states)) {
        all.push([name, state]);
        const inner = (
          state.ItemProcessor as { States?: Record<string, Record<string, unknown>> } | undefined
        )?.States;
        if (inner) visit(inner);
      }
    };
    visit(asl.States);
    expect(all.length).toBeLessThanOrEqual(26);
    const tasks = all.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(5);
    for (const [name, state] of tasks) {
      const timeout = state.TimeoutSeconds as number;
      const limit = String(state.Resource).includes('http:invoke') ? 15 : 10;
      expect({ name, bounded: timeout > 0 && timeout <= limit }).toEqual({ name, bounded: true });
    }
  });

  it('refuses an action nobody may do (stop) without asking anyone', async () => {
    const { result, calls } = await run(input({ action: 'stop' }));
    expect(result.output).toMatchObject({ outcome: 'not-allowed' });
    expect(calls.some((c) => c.resource === 'stop')).toBe(false);
  });

  it('retries a throttled redrive (Sfn.SfnException, the name of every unmodelled error) and then redrives', async () => {
    let attempts = 0;
    const { result, calls } = await run(input({ executionArn: `${input().executionArn}-throttled` }), {
      redrive: () => {
        attempts += 1;
        if (attempts < 3) throw new StatesError('Sfn.SfnException', 'Rate exceeded');
        return { RedriveDate: '2026-11-30T10:42:05.000Z' };
      },
    });
    expect(result.output).toMatchObject({ outcome: 'done' });
    expect(calls.filter((c) => c.resource === 'redrive')).toHaveLength(3);
  });

  it('releases the claim and tells the clicker when Step Functions refuses the redrive, so it can be tried again', async () => {
    const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:etl-orders:run-9';
    const refused = await run(input({ executionArn }), {
      redrive: () => {
        throw new StatesError(
          'Sfn.ExecutionNotRedrivableException',
          'Execution is SUCCEEDED and cannot be redriven.'
        );
      },
    });
    expect(refused.result).toMatchObject({
      status: 'FAILED',
      error: 'Actions.Sfn.ExecutionNotRedrivableException',
    });
    const told = refused.calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postEphemeral'));
    expect(told?.args.RequestBody).toMatchObject({
      user: 'U0ALICE',
      text: expect.stringContaining('ExecutionNotRedrivable'),
    });
    const again = await run(input({ executionArn }));
    expect(again.result.output).toMatchObject({ outcome: 'done' });
  });

  it('mutes by the sfn-slack:mute-until tag on the watched machine (as sfn-slack mute does); the thread says who and until when', async () => {
    const { result, calls } = await run(input({ action: 'mute', muteSeconds: 3600 }));
    expect(result.status).toBe('SUCCEEDED');
    const tagged = calls.filter((c) => c.resource === 'tag');
    expect(tagged.map((c) => c.args)).toEqual([
      {
        ResourceArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-orders',
        Tags: [{ Key: TAG_KEYS.muteUntil, Value: '2026-11-30T11:42:00.000Z' }],
      },
    ]);
    // No store item: the tag is the only mute.
    expect(calls.filter((c) => c.resource.includes('dynamodb'))).toEqual([]);
    const reply = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postMessage'));
    expect(reply?.args.RequestBody).toMatchObject({
      text: ":mute: <@U0ALICE> muted this state machine's notifications for 1 h, until <!date^1796038920^{date_short_pretty} at {time}|2026-11-30T11:42:00.000Z>. They are counted and summed up when the mute ends.",
    });
    const update = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.update'));
    expect(JSON.stringify(update?.args.RequestBody)).toContain(
      ':mute: Muted for 1 h by <@U0ALICE>, until <!date^1796038920^'
    );
  });

  it('a mute the tag cannot be written for tells the clicker why, and says nothing in the thread', async () => {
    const { result, calls } = await run(input({ action: 'mute', muteSeconds: 86400 }), {
      tag: () => {
        throw new StatesError('Sfn.AccessDeniedException', 'not authorized to perform: states:TagResource');
      },
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Actions.Sfn.AccessDeniedException' });
    expect(slackMethods(calls)).toEqual(['chat.postEphemeral']);
    const told = calls.find((c) => String(c.args.ApiEndpoint).endsWith('chat.postEphemeral'));
    expect(told?.args.RequestBody).toMatchObject({
      user: 'U0ALICE',
      text: ':warning: Could not mute this run: Sfn.AccessDeniedException',
    });
  });

  it('refuses a mute duration other than the two buttons', async () => {
    const { result } = await run(input({ action: 'mute', muteSeconds: 999_999 }));
    expect(result).toMatchObject({ status: 'FAILED', error: 'Actions.UnknownAction' });
  });
});

describe('actions.asl.json: a central environment', () => {
  it('takes a name prefix in every source account and region (`*`), and still refuses other names', async () => {
    const anywhere = definition.replace(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*',
      'arn:aws:states:*:*:stateMachine:etl-*'
    );
    const watched = {
      ...input(),
      executionArn: 'arn:aws:states:eu-west-1:777788889999:execution:etl-orders:run-9',
    };
    const ok = await runStateMachine(anywhere, watched, {
      resources: {
        'arn:aws:states:::http:invoke': async () => ({ StatusCode: 200, ResponseBody: { ok: true } }),
        [sfnActionResources.redrive]: async () => ({}),
        ...store.handlers,
      } as never,
      clock: new VirtualClock(Date.UTC(2026, 10, 30, 10, 42)),
      stateMachineArn: ACTIONS_MACHINE,
    });
    expect(ok.output).toMatchObject({ outcome: 'done' });
    const other = await runStateMachine(
      anywhere,
      { ...watched, executionArn: 'arn:aws:states:eu-west-1:777788889999:execution:payments:run-9' },
      {
        resources: {} as never,
        clock: new VirtualClock(Date.UTC(2026, 10, 30, 10, 42)),
        stateMachineArn: ACTIONS_MACHINE,
      }
    );
    expect(other).toMatchObject({ status: 'FAILED', error: 'Actions.NotWatched' });
    // Without the `*` pattern the same account's run is not watched.
    const single = await run({
      ...watched,
      executionArn: 'arn:aws:states:eu-west-1:777788889999:execution:etl-orders:run-10',
    });
    expect(single.result).toMatchObject({ status: 'FAILED', error: 'Actions.NotWatched' });
  });
});

describe('actions.asl.json: a run in another region (a central environment)', () => {
  const machineArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:sfn-slack-prod-actions';
  const entered = (result: { events: Array<{ type: string; stateName?: string }> }) =>
    result.events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateName);

  it("a mute is made by the act-in-region function: only the mute tag, on the run's own machine, an hour from the click", async () => {
    const executionArn = `${input().executionArn}-mute`;
    const { result, calls } = await run(input({ action: 'mute', muteSeconds: 3600, executionArn }), {
      machineArn,
      central: true,
      actInRegion: () => ({}),
    });
    expect(result.output).toMatchObject({ outcome: 'done', action: 'mute' });
    const names = calls.map((c) => c.resource.split(':').pop());
    expect(names).toEqual(['actInRegion', 'http', 'http']);
    expect(calls[0]?.args).toEqual({
      FunctionName: ACT_IN_REGION,
      Payload: {
        api: 'tagResource',
        executionArn,
        arguments: {
          ResourceArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-orders',
          Tags: [{ Key: TAG_KEYS.muteUntil, Value: '2026-11-30T11:42:00.000Z' }],
        },
      },
    });
    expect(entered(result)).toEqual(expect.arrayContaining(['MuteRegion', 'MuteInRegion']));
    expect(entered(result)).not.toContain('Mute');
  });

  it("the function's error on a mute takes the Mute task's catcher: the clicker is told", async () => {
    const { result, calls } = await run(
      input({ action: 'mute', muteSeconds: 86400, executionArn: `${input().executionArn}-mute-refused` }),
      {
        machineArn,
        central: true,
        actInRegion: () => {
          throw new StatesError('Sfn.ResourceNotFoundException', 'no such machine');
        },
      }
    );
    expect(result.status).toBe('FAILED');
    const last = calls.at(-1);
    expect(String((last?.args.RequestBody as { text?: string } | undefined)?.text)).toContain(
      'Sfn.ResourceNotFoundException'
    );
  });

  it("a redrive is claimed, then made by the act-in-region function with the SDK task's arguments and client token", async () => {
    const executionArn = `${input().executionArn}-far`;
    const { result, calls } = await run(input({ executionArn }), { machineArn, central: true });
    expect(result.output).toMatchObject({ outcome: 'done', action: 'redrive' });
    const names = calls.map((c) => c.resource.split(':').pop());
    expect(names).toEqual(['putItem', 'actInRegion', 'http', 'http']);
    expect(calls[1]?.args).toEqual({
      FunctionName: ACT_IN_REGION,
      Payload: {
        api: 'redriveExecution',
        executionArn,
        arguments: {
          ExecutionArn: executionArn,
          ClientToken: createHash('sha256').update(`${executionArn}#0`).digest('hex'),
        },
      },
    });
    expect(entered(result)).toContain('RedriveInRegion');
  });

  it("the function's Sfn.* error takes the SDK task's catcher: the claim is released and the clicker told", async () => {
    const executionArn = `${input().executionArn}-refused`;
    const { result, calls } = await run(input({ executionArn }), {
      machineArn,
      central: true,
      actInRegion: () => {
        throw new StatesError('Sfn.ExecutionNotRedrivableException', 'not redrivable');
      },
    });
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'Actions.Sfn.ExecutionNotRedrivableException',
    });
    const names = calls.map((c) => c.resource.split(':').pop());
    expect(names).toEqual(['putItem', 'actInRegion', 'deleteItem', 'http']);
    expect(String((calls[3]?.args.RequestBody as { text?: string } | undefined)?.text)).toContain(
      'Could not redrive this run: Sfn.ExecutionNotRedrivableException'
    );
  });

  it("a run of the machine's own region takes the SDK task with the act role, past one Choice only", async () => {
    const own = await run(input({ executionArn: `${input().executionArn}-own` }), { central: true });
    expect(own.result.output).toMatchObject({ outcome: 'done' });
    expect(own.calls.map((c) => c.resource.split(':').pop())).toEqual(['putItem', 'redrive', 'http', 'http']);
    const single = await run(input({ executionArn: `${input().executionArn}-single` }));
    expect(entered(own.result).filter((name) => !entered(single.result).includes(name))).toEqual([
      'RedriveRegion',
    ]);
  });
});

describe('actions.asl.json: input nobody can send through the function', () => {
  it('an unknown action allows nobody and does nothing', async () => {
    const { result, calls } = await run(input({ action: 'delete' as never }));
    expect(result.output).toMatchObject({ outcome: 'not-allowed' });
    expect(calls.some((c) => c.resource !== 'http')).toBe(false);
  });
});
