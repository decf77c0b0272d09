import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
/** A JSONata-style error: the runner reports `${code}: ${message}` in the QueryEvaluationError cause. */
function fail(code, message) {
    throw Object.assign(new Error(message), { code });
}
const HASH_ALGORITHMS = {
    MD5: 'md5',
    'SHA-1': 'sha1',
    'SHA-256': 'sha256',
    'SHA-384': 'sha384',
    'SHA-512': 'sha512',
};
/** States.ArrayRange allows at most 1000 elements; AWS documents $range as its JSONata replacement. */
const MAX_RANGE_ITEMS = 1000;
/** mulberry32 over a 32-bit hash of the seed: same seed, same number, like AWS's seeded $random. */
function seededRandom(seed) {
    let a = Math.trunc(seed) | 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const fromMillis = jsonata('$fromMillis($ms, $picture, $timezone)');
/**
 * The functions Step Functions adds to JSONata 2.0.6 ($partition, $range, $hash, $random with a seed,
 * $uuid, $parse), plus $now/$millis read from the run's clock so virtual time is consistent.
 */
export function awsFunctions(options) {
    return [
        {
            name: 'partition',
            signature: '<an:a>',
            implementation: ((array, size) => {
                if (!Number.isInteger(size) || size <= 0)
                    fail('D3001', `$partition: chunk size must be a positive integer, got ${size}`);
                const chunks = [];
                for (let i = 0; i < array.length; i += size)
                    chunks.push(array.slice(i, i + size));
                return chunks;
            }),
        },
        {
            name: 'range',
            signature: '<nnn:a>',
            implementation: ((start, end, step) => {
                for (const [label, v] of [
                    ['start', start],
                    ['end', end],
                    ['step', step],
                ]) {
                    if (!Number.isInteger(v))
                        fail('D3001', `$range: ${label} must be an integer, got ${v}`);
                }
                if (step === 0)
                    fail('D3001', '$range: step must not be 0');
                const out = [];
                for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
                    out.push(v);
                    if (out.length > MAX_RANGE_ITEMS)
                        fail('D3001', `$range: more than ${MAX_RANGE_ITEMS} items`);
                }
                return out;
            }),
        },
        {
            name: 'hash',
            signature: '<ss:s>',
            implementation: ((data, algorithm) => {
                const node = HASH_ALGORITHMS[algorithm];
                if (!node)
                    fail('D3001', `$hash: algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}, got ${algorithm}`);
                return createHash(node).update(data, 'utf8').digest('hex');
            }),
        },
        {
            name: 'random',
            signature: '<n?:n>',
            implementation: ((seed) => seed === undefined ? options.random() : seededRandom(seed)),
        },
        { name: 'uuid', signature: '<:s>', implementation: () => randomUUID() },
        {
            name: 'parse',
            signature: '<s:j>',
            implementation: ((text) => {
                try {
                    return JSON.parse(text);
                }
                catch (error) {
                    return fail('D3001', `$parse: not valid JSON (${error.message})`);
                }
            }),
        },
        { name: 'millis', signature: '<:n>', implementation: () => options.clock.now() },
        {
            name: 'now',
            signature: '<s?s?:s>',
            implementation: ((picture, timezone) => fromMillis.evaluate(undefined, {
                ms: options.clock.now(),
                picture,
                timezone,
            })),
        },
    ];
}
