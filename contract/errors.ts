/** A configuration mistake; the message is one line meant for the person editing cdk.json. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
