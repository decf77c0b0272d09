/** The CDK app entry (cdk.json: `npx tsx infra/app.ts`). Select an environment with `-c env=<name>`. */
import { buildApp } from './build-app.js';

buildApp().synth();
