import { type DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import type { StatusChangeEvent } from '../../formatters/contract.js';
import { type AwsClients, createClients } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import { type EnvOptions } from '../aws/options.js';
export interface RenotifyOptions extends EnvOptions {
    readonly executionArn?: string;
    /** Start a new notifier execution even if this one was already renotified. */
    readonly force?: boolean;
    readonly dryRun?: boolean;
}
export declare function register(program: Command, io?: Io, makeClients?: typeof createClients): void;
export declare function runRenotify(options: RenotifyOptions, io: Io, clients: AwsClients): Promise<void>;
/** The EventBridge event the rule would have delivered for this execution. */
export declare function statusChangeEvent(execution: DescribeExecutionOutput): StatusChangeEvent & Record<string, unknown>;
/**
 * `renotify-<hash>`: one name per execution, status and redrive count (names are unique per state machine
 * for 90 days). With `at`, a new name for a deliberate second notification.
 */
export declare function renotifyExecutionName(event: StatusChangeEvent, at?: Date): string;
