import { describe, expect, it } from 'vitest';
import { runStateMachine } from '../../../local/asl/index.js';
import { LAMBDA, machine } from './helpers.js';

const KIB = 1024;

describe('256 KiB payload limit', () => {
  it('fails a task result over the limit before Output could trim it', async () => {
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, Output: '{% $length($states.result.blob) %}', End: true },
    });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: { [LAMBDA]: async () => ({ blob: 'x'.repeat(256 * KIB) }) },
      }
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('accepts a result of exactly 256 KiB of UTF-8 JSON and refuses one byte more', async () => {
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, Output: '{% $length($states.result) %}', End: true },
    });
    // JSON of a string is its characters plus two quotes; 'é' is two UTF-8 bytes.
    const exact = `${'é'.repeat(1000)}${'x'.repeat(256 * KIB - 2 - 2000)}`;
    const ok = await runStateMachine(def, {}, { resources: { [LAMBDA]: async () => exact } });
    expect(ok).toMatchObject({ status: 'SUCCEEDED', output: exact.length });
    const over = await runStateMachine(def, {}, { resources: { [LAMBDA]: async () => `${exact}x` } });
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('fails a state whose output is over the limit', async () => {
    const def = machine({ Grow: { Type: 'Pass', Output: "{% $pad('', 270000, 'y') %}", End: true } });
    const result = await runStateMachine(def, {}, { resources: {} });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(result.cause).toContain("'Grow'");
  });

  it('fails Arguments over the limit before calling the resource', async () => {
    let called = false;
    const def = machine({
      Call: { Type: 'Task', Resource: LAMBDA, Arguments: { p: "{% $pad('', 270000, 'z') %}" }, End: true },
    });
    const result = await runStateMachine(
      def,
      {},
      {
        resources: {
          [LAMBDA]: async () => {
            called = true;
            return {};
          },
        },
      }
    );
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(called).toBe(false);
  });

  it('fails an execution whose input is over the limit before any state runs', async () => {
    const def = machine({ P: { Type: 'Pass', End: true } });
    const result = await runStateMachine(def, { big: 'x'.repeat(300 * KIB) }, { resources: {} });
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      stateTransitions: 0,
    });
  });

  it('honours payloadLimitBytes', async () => {
    const def = machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } });
    const result = await runStateMachine(
      def,
      {},
      { payloadLimitBytes: 10, resources: { [LAMBDA]: async () => 'more than ten' } }
    );
    expect(result.error).toBe('States.DataLimitExceeded');
  });
});
