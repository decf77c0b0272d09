import { type Command } from 'commander';
import type { DeliveryMessage } from '../../formatters/contract.js';
import { type AwsClients, createClients } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import { type EnvOptions } from '../aws/options.js';
export interface DoctorOptions extends EnvOptions {
    readonly sendTest?: boolean;
    /** Channel for the test message (channel mode). @default - the stack's SlackChannel output */
    readonly channel?: string;
    /** Print the checks as one JSON document instead of the checklist. */
    readonly json?: boolean;
}
export interface Check {
    readonly ok: boolean;
    readonly title: string;
    /** What to do when it failed, or a detail when it passed. */
    readonly detail?: string;
}
export declare function register(program: Command, io?: Io, makeClients?: typeof createClients): void;
export declare function runDoctor(options: DoctorOptions, io: Io, clients: AwsClients): Promise<Check[]>;
/** What the rule's event pattern says about `detail.stateMachineArn`. */
export interface WatchList {
    readonly arns: readonly string[];
    readonly prefixes: readonly string[];
}
/** Reads the watched state machines from an EventBridge event pattern (exact ARNs and `prefix` matches). */
export declare function watchListFromPattern(pattern: string): WatchList;
/** The test message posted by `--send-test`, shaped like a real delivery. */
export declare function testDelivery(env: string, at: Date, channel?: string): DeliveryMessage;
/**
 * The delivery state machine's input as the Pipe gives it: an array with one SQS record whose body is the
 * DeliveryMessage JSON. The test goes through the same path as a real notification, minus the queue.
 */
export declare function pipeBatch(message: DeliveryMessage, queueArn: string | undefined, at: Date): unknown[];
