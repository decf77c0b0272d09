#!/usr/bin/env node
// The command line is TypeScript run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK prints an 8-line notice on Node 20 (it will need Node 22 from January 2027; see README). It would
// bury the one-line errors this command promises, so it is silenced here unless the user set the variable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../cli/main.ts');
