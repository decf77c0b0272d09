import { describe, expect, it } from 'vitest';
import { runStateMachine, VirtualClock } from '../../../local/asl/index.js';
import { machine, types } from './helpers.js';

/** Runs one Pass state whose Output is `output` and returns the result. */
function pass(output: unknown, input: unknown = {}, random?: () => number) {
  const options = random ? { resources: {}, random } : { resources: {} };
  return runStateMachine(machine({ P: { Type: 'Pass', Output: output, End: true } }), input, options);
}

async function value(expression: string, input: unknown = {}): Promise<unknown> {
  const result = await pass(`{% ${expression} %}`, input);
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
  return result.output;
}

describe('{% %} templates', () => {
  it('evaluates expressions nested anywhere in a value, and never object keys', async () => {
    const result = await pass(
      { '{% $states.input.k %}': ['{% $states.input.k %}', { deep: '{%$states.input.n+1%}' }], n: 1 },
      { k: 'v', n: 1 }
    );
    expect(result.output).toEqual({ '{% $states.input.k %}': ['v', { deep: 2 }], n: 1 });
  });

  it('treats a string with whitespace outside the delimiters as a literal', async () => {
    const result = await pass({ a: ' {% 1 + 1 %}', b: '{% 1 + 1 %} ', c: '{% 1 + 1 %}' });
    expect(result.output).toEqual({ a: ' {% 1 + 1 %}', b: '{% 1 + 1 %} ', c: 2 });
  });

  it('turns JSONata sequences into plain arrays', async () => {
    expect(await value('$states.input.items.id', { items: [{ id: 1 }, { id: 2 }] })).toEqual([1, 2]);
  });
});

describe('States.QueryEvaluationError', () => {
  it('is raised, with AWS-style cause and an EvaluationFailed event, when an expression returns nothing', async () => {
    const result = await pass({ FunctionResult: '{% $states.input.missing %}' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toBe(
      "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression " +
        "'$states.input.missing' specified for the field 'Output/FunctionResult' returned nothing (undefined)."
    );
    const failed = result.events.find((e) => e.type === 'EvaluationFailed');
    expect(failed?.details).toMatchObject({
      state: 'P',
      location: 'Output/FunctionResult',
      error: 'States.QueryEvaluationError',
    });
    expect(types(result.events).slice(-2)).toEqual(['EvaluationFailed', 'ExecutionFailed']);
  });

  it('is raised when an expression throws, with the JSONata error code in the cause', async () => {
    const result = await pass({ FunctionResult: '{% $randomSeeded($states.input.x) %}' }, { x: 1 });
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain(
      "The JSONata expression '$randomSeeded($states.input.x)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    );
  });

  it('does not offer $eval (AWS removes it; $parse replaces it)', async () => {
    const result = await pass('{% $eval("1 + 1") %}');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain('T1006');
  });

  it('refuses a function value as a JSON result', async () => {
    const result = await pass('{% function($x) { $x } %}');
    expect(result.error).toBe('States.QueryEvaluationError');
  });
});

describe('functions Step Functions adds to JSONata', () => {
  it('$partition splits an array into chunks', async () => {
    expect(await value('$partition([1,2,3,4,5,6,7,8,9], 4)')).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('$range is inclusive, with a step that may be negative', async () => {
    expect(await value('$range(0, 10, 2)')).toEqual([0, 2, 4, 6, 8, 10]);
    expect(await value('$range(3, 1, -1)')).toEqual([3, 2, 1]);
  });

  it('$hash computes hex digests with the five documented algorithms', async () => {
    expect(await value("$hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(await value("$hash('abc', 'SHA-1')")).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(await value("$hash('abc', 'SHA-256')")).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    );
    expect(await value("$hash('abc', 'SHA-384')")).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'
    );
    expect(await value("$hash('abc', 'SHA-512')")).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'
    );
    const bad = await pass("{% $hash('abc', 'SHA-3') %}");
    expect(bad.error).toBe('States.QueryEvaluationError');
  });

  it('$random gives the same number for the same seed, and uses the run random source without one', async () => {
    const a = await value('$random(7)');
    const b = await value('$random(7)');
    const c = await value('$random(8)');
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
    const unseeded = await pass('{% $random() %}', {}, () => 0.125);
    expect(unseeded.output).toBe(0.125);
  });

  it('$uuid returns a v4 UUID', async () => {
    expect(await value('$uuid()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
  });

  it('$parse deserializes a JSON string and fails on invalid JSON', async () => {
    expect(await value('$parse($states.input.body).ok', { body: '{"ok":true}' })).toBe(true);
    const bad = await pass('{% $parse("{nope") %}');
    expect(bad.error).toBe('States.QueryEvaluationError');
  });

  it('$now and $millis read the run clock', async () => {
    const def = machine({
      Nap: { Type: 'Wait', Seconds: 90, Next: 'P' },
      P: { Type: 'Pass', Output: { now: '{% $now() %}', millis: '{% $millis() %}' }, End: true },
    });
    const result = await runStateMachine(
      def,
      {},
      { resources: {}, clock: new VirtualClock(Date.UTC(2030, 4, 6)) }
    );
    expect(result.output).toEqual({
      now: '2030-05-06T00:01:30.000Z',
      millis: Date.UTC(2030, 4, 6, 0, 1, 30),
    });
  });

  it('executions on different clocks, interleaved, each read their own (the compiled expression is shared)', async () => {
    // One expression text for both runs: $millis called directly, inside a lambda and inside $map, after a
    // Wait that lets the other run evaluate in between.
    const def = machine({
      Nap: { Type: 'Wait', Seconds: 1, Next: 'P' },
      P: {
        Type: 'Pass',
        Output:
          '{% ( $at := function() { $millis() }; [$millis(), $at(), $map([1], function() { $millis() })[0], $random()] ) %}',
        End: true,
      },
    });
    const run = (start: number, random: number) =>
      runStateMachine(def, {}, { resources: {}, clock: new VirtualClock(start), random: () => random });
    const [early, late] = await Promise.all([
      run(Date.UTC(2030, 0, 1), 0.25),
      run(Date.UTC(2031, 0, 1), 0.75),
    ]);
    const early1 = Date.UTC(2030, 0, 1, 0, 0, 1);
    const late1 = Date.UTC(2031, 0, 1, 0, 0, 1);
    expect(early.output).toEqual([early1, early1, early1, 0.25]);
    expect(late.output).toEqual([late1, late1, late1, 0.75]);
  });

  it('keeps the JSONata 2.0.6 built-ins', async () => {
    expect(await value("$join($map([1,2], function($v) { $string($v * 2) }), ',')")).toBe('2,4');
  });
});
