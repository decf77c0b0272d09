/**
 * The endpoint's refusals, each proved to reach no AWS call: a bad signature, a stale timestamp, a replayed
 * request, an unknown user, an execution of a machine the environment does not watch. The replay guard runs on
 * dynalite through the real DynamoDB client; Step Functions is mocked at its endpoint (aws-sdk-client-mock).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionId, encodeButtonValue } from '../../../contract/buttons.js';
import { STORE_KEY } from '../../../contract/message-store.js';
import {
  type ActionsMachineInput,
  handleInteraction,
  type InteractivityConfig,
  type InteractivityDeps,
} from '../../../formatters/actions/interactivity.js';
import { PING_TYPE } from '../../../formatters/actions/payload.js';
import { type ClickSignature, clickBody, signedHeaders } from '../../../local/slack-clicks.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../../local/stand-ins/dynamodb.js';

const SECRET = 'local-signing-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 10, 30, 10, 42);
const watchedArn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const config: InteractivityConfig = {
  environment: 'prod',
  stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:sfn-slack-actions-prod',
  tableName: 'messages',
  watched: [watchedArn],
  policy: {
    redrive: { users: ['U0ALICE'], userGroups: [] },
    stop: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
    mute: { users: ['U0ALICE'], userGroups: [] },
  },
};

let store: LocalDynamoDb;
const sfn = new SFNClient({ region: 'eu-west-1' });
const sfnMock = mockClient(sfn);
let deps: InteractivityDeps;
let dynamoCalls: ReturnType<typeof vi.fn>;
let secretReads: ReturnType<typeof vi.fn>;
let responses: Array<{ url: string; body: Record<string, unknown> }>;

beforeAll(async () => {
  store = await startLocalDynamoDb({ tableName: 'messages', key: STORE_KEY });
});
afterAll(async () => {
  await store.close();
});
beforeEach(() => {
  sfnMock.reset();
  sfnMock
    .on(StartExecutionCommand)
    .resolves({ executionArn: `${config.stateMachineArn}:x`, startDate: new Date() });
  responses = [];
  secretReads = vi.fn(async () => SECRET);
  const send = store.client.send.bind(store.client);
  dynamoCalls = vi.fn((command: unknown) => send(command as never));
  deps = {
    signingSecret: secretReads as unknown as () => Promise<string>,
    dynamodb: { send: dynamoCalls } as unknown as InteractivityDeps['dynamodb'],
    sfn,
    respond: async (url, body) => {
      responses.push({ url, body });
    },
    now: () => NOW,
  };
});

let clickCount = 0;
function click(
  options: {
    user?: string;
    execution?: string;
    action?: 'redrive' | 'stop';
    signature?: ClickSignature;
    team?: string;
    app?: string;
    source?: { account: string; region: string };
  } = {}
) {
  clickCount += 1;
  const body = clickBody({
    ...(options.team ? { team: options.team } : {}),
    ...(options.app ? { app: options.app } : {}),
    user: options.user ?? 'U0ALICE',
    channel: 'C0123456789',
    message: { ts: `1700000000.${String(clickCount).padStart(6, '0')}`, text: 'failed', blocks: [] },
    button: {
      action_id: actionId(options.action ?? 'redrive'),
      value: encodeButtonValue({
        executionArn: options.execution ?? executionArn,
        redriveCount: 0,
        ...(options.source ?? {}),
      }),
    },
    responseUrl: 'https://hooks.slack.com/actions/T0LOCAL/1/abc',
  });
  return { method: 'POST', headers: signedHeaders(SECRET, body, NOW, options.signature), rawBody: body };
}

const sfnCalls = () => sfnMock.commandCalls(StartExecutionCommand).length;

describe('the interactivity endpoint', () => {
  it('starts the actions machine for a genuine click by a listed user, with the click as input', async () => {
    const result = await handleInteraction(click(), config, deps);
    expect(result).toMatchObject({ status: 200, outcome: 'started' });
    const [call] = sfnMock.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input.stateMachineArn).toBe(config.stateMachineArn);
    const input = JSON.parse(call?.args[0].input.input ?? '{}') as ActionsMachineInput;
    expect(input).toMatchObject({ action: 'redrive', executionArn, userId: 'U0ALICE', userGroups: [] });
    expect(JSON.stringify(input)).not.toContain('hooks.slack.com');
  });

  it('refuses a bad signature with 401, before any AWS call but the (cached) secret', async () => {
    const result = await handleInteraction(click({ signature: 'bad' }), config, deps);
    expect(result).toMatchObject({ status: 401, outcome: 'bad-signature' });
    expect(dynamoCalls).not.toHaveBeenCalled();
    expect(sfnCalls()).toBe(0);
  });

  it('refuses a stale timestamp with 401 without even reading the secret', async () => {
    const result = await handleInteraction(click({ signature: 'stale' }), config, deps);
    expect(result).toMatchObject({ status: 401, outcome: 'stale' });
    expect(secretReads).not.toHaveBeenCalled();
    expect(dynamoCalls).not.toHaveBeenCalled();
    expect(sfnCalls()).toBe(0);
  });

  it('refuses an unsigned request and a GET with no AWS call', async () => {
    const unsigned = await handleInteraction(click({ signature: 'none' }), config, deps);
    expect(unsigned).toMatchObject({ status: 401, outcome: 'missing-signature' });
    const get = await handleInteraction({ ...click(), method: 'GET' }, config, deps);
    expect(get.status).toBe(405);
    expect(secretReads).not.toHaveBeenCalled();
    expect(dynamoCalls).not.toHaveBeenCalled();
    expect(sfnCalls()).toBe(0);
  });

  it('refuses a replayed request with 401: the same signed request starts nothing the second time', async () => {
    const request = click();
    expect((await handleInteraction(request, config, deps)).outcome).toBe('started');
    const replay = await handleInteraction(request, config, deps);
    expect(replay).toMatchObject({ status: 401, outcome: 'replayed' });
    expect(sfnCalls()).toBe(1);
    const guards = (await store.items()).filter((item) => (item.pk as { S: string }).S === 'slack-request');
    expect(guards.length).toBeGreaterThan(0);
    expect(guards.every((g) => Number((g.expiresAt as { N: string }).N) <= NOW / 1000 + 600)).toBe(true);
  });

  it('answers an unknown user with an ephemeral "not allowed" and starts nothing', async () => {
    const result = await handleInteraction(click({ user: 'U0MALLORY' }), config, deps);
    expect(result).toMatchObject({ status: 200, outcome: 'not-allowed' });
    expect(sfnCalls()).toBe(0);
    expect(responses).toEqual([
      {
        url: 'https://hooks.slack.com/actions/T0LOCAL/1/abc',
        body: expect.objectContaining({
          response_type: 'ephemeral',
          text: expect.stringContaining('not allowed'),
        }),
      },
    ]);
  });

  it('refuses an execution ARN of a machine the environment does not watch, for a listed user too', async () => {
    const forged = 'arn:aws:states:eu-west-1:111122223333:execution:payments:run-1';
    const result = await handleInteraction(click({ execution: forged }), config, deps);
    expect(result).toMatchObject({ status: 200, outcome: 'not-watched' });
    expect(sfnCalls()).toBe(0);
    expect(responses[0]?.body.text).toContain('does not belong');
  });

  it('hands a user who is not listed to the machine when a user group may allow them', async () => {
    const result = await handleInteraction(click({ user: 'U0BOB', action: 'stop' }), config, deps);
    expect(result.outcome).toBe('started');
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.userGroups).toEqual(['S0ONCALL']);
  });

  it('answers a signed ping (doctor) and nothing else; a malformed signed body is 400', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify({ type: PING_TYPE }) }).toString();
    const ping = await handleInteraction(
      { method: 'POST', headers: signedHeaders(SECRET, body, NOW), rawBody: body },
      config,
      deps
    );
    expect(ping).toMatchObject({ status: 200, outcome: 'ping' });
    const junk = await handleInteraction(
      { method: 'POST', headers: signedHeaders(SECRET, 'x=1', NOW), rawBody: 'x=1' },
      config,
      deps
    );
    expect(junk).toMatchObject({ status: 400, outcome: 'bad-payload' });
    expect(sfnCalls()).toBe(0);
  });

  describe('pinned to one workspace and one app (actions.teamId, actions.appId)', () => {
    const pinned: InteractivityConfig = { ...config, teamId: 'T0LOCAL', appId: 'A0LOCAL' };

    it('accepts a click from the configured workspace and app', async () => {
      expect(await handleInteraction(click(), pinned, deps)).toMatchObject({
        status: 200,
        outcome: 'started',
      });
    });

    it('refuses a genuinely signed click from another workspace with 403, before any AWS call but the secret', async () => {
      const result = await handleInteraction(click({ team: 'T0OTHER' }), pinned, deps);
      expect(result).toMatchObject({ status: 403, outcome: 'wrong-team' });
      expect(dynamoCalls).not.toHaveBeenCalled();
      expect(sfnCalls()).toBe(0);
      expect(responses).toEqual([]);
    });

    it('refuses a click sent to another app (sharing the signing secret) with 403, before any AWS call', async () => {
      const result = await handleInteraction(click({ app: 'A0OTHER' }), pinned, deps);
      expect(result).toMatchObject({ status: 403, outcome: 'wrong-app' });
      expect(dynamoCalls).not.toHaveBeenCalled();
      expect(sfnCalls()).toBe(0);
    });

    it('still refuses forged, stale and replayed requests first', async () => {
      expect(
        (await handleInteraction(click({ team: 'T0OTHER', signature: 'bad' }), pinned, deps)).outcome
      ).toBe('bad-signature');
      expect((await handleInteraction(click({ signature: 'stale' }), pinned, deps)).outcome).toBe('stale');
      const request = click();
      expect((await handleInteraction(request, pinned, deps)).outcome).toBe('started');
      expect((await handleInteraction(request, pinned, deps)).outcome).toBe('replayed');
      expect(sfnCalls()).toBe(1);
    });

    it('without teamId and appId, any workspace is accepted (the settings warn)', async () => {
      expect(
        (await handleInteraction(click({ team: 'T0OTHER', app: 'A0OTHER' }), config, deps)).outcome
      ).toBe('started');
    });
  });

  it("refuses a button whose execution is not of its message's event account and region: ephemeral, nothing started", async () => {
    const foreign = await handleInteraction(
      click({ source: { account: '444455556666', region: 'eu-west-1' } }),
      config,
      deps
    );
    expect(foreign).toMatchObject({ status: 200, outcome: 'wrong-source' });
    expect(sfnCalls()).toBe(0);
    expect(responses[0]?.body.text).toContain('another account or region');
    const own = await handleInteraction(
      click({ source: { account: '111122223333', region: 'eu-west-1' } }),
      config,
      deps
    );
    expect(own.outcome).toBe('started');
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toMatchObject({ sourceAccount: '111122223333', sourceRegion: 'eu-west-1' });
  });
});
