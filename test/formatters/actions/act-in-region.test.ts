/**
 * The act-in-region function: for a run of a central environment's other region, the Redrive or Stop the SDK task
 * would make, with the act role of the run's account and region, through a client in that region, answered in the
 * SDK shape and failing with the SDK integration's error names. Step Functions is mocked at the SDK edge.
 */
import {
  ExecutionNotRedrivable,
  KmsThrottlingException,
  RedriveExecutionCommand,
  SFNClient,
  SFNServiceException,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SFN_INTEGRATION_ERRORS } from '../../../contract/sfn-errors.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../../contract/sources.js';
import { actClientConfig, actTarget, asIntegrationError } from '../../../formatters/actions/act-in-region.js';
import { handler } from '../../../formatters/actions/act-in-region-handler.js';

const EXECUTION = 'arn:aws:states:eu-west-2:777788889999:execution:nightly-etl:run-7';
const TOKEN = 'a'.repeat(64);
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
    [{ api: 'tagResource', arguments: { ResourceArn: EXECUTION } }],
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
