/**
 * The CDK app entry (cdk.json: `node --import tsx/esm infra/app.ts`, without npx’s second of startup, and with
 * tsx's ESM hooks only: aws-cdk-lib's own require() calls, thousands of them, need no TypeScript loader). Select an
 * environment with `-c env=<name>`.
 */
import { ConfigError } from '../contract/settings.js';
import { buildApp } from './build-app.js';

try {
  buildApp().synth();
} catch (error) {
  // A configuration mistake is one line for the person editing cdk.json, not a stack trace.
  if (
    !(error instanceof ConfigError || (error instanceof Error && error.message.startsWith('SlackNotifier: ')))
  ) {
    throw error;
  }
  process.stderr.write(`${error.message}\n`);
  // Exit now: the App would otherwise synthesize what it has at process exit and report on that.
  process.exit(2);
}
