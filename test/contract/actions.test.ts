/** contract/actions.ts: which state machines the actions may touch (the interactivity Lambda's first check). */
import { describe, expect, it } from 'vitest';
import { isWatchedStateMachine, watchedAnywhere } from '../../contract/actions.js';

const machine = (region: string, account: string, name: string) =>
  `arn:aws:states:${region}:${account}:stateMachine:${name}`;

describe('isWatchedStateMachine', () => {
  const single = [
    machine('eu-west-1', '111122223333', 'nightly-etl'),
    `${machine('eu-west-1', '111122223333', 'etl-')}*`,
  ];

  it('a single-account environment: its ARNs, and its name prefixes in its own account and region only', () => {
    expect(isWatchedStateMachine(machine('eu-west-1', '111122223333', 'nightly-etl'), single)).toBe(true);
    expect(isWatchedStateMachine(machine('eu-west-1', '111122223333', 'etl-orders'), single)).toBe(true);
    expect(isWatchedStateMachine(machine('eu-west-1', '111122223333', 'nightly-etl-2'), single)).toBe(false);
    expect(isWatchedStateMachine(machine('eu-west-1', '999900001111', 'etl-orders'), single)).toBe(false);
    expect(isWatchedStateMachine(machine('us-east-1', '111122223333', 'etl-orders'), single)).toBe(false);
  });

  it('a central environment: a name prefix holds in every source account and region, nothing else widens', () => {
    const central = [watchedAnywhere('aws', 'etl-'), machine('eu-west-1', '111122223333', 'nightly-etl')];
    expect(central[0]).toBe('arn:aws:states:*:*:stateMachine:etl-*');
    expect(isWatchedStateMachine(machine('eu-west-1', '777788889999', 'etl-orders'), central)).toBe(true);
    expect(isWatchedStateMachine(machine('us-east-1', '111122223333', 'etl-x'), central)).toBe(true);
    expect(isWatchedStateMachine(machine('eu-west-1', '777788889999', 'payments'), central)).toBe(false);
    // A listed ARN stays exact: the same name elsewhere is not watched.
    expect(isWatchedStateMachine(machine('eu-west-1', '777788889999', 'nightly-etl'), central)).toBe(false);
  });
});
