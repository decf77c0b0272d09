import type { AwsOptions } from './clients.js';
export type Environment = Readonly<Record<string, string | undefined>>;
/** Where the region came from, for messages. */
export type RegionSource = '--region' | 'the ARN' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'the profile';
export interface AwsContext extends AwsOptions {
    readonly regionSource?: RegionSource;
}
interface SharedProfiles {
    /** Profile name → its settings, from both files (the config file's `[profile x]` and `[default]`). */
    readonly profiles: ReadonlyMap<string, Readonly<Record<string, string>>>;
    readonly files: readonly string[];
}
/** Reads the shared config and credentials files; a missing file is an empty one. */
export declare function readSharedProfiles(env: Environment): Promise<SharedProfiles>;
/**
 * The profile and region a command's AWS calls use, or a CliError saying which setting is missing and how to
 * give it. `arn` is the resource the command works on, when it has one.
 */
export declare function resolveAwsContext(options: AwsOptions, env: Environment, arn?: string): Promise<AwsContext>;
export {};
