import type { Command } from 'commander';
import { type AwsClients, createClients } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import { type EnvOptions } from '../aws/options.js';
export interface ReplayOptions extends EnvOptions {
    readonly dryRun?: boolean;
    readonly notifier?: boolean;
    /** Seconds between progress polls. */
    readonly pollSeconds?: number;
}
/** Step Functions can redrive an execution only within 14 days of its close. */
export declare const REDRIVE_WINDOW_DAYS = 14;
export declare function register(program: Command, io?: Io, makeClients?: typeof createClients): void;
export declare function runReplay(options: ReplayOptions, io: Io, clients: AwsClients): Promise<void>;
/** A client token per execution and redrive count, so a retried replay never redrives the same failure twice. */
export declare function redriveClientToken(executionArn: string, redriveCount: number): string;
