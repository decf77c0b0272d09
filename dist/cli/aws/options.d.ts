import type { AwsOptions } from './clients.js';
export interface EnvOptions extends AwsOptions {
    readonly env?: string;
}
/** The environment name, or a CliError that says how to give one. */
export declare function resolveEnv(options: EnvOptions): string;
