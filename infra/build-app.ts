/**
 * Builds the CDK app: one `SfnSlackNotifier-<env>` stack per selected environment (`-c env=<name>`, or all of
 * them), plus `SfnSlackNotifierSource-<env>` for a central environment (one with `sources`), checked by cdk-nag (AwsSolutions and Serverless packs) during synthesis.
 */
import { App, type AppProps, type IStackSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadEnvironments } from '../contract/settings.js';
import {
  type FunctionFiles,
  type FunctionStandIn,
  useStandInFunction,
} from './constructs/project-function.js';
import { NotifierStack, notifierStackName } from './stacks/notifier-stack.js';
import { SourceStack, sourceStackName } from './stacks/source-stack.js';

export interface BuildAppOptions {
  /**
   * Functions of the project deployed as stand-ins: prebuilt code or another entry (tests that need no real
   * bundle of them).
   * @default - each function bundled from its own source
   */
  readonly standIns?: ReadonlyArray<readonly [FunctionFiles, FunctionStandIn]>;
  /**
   * Makes each stack's synthesizer (scripts/standalone-template.ts: assets from template parameters).
   * @default - the CDK's default synthesizer (a bootstrapped account)
   */
  readonly synthesizer?: () => IStackSynthesizer;
}

export function buildApp(props?: AppProps, options: BuildAppOptions = {}): App {
  const app = new App(props);
  for (const [files, standIn] of options.standIns ?? []) useStandInFunction(app, files, standIn);
  const environments = loadEnvironments(
    app.node.tryGetContext('environments'),
    app.node.tryGetContext('env')
  );
  for (const config of environments) {
    const stackName = notifierStackName(config.name);
    new NotifierStack(app, stackName, {
      stackName,
      description: `sfn-slack-notifier (${config.name}): Step Functions execution results in Slack`,
      config,
      ...(options.synthesizer === undefined ? {} : { synthesizer: options.synthesizer() }),
      ...(config.account === undefined && config.region === undefined
        ? {}
        : { env: { account: config.account, region: config.region } }),
    });
    // A central environment also writes the one source stack template its StackSet deploys everywhere.
    if (config.sources) {
      const sourceName = sourceStackName(config.name);
      new SourceStack(app, sourceName, {
        stackName: sourceName,
        description: `sfn-slack-notifier (${config.name}) source: forwards Step Functions status changes to the central bus and lets the central notifier read histories; deploy with a StackSet (docs/infra.md)`,
        config,
      });
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return app;
}
