/**
 * The AWS clients factory the commands' registrations default to. cli/aws/clients.ts imports every AWS SDK client
 * package, so it is loaded only once a command that calls AWS runs: `--version`, `--help` and the usage errors
 * never pay for it (docs/cli.md, "How the commands are laid out").
 */
import type { AwsClients, AwsOptions } from './clients.js';

/** Builds a command's AWS clients; tests pass their own (clients against mocks, or a recorder). */
export type MakeClients = (options: AwsOptions) => AwsClients | Promise<AwsClients>;

/** `createClients` of cli/aws/clients.ts, imported on the first call. */
export const loadClients: MakeClients = async (options) => {
  const { createClients } = await import('./clients.js');
  return createClients(options);
};
