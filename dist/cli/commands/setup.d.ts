import type { Command } from 'commander';
import { type AwsClients, createClients } from '../aws/clients.js';
import { type Io } from '../aws/io.js';
import { type EnvOptions } from '../aws/options.js';
export interface SetupOptions extends EnvOptions {
    /** Store an incoming-webhook URL instead of a bot token. */
    readonly webhook?: boolean;
}
/** The default SSM parameter the webhook mode reads at delivery time (cdk.json may name another). */
export declare function webhookParameterName(env: string): string;
export declare function register(program: Command, io?: Io, makeClients?: typeof createClients): void;
export declare function runSetup(options: SetupOptions, io: Io, clients: AwsClients): Promise<void>;
