/**
 * Turns what the AWS SDK throws into one line the operator can act on, exit code 3 (AWS unreachable or
 * refused). Errors that are already CliErrors pass through unchanged.
 */
import { CliError } from '../errors.js';
/**
 * Maps an error from an AWS call to a CliError.
 * @param action what was being done, e.g. `read the stack SfnSlackNotifier-dev`, used in the message
 */
export declare function toCliError(error: unknown, action: string): CliError;
/** Runs an AWS call, mapping any failure with `toCliError`. */
export declare function aws<T>(action: string, call: () => Promise<T>): Promise<T>;
