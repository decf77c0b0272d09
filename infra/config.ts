/**
 * Per-environment configuration: the contract module (contract/settings.ts) defines and validates it; infra
 * reads it from cdk.json context through here.
 */
export {
  type ActionsConfig,
  ConfigError,
  type DestinationConfig,
  ENV_NAME,
  type EnvironmentConfig,
  loadEnvironments,
  parseEnvironment,
  type StormSettings,
} from '../contract/settings.js';
export type { SourcesConfig } from '../contract/sources.js';
export { DEFAULT_STATUSES, EXECUTION_STATUSES, type ExecutionStatus } from '../contract/statuses.js';
export { DEFAULT_TEMPLATE } from '../contract/templates.js';
