/**
 * The act-in-region function: for a run of a central environment's other region, the Redrive, Stop or mute tag the
 * SDK task would make, with the act role of the run's account and region, through a client in that region, answered in the
 * SDK shape and failing with the SDK integration's error names. Step Functions is mocked at the SDK edge.
 */
import {
  ExecutionNotRedrivable,
  KmsThrottlingException,
  RedriveExecutionCommand,
  ResourceNotFound,
  SFNClient,
  SFNServiceException,
  StopExecutionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TAG_KEYS } from '../../../contract/routes.js';
import { SFN_INTEGRATION_ERRORS } from '../../../contract/sfn-errors.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../../contract/sources.js';
import {
  actClientConfig,
  actTarget,
  asIntegrationError,
} from '../../../formatters/act-in-region/act-in-region.js';
import { handler } from '../../../formatters/act-in-region/handler.js';

const EXECUTION = 'arn:aws:states:eu-west-2:777788889999:execution:nightly-etl:run-7';
const TOKEN = 'a'.repeat(64);
const MACHINE = 'arn:aws:states:eu-west-2:777788889999:stateMachine:nightly-etl';
const UNTIL = '2026-11-30T11:42:00.000Z';
/** The mute as the actions machine's MuteInRegion sends it. */
const mute = (over: { executionArn?: unknown; arguments?: Record<string, unknown> } = {}) => ({
  api: 'tagResource',
  executionArn: EXECUTION,
  ...over,
  arguments: over.arguments ?? { ResourceArn: MACHINE, Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL }] },
});
const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  vi.stubEnv(CENTRAL_ENVIRONMENT_ENV, 'org');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The region of the client that made the n-th call. */
const regionOfCall = (n: number) => (sfn.call(n).thisValue as SFNClient).config.region();

describe('actTarget', () => {
  it("is the act role of the execution's account and region, in its partition", () => {
    expect(actTarget(EXECUTION, 'org')).toEqual({
      region: 'eu-west-2',
      roleArn: 'arn:aws:iam::777788889999:role/sfn-slack-org-act-eu-west-2',
    });
    expect(actTarget('arn:aws-cn:states:cn-north-1:111122223333:execution:etl:run-1', 'org').roleArn).toBe(
      'arn:aws-cn:iam::111122223333:role/sfn-slack-org-act-cn-north-1'
    );
  });

  it.each([
    'arn:aws:states:eu-west-2:777788889999:stateMachine:nightly-etl',
    'arn:aws:states:eu-west-2:7777:execution:nightly-etl:run-7',
    'arn:aws:states:eu-west-2":777788889999:execution:nightly-etl:run-7',
    42,
  ])('refuses anything but an execution ARN (%s)', (arn) => {
    expect(() => actTarget(arn, 'org')).toThrow(
      expect.objectContaining({ name: 'ActInRegion.InvalidRequest' })
    );
  });
});

describe('actClientConfig', () => {
  it("asks for the act role's credentials and targets the execution's region", () => {
    const credentials = vi.fn(() => async () => ({ accessKeyId: 'k', secretAccessKey: 's' }));
    const config = actClientConfig(actTarget(EXECUTION, 'org'), credentials);
    expect(credentials).toHaveBeenCalledWith('arn:aws:iam::777788889999:role/sfn-slack-org-act-eu-west-2');
    expect(config.region).toBe('eu-west-2');
  });
});

