/**
 * deliver.asl.json's mute check (Mute buttons, docs/actions.md), state by state: which news it applies to, the
 * item it reads, when it skips, and that a skipped notification is counted. End to end in test/e2e/actions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MUTE_SORT_PREFIX } from '../../infra/actions-schema.js';
import { type Definition, evaluate, readAsl, state } from './asl-helpers.js';

const definition = JSON.parse(readAsl('deliver.asl.json')) as Definition;
const machine = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';
const notification = { status: 'FAILED', stateMachineArn: machine, payload: { channel: 'C0123456789' } };
const check = {
  check: 'runningLongerThan',
  channel: 'C0123456789',
  executionArn: 'x',
  stateMachineArn: machine,
};

async function next(name: string, variables: Record<string, unknown>): Promise<string> {
  const choice = state(definition, name);
  for (const rule of choice.Choices as Array<{ Condition: string; Next: string }>) {
    if ((await evaluate(rule.Condition, { input: {} }, variables)) === true) return rule.Next;
  }
  return choice.Default as string;
}

describe('deliver.asl.json: mute', () => {
  it('runs first, for notifications that name their state machine; a runningLongerThan check is never muted', async () => {
    expect(definition.StartAt).toBe('Read');
    expect(state(definition, 'Read').Next).toBe('MuteApplies');
    expect(await next('MuteApplies', { msg: notification })).toBe('LoadMute');
    expect(await next('MuteApplies', { msg: check })).toBe('Load');
    expect(
      await next('MuteApplies', { msg: { status: 'FAILED', payload: { channel: 'C0123456789' } } })
    ).toBe('Load');
  });

  it('reads the mute item of this destination and state machine', async () => {
    const load = state(definition, 'LoadMute');
    expect(load.Resource).toBe('arn:aws:states:::dynamodb:getItem');
    const key = await evaluate((load.Arguments as { Key: string }).Key, { input: {} }, { msg: notification });
    expect(key).toEqual({ pk: { S: 'C0123456789' }, sk: { S: `${MUTE_SORT_PREFIX}${machine}` } });
    const assign = (load.Assign as { muteUntil: string }).muteUntil;
    expect(await evaluate(assign, { input: {}, result: { Item: { muteUntil: { N: '1800000000' } } } })).toBe(
      1_800_000_000
    );
    expect(await evaluate(assign, { input: {}, result: {} })).toBe(0);
  });

  it('skips while the mute lasts, delivers after it ends, and counts what it skipped', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await next('IsMuted', { muteUntil: now + 600 })).toBe('CountMuted');
    expect(await next('IsMuted', { muteUntil: now - 1 })).toBe('Load');
    expect(await next('IsMuted', { muteUntil: 0 })).toBe('Load');
    const count = state(definition, 'CountMuted');
    expect(count.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect((count.Arguments as { UpdateExpression: string }).UpdateExpression).toBe('ADD #muted :one');
    expect(count.End).toBe(true);
  });
});
