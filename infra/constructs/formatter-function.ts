/**
 * The formatter Lambda (formatters/formatter/handler.ts): arm64, Node.js 24, JSON logs with Powertools, X-Ray, its
 * own log group, stack traces mapped to the sources on demand. In a checkout it is bundled from its source by
 * NodejsFunction (local esbuild); the installed package holds no TypeScript source but the bundle `npm run build`
 * made (dist/formatter-bundle, with its templates), which deploys as is: the user's app needs neither esbuild nor
 * Docker. Custom templates ride in a layer, so the prebuilt formatter gets them too.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import jsonata from 'jsonata';
import { ConfigError } from '../../contract/errors.js';
import { CUSTOM_TEMPLATE_PREFIX, LAYER_DIR, TEMPLATES_DIR_ENV } from '../../contract/templates.js';
import { type FunctionFiles, projectFunction, REPO_ROOT } from './project-function.js';

export const FORMATTER_FILES: FunctionFiles = {
  source: path.join(REPO_ROOT, 'formatters', 'formatter', 'handler.ts'),
  bundle: path.join(REPO_ROOT, 'formatter-bundle'),
} as const;

export function formatterFunction(
  scope: Construct,
  options: {
    readonly environmentName: string;
    readonly logRetention: logs.RetentionDays;
    /** id → path of the custom templates the routes name (`custom/<id>`). */
    readonly customTemplates: Readonly<Record<string, string>>;
  }
): lambda.Function {
  const env = options.environmentName;
  const logGroup = new logs.LogGroup(scope, 'FormatterLogGroup', { retention: options.logRetention });
  const formatterProps = {
    description: `sfn-slack-notifier (${env}): execution history to a Slack message`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    timeout: Duration.seconds(60),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: {
      POWERTOOLS_SERVICE_NAME: 'sfn-slack-notifier',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // No --enable-source-maps: the handler maps its stack traces itself, reading the map on the first one
      // (formatters/shared/stack-traces.ts); Node's flag reads it at every cold start (docs/performance.md).
    },
  } satisfies Partial<lambda.FunctionProps>;
  const formatter = projectFunction(scope, 'Formatter', {
    functionProps: formatterProps,
    files: FORMATTER_FILES,
    // The JSONata templates are read from files at run time: ship them next to the bundle.
    afterBundling: (inputDir, outputDir) => [
      `if [ -d "${inputDir}/formatters/formatter/templates" ]; then cp -R "${inputDir}/formatters/formatter/templates" "${outputDir}/templates"; fi`,
    ],
  });
  // Custom templates ride in a layer, not in the bundle: the package's prebuilt formatter gets them too. The
  // settings name them custom/<id>.
  if (Object.keys(options.customTemplates).length > 0) {
    formatter.addLayers(
      new lambda.LayerVersion(scope, 'CustomTemplates', {
        description: `sfn-slack-notifier (${env}): the custom message templates the routes name`,
        code: lambda.Code.fromAsset(stageCustomTemplates(options.customTemplates)),
        compatibleRuntimes: [formatterProps.runtime],
        compatibleArchitectures: [formatterProps.architecture],
      })
    );
    formatter.addEnvironment(TEMPLATES_DIR_ENV, LAYER_DIR);
  }
  return formatter;
}

/**
 * A folder holding `custom/<id>.jsonata` for each custom template: the custom templates layer's content (Lambda
 * mounts it under /opt). CDK copies it into the cloud assembly, so a temporary folder is enough.
 */
function stageCustomTemplates(templates: Readonly<Record<string, string>>): string {
  const files = Object.entries(templates)
    .map(([id, file]) => [`${id}.jsonata`, readFileSync(path.resolve(file), 'utf8')] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  // Named after the content, not a fresh temporary name: every synth (and test run) of the same templates reuses
  // one folder instead of leaving a new one behind.
  const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
  const root = path.join(os.tmpdir(), `sfn-slack-templates-${digest}`);
  const folder = path.join(root, CUSTOM_TEMPLATE_PREFIX);
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(folder, name), text);
  return root;
}

/** A custom template must compile at synth: a typo fails `cdk synth`, not every notification. */
export function compileCustomTemplate(id: string, absolute: string): void {
  const file = path.relative(process.cwd(), absolute) || absolute;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(
      `SlackNotifier: custom template ${file} cannot be read; check the path (relative to cdk.json)`
    );
  }
  try {
    jsonata(source);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    throw new ConfigError(
      `SlackNotifier: custom template ${file} (custom/${id}) does not compile: ${e.message ?? String(error)}${
        typeof e.position === 'number' ? ` at position ${e.position}` : ''
      }`
    );
  }
}
