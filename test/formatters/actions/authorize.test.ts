import { describe, expect, it } from 'vitest';
import type { ActionsPolicy } from '../../../contract/actions.js';
import { authorize } from '../../../formatters/actions/authorize.js';

const policy: ActionsPolicy = {
  redrive: { users: ['U0ALICE'], userGroups: ['S0ONCALL'] },
  stop: { users: ['U0ALICE'], userGroups: [] },
  mute: { users: [], userGroups: [] },
};
const watched = [
  'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
  'arn:aws:states:eu-west-1:111122223333:stateMachine:etl-*',
];
const machine = (name: string) => `arn:aws:states:eu-west-1:111122223333:stateMachine:${name}`;

describe('authorize', () => {
  it('allows a listed user on a watched machine, by ARN or by name prefix', () => {
    expect(
      authorize(
        { action: 'redrive', userId: 'U0ALICE', stateMachineArn: machine('nightly-etl') },
        policy,
        watched
      )
    ).toEqual({ kind: 'allowed' });
    expect(
      authorize(
        { action: 'stop', userId: 'U0ALICE', stateMachineArn: machine('etl-orders') },
        policy,
        watched
      )
    ).toEqual({ kind: 'allowed' });
  });

  it('leaves a user who is not listed to the groups, when the action has some', () => {
    expect(
      authorize(
        { action: 'redrive', userId: 'U0BOB', stateMachineArn: machine('nightly-etl') },
        policy,
        watched
      )
    ).toEqual({
      kind: 'check-groups',
      userGroups: ['S0ONCALL'],
    });
  });

  it('refuses an unknown user when no group can allow them, and everyone for an action nobody may do', () => {
    expect(
      authorize({ action: 'stop', userId: 'U0BOB', stateMachineArn: machine('nightly-etl') }, policy, watched)
    ).toEqual({ kind: 'refused', reason: 'not-allowed' });
    expect(
      authorize(
        { action: 'mute', userId: 'U0ALICE', stateMachineArn: machine('nightly-etl') },
        policy,
        watched
      )
    ).toEqual({ kind: 'refused', reason: 'not-allowed' });
  });

  it('refuses an execution of a machine the environment does not watch, even for a listed user', () => {
    for (const arn of [
      machine('payments'),
      machine('nightly-etl-2'),
      'arn:aws:states:eu-west-1:999999999999:stateMachine:etl-x',
    ]) {
      expect(
        authorize({ action: 'redrive', userId: 'U0ALICE', stateMachineArn: arn }, policy, watched),
        arn
      ).toEqual({ kind: 'refused', reason: 'not-watched' });
    }
  });

  it("refuses a click whose execution is not of the account and region of its message's event, for a listed user too", () => {
    const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-1';
    const click = {
      action: 'redrive' as const,
      userId: 'U0ALICE',
      stateMachineArn: machine('nightly-etl'),
      executionArn,
    };
    expect(
      authorize({ ...click, sourceAccount: '111122223333', sourceRegion: 'eu-west-1' }, policy, watched)
    ).toEqual({
      kind: 'allowed',
    });
    for (const [sourceAccount, sourceRegion] of [
      ['444455556666', 'eu-west-1'],
      ['111122223333', 'us-east-1'],
      ['111122223333', undefined],
    ]) {
      expect(authorize({ ...click, sourceAccount, sourceRegion }, policy, watched)).toEqual({
        kind: 'refused',
        reason: 'wrong-source',
      });
    }
    // Values rendered before the envelope was recorded: checked as before.
    expect(authorize(click, policy, watched)).toEqual({ kind: 'allowed' });
  });
});
