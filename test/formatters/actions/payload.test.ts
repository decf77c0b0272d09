import { describe, expect, it } from 'vitest';
import { actionId, encodeButtonValue, stateMachineOf } from '../../../contract/buttons.js';
import { PayloadError, parseInteraction } from '../../../formatters/actions/payload.js';
import { clickBody } from '../../../local/slack-clicks.js';

const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const click = (over: Partial<Parameters<typeof clickBody>[0]> = {}) =>
  clickBody({
    user: 'U0ALICE',
    channel: 'C0123456789',
    message: { ts: '1700000000.000100', text: 'nightly-etl failed', blocks: [{ type: 'section' }] },
    button: { action_id: actionId('redrive'), value: encodeButtonValue({ executionArn, redriveCount: 0 }) },
    responseUrl: 'https://hooks.slack.com/actions/T0LOCAL/1/abc',
    ...over,
  });

describe('interactivity payloads', () => {
  it('reads a Redrive click: execution, its state machine, redrive count, user, channel, message', () => {
    const parsed = parseInteraction(click());
    expect(parsed).toEqual({
      kind: 'action',
      origin: { teamId: 'T0LOCAL', appId: 'A0LOCAL' },
      request: {
        action: 'redrive',
        executionArn,
        stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
        redriveCount: 0,
        userId: 'U0ALICE',
        teamId: 'T0LOCAL',
        appId: 'A0LOCAL',
        channelId: 'C0123456789',
        messageTs: '1700000000.000100',
        message: { text: 'nightly-etl failed', blocks: [{ type: 'section' }] },
        responseUrl: 'https://hooks.slack.com/actions/T0LOCAL/1/abc',
      },
    });
  });

  it('reads the mute duration from the action id, and only 1 h or 24 h', () => {
    const value = encodeButtonValue({ executionArn, redriveCount: 2 });
    const mute = parseInteraction(click({ button: { action_id: actionId('mute', 86_400), value } }));
    expect(mute.kind === 'action' && mute.request.muteSeconds).toBe(86_400);
    expect(parseInteraction(click({ button: { action_id: 'sfn-slack:mute:999999', value } }))).toEqual({
      kind: 'ignored',
      reason: 'not a sfn-slack button',
      origin: { teamId: 'T0LOCAL', appId: 'A0LOCAL' },
    });
  });

  it("reads the event's account and region from the value; both or neither, well formed", () => {
    const value = encodeButtonValue({
      executionArn,
      redriveCount: 0,
      account: '111122223333',
      region: 'eu-west-1',
    });
    const parsed = parseInteraction(click({ button: { action_id: actionId('redrive'), value } }));
    expect(parsed.kind === 'action' && parsed.request).toMatchObject({
      sourceAccount: '111122223333',
      sourceRegion: 'eu-west-1',
    });
    for (const forged of [
      JSON.stringify({ e: executionArn, r: 0, a: '111122223333' }),
      JSON.stringify({ e: executionArn, r: 0, g: 'eu-west-1' }),
      JSON.stringify({ e: executionArn, r: 0, a: '1111', g: 'eu-west-1' }),
      JSON.stringify({ e: executionArn, r: 0, a: '111122223333', g: 'eu-west-1; drop' }),
    ]) {
      expect(() =>
        parseInteraction(click({ button: { action_id: actionId('redrive'), value: forged } }))
      ).toThrow(PayloadError);
    }
  });

  it('ignores other apps buttons and other payload types, without failing', () => {
    expect(parseInteraction(click({ button: { action_id: 'approve', value: 'x' } })).kind).toBe('ignored');
    const other = new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission' }) }).toString();
    expect(parseInteraction(other).kind).toBe('ignored');
  });

  it('refuses a forged value: not an execution ARN, a negative count, a state machine ARN', () => {
    for (const value of [
      'not json',
      JSON.stringify({ e: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl', r: 0 }),
      JSON.stringify({ e: executionArn, r: -1 }),
      JSON.stringify({ e: `${executionArn}:extra`, r: 0 }),
      JSON.stringify({ e: executionArn.replace('run-42', 'run 42'), r: 0 }),
    ]) {
      expect(
        () => parseInteraction(click({ button: { action_id: actionId('redrive'), value } })),
        value
      ).toThrow(PayloadError);
    }
  });

  it('refuses bodies that are not a payload, and drops a response URL that is not Slack', () => {
    expect(() => parseInteraction('hello')).toThrow(PayloadError);
    expect(() => parseInteraction('payload=%7Bnot')).toThrow(PayloadError);
    const parsed = parseInteraction(click({ responseUrl: 'https://attacker.example/actions/x' }));
    expect(parsed.kind === 'action' && parsed.request.responseUrl).toBeUndefined();
  });

  it('derives the state machine from an execution ARN, in any partition', () => {
    expect(stateMachineOf('arn:aws-cn:states:cn-north-1:111122223333:execution:etl_1:abc')).toBe(
      'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:etl_1'
    );
    expect(stateMachineOf('arn:aws:states:eu-west-1:111122223333:express:etl:abc:def')).toBeUndefined();
  });
});
