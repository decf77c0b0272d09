/** The Powertools logger every Lambda of the project logs with. */
import { Logger } from '@aws-lambda-powertools/logger';

/** Service name in the logs when `POWERTOOLS_SERVICE_NAME` is unset. */
export const DEFAULT_SERVICE_NAME = 'sfn-slack-notifier';

/**
 * The Powertools logger, configured by the environment as the stack sets it: `POWERTOOLS_SERVICE_NAME`
 * (@default `sfn-slack-notifier`) and the log level from `POWERTOOLS_LOG_LEVEL` or the function's
 * `AWS_LAMBDA_LOG_LEVEL` (@default INFO). Nothing is hard-coded over them: a constructor option would win.
 */
export function createLogger(): Logger {
  return new Logger(process.env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME });
}
