import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import type { Clock } from './clock.js';

/** A JSONata-style error: the runner reports `${code}: ${message}` in the QueryEvaluationError cause. */
function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** States.ArrayRange allows at most 1000 elements; AWS documents $range as its JSONata replacement. */
const MAX_RANGE_ITEMS = 1000;

/** mulberry32 over a 32-bit hash of the seed: same seed, same number, like AWS's seeded $random. */
function seededRandom(seed: number): number {
  let a = Math.trunc(seed) | 0;
  a = (a + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export interface FunctionOptions {
  clock: Clock;
  random: () => number;
}

/**
 * The functions Step Functions adds to JSONata 2.0.6, by name, with their JSONata signatures: which an expression
 * may call, and with what arguments.
 */
export const AWS_FUNCTION_SIGNATURES = {
  partition: '<an:a>',
  range: '<nnn:a>',
  hash: '<ss:s>',
  random: '<n?:n>',
  uuid: '<:s>',
  parse: '<s:j>',
  millis: '<:n>',
  now: '<s?s?:s>',
} as const;

type AwsFunctionName = keyof typeof AWS_FUNCTION_SIGNATURES;
type Implementation = (...args: never[]) => unknown;

const fromMillis = jsonata('$fromMillis($ms, $picture, $timezone)');

/**
 * What each of those functions does ($random with a seed as AWS's), $now and $millis reading the run's clock so that
 * virtual time is consistent.
 */
export function awsFunctions(options: FunctionOptions): Record<AwsFunctionName, Implementation> {
  return {
    partition: (array: unknown[], size: number) => {
      if (!Number.isInteger(size) || size <= 0)
        fail('D3001', `$partition: chunk size must be a positive integer, got ${size}`);
      const chunks: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
    range: (start: number, end: number, step: number) => {
      for (const [label, v] of [
        ['start', start],
        ['end', end],
        ['step', step],
      ] as const) {
        if (!Number.isInteger(v)) fail('D3001', `$range: ${label} must be an integer, got ${v}`);
      }
      if (step === 0) fail('D3001', '$range: step must not be 0');
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
        out.push(v);
        if (out.length > MAX_RANGE_ITEMS) fail('D3001', `$range: more than ${MAX_RANGE_ITEMS} items`);
      }
      // AWS returns a JSONata sequence: one number comes out as that number ($range(1, 9, 9) is 1 on AWS),
      // none as nothing, exactly as JSONata treats the result of a path.
      return Object.assign(out, { sequence: true });
    },
    hash: (data: string, algorithm: string) => {
      const node = HASH_ALGORITHMS[algorithm];
      if (!node)
        fail(
          'D3001',
          `$hash: algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}, got ${algorithm}`
        );
      return createHash(node).update(data, 'utf8').digest('hex');
    },
    random: (seed?: number) => (seed === undefined ? options.random() : seededRandom(seed)),
    uuid: () => randomUUID(),
    parse: (text: string) => {
      try {
        return JSON.parse(text);
      } catch (error) {
        return fail('D3001', `$parse: not valid JSON (${(error as Error).message})`);
      }
    },
    millis: () => options.clock.now(),
    now: (picture?: string, timezone?: string) =>
      fromMillis.evaluate(undefined, {
        ms: options.clock.now(),
        picture,
        timezone,
      }),
  };
}
