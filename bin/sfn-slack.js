#!/usr/bin/env node
// In a checkout the command line runs from its TypeScript source through tsx (no build step); the installed
// package runs the compiled dist/ (npm run build), and holds no source.
import { existsSync } from 'node:fs';

// The AWS SDK prints an 8-line notice on Node 20 (it will need Node 22 from January 2027; see README). It would
// bury the one-line errors this command promises, so it is silenced here unless the user set the variable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const source = new URL('../cli/main.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/cli/main.js');
}
cli.stopQuietlyOnBrokenPipe(process.stdout);
cli.stopQuietlyOnBrokenPipe(process.stderr);
process.exitCode = await cli.main(process.argv);