describe('the act-in-region handler', () => {
  it("redrives with the machine's client token, in the execution's region, and answers as the SDK task", async () => {
    sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date('2026-11-30T10:42:00Z') });
    const answer = await handler({
      api: 'redriveExecution',
      arguments: { ExecutionArn: EXECUTION, ClientToken: TOKEN },
    });
    expect(answer).toEqual({ RedriveDate: '2026-11-30T10:42:00.000Z' });
    expect(sfn.commandCalls(RedriveExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { executionArn: EXECUTION, clientToken: TOKEN },
    ]);
    expect(await regionOfCall(0)).toBe('eu-west-2');
  });

  it('stops with the error and cause the machine gives, one client per act role', async () => {
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date('2026-11-30T10:43:00Z') });
    const stop = {
      ExecutionArn: EXECUTION,
      Error: 'SfnSlack.StoppedFromSlack',
      Cause: 'Stopped from Slack by U0ALICE',
    };
    expect(await handler({ api: 'stopExecution', arguments: stop })).toEqual({
      StopDate: '2026-11-30T10:43:00.000Z',
    });
    await handler({ api: 'stopExecution', arguments: stop });
    const other = EXECUTION.replace('eu-west-2', 'ap-southeast-2');
    await handler({ api: 'stopExecution', arguments: { ...stop, ExecutionArn: other } });
    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: EXECUTION,
      error: 'SfnSlack.StoppedFromSlack',
      cause: 'Stopped from Slack by U0ALICE',
    });
    expect(sfn.call(1).thisValue).toBe(sfn.call(0).thisValue);
    expect(sfn.call(2).thisValue).not.toBe(sfn.call(0).thisValue);
    expect(await regionOfCall(2)).toBe('ap-southeast-2');
  });

  it("tags the run's machine with the mute end alone, with the act role of the run's account and region, there", async () => {
    sfn.on(TagResourceCommand).resolves({});
    expect(await handler(mute())).toEqual({});
    expect(sfn.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: MACHINE, tags: [{ key: TAG_KEYS.muteUntil, value: UNTIL }] },
    ]);
    expect(await regionOfCall(0)).toBe('eu-west-2');
    // The same act role's client as a redrive of that run (one per role).
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date(UNTIL) });
    await handler({ api: 'stopExecution', arguments: { ExecutionArn: EXECUTION } });
    expect(sfn.call(1).thisValue).toBe(sfn.call(0).thisValue);
  });

  it("fails a tag with the SDK integration's error name", async () => {
    sfn.on(TagResourceCommand).rejects(new ResourceNotFound({ message: 'no machine', $metadata: {} }));
    await expect(handler(mute())).rejects.toMatchObject({
      name: 'Sfn.ResourceNotFoundException',
      message: 'no machine',
    });
    sfn.on(TagResourceCommand).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'denied',
        $metadata: {},
      })
    );
    await expect(handler(mute())).rejects.toMatchObject({ name: 'Sfn.SfnException' });
  });

  it.each([
    ['no run', mute({ executionArn: undefined })],
    ['a machine ARN as the run', mute({ executionArn: MACHINE })],
    [
      'another machine',
      mute({ arguments: { ResourceArn: `${MACHINE}-2`, Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL }] } }),
    ],
    [
      'the machine in another region',
      mute({
        arguments: {
          ResourceArn: MACHINE.replace('eu-west-2', 'eu-west-1'),
          Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL }],
        },
      }),
    ],
    [
      'the machine in another account',
      mute({
        arguments: {
          ResourceArn: MACHINE.replace('777788889999', '111122223333'),
          Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL }],
        },
      }),
    ],
    [
      'another key',
      mute({ arguments: { ResourceArn: MACHINE, Tags: [{ Key: 'sfn-slack:channel', Value: UNTIL }] } }),
    ],
    [
      'a second tag',
      mute({
        arguments: {
          ResourceArn: MACHINE,
          Tags: [
            { Key: TAG_KEYS.muteUntil, Value: UNTIL },
            { Key: 'owner', Value: 'x' },
          ],
        },
      }),
    ],
    ['no tag', mute({ arguments: { ResourceArn: MACHINE, Tags: [] } })],
    [
      'a value that is no time',
      mute({ arguments: { ResourceArn: MACHINE, Tags: [{ Key: TAG_KEYS.muteUntil, Value: 'tomorrow' }] } }),
    ],
    [
      'an impossible date',
      mute({
        arguments: {
          ResourceArn: MACHINE,
          Tags: [{ Key: TAG_KEYS.muteUntil, Value: '2026-02-30T11:42:00Z' }],
        },
      }),
    ],
    [
      'a non-string value',
      mute({ arguments: { ResourceArn: MACHINE, Tags: [{ Key: TAG_KEYS.muteUntil, Value: 1 }] } }),
    ],
    [
      'an extra field in the tag',
      mute({ arguments: { ResourceArn: MACHINE, Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL, x: 1 }] } }),
    ],
    [
      'an extra argument',
      mute({
        arguments: {
          ResourceArn: MACHINE,
          Tags: [{ Key: TAG_KEYS.muteUntil, Value: UNTIL }],
          TagKeys: ['x'],
        },
      }),
    ],
  ])('refuses a mute with %s, calling nothing', async (_case, request) => {
    await expect(handler(request)).rejects.toMatchObject({ name: 'ActInRegion.InvalidRequest' });
    expect(sfn.calls()).toEqual([]);
  });

  it("fails with the SDK integration's error name, which the machine's catchers and retriers see", async () => {
    const call = () =>
      handler({ api: 'redriveExecution', arguments: { ExecutionArn: EXECUTION, ClientToken: TOKEN } });
    sfn
      .on(RedriveExecutionCommand)
      .rejects(new ExecutionNotRedrivable({ message: 'not redrivable', $metadata: {} }));
    await expect(call()).rejects.toMatchObject({
      name: 'Sfn.ExecutionNotRedrivableException',
      message: 'not redrivable',
    });
    sfn
      .on(RedriveExecutionCommand)
      .rejects(new KmsThrottlingException({ message: 'kms throttled', $metadata: {} }));
    await expect(call()).rejects.toMatchObject({ name: 'Sfn.KmsThrottlingException' });
    // Errors the model does not define: what the SDK makes of a throttled or denied call, a network error.
    for (const unmodelled of [
      new SFNServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      }),
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'denied',
        $metadata: {},
      }),
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    ]) {
      sfn.on(RedriveExecutionCommand).rejects(unmodelled);
      await expect(call()).rejects.toMatchObject({ name: 'Sfn.SfnException', message: unmodelled.message });
    }
  });

  it('raises only names the integration raises, so the state machine files name the same', () => {
    for (const caught of [
      new ExecutionNotRedrivable({ message: '', $metadata: {} }),
      new Error('x'),
      'a string',
    ]) {
      expect(SFN_INTEGRATION_ERRORS).toContain(asIntegrationError(caught).name);
    }
  });

  it.each([
    [{ api: 'untagResource', executionArn: EXECUTION, arguments: { ResourceArn: MACHINE } }],
    [
      {
        api: 'stopExecution',
        executionArn: EXECUTION.replace('run-7', 'run-8'),
        arguments: { ExecutionArn: EXECUTION },
      },
    ],
    [{ api: 'startExecution', arguments: { ExecutionArn: EXECUTION } }],
    [{ api: 'redriveExecution', arguments: { ExecutionArn: EXECUTION, ClientToken: 7 } }],
    [
      {
        api: 'stopExecution',
        arguments: { ExecutionArn: 'arn:aws:states:eu-west-2:777788889999:stateMachine:x' },
      },
    ],
    [undefined],
  ])('refuses a request the machine never sends, calling nothing (%j)', async (request) => {
    await expect(handler(request)).rejects.toMatchObject({ name: 'ActInRegion.InvalidRequest' });
    expect(sfn.calls()).toEqual([]);
  });

  it('says what is missing without the central environment name', async () => {
    vi.stubEnv(CENTRAL_ENVIRONMENT_ENV, '');
    await expect(handler({ api: 'stopExecution', arguments: { ExecutionArn: EXECUTION } })).rejects.toThrow(
      `needs ${CENTRAL_ENVIRONMENT_ENV}`
    );
    expect(sfn.calls()).toEqual([]);
  });
});
