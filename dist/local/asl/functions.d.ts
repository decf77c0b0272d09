import type { Clock } from './clock.js';
export interface FunctionOptions {
    clock: Clock;
    random: () => number;
}
interface RegisteredFunction {
    name: string;
    signature: string;
    implementation: (...args: never[]) => unknown;
}
/**
 * The functions Step Functions adds to JSONata 2.0.6 ($partition, $range, $hash, $random with a seed,
 * $uuid, $parse), plus $now/$millis read from the run's clock so virtual time is consistent.
 */
export declare function awsFunctions(options: FunctionOptions): RegisteredFunction[];
export {};
