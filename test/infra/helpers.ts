import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { DELIVERY_CONFIG_ENV, type DeliveryConfig } from '../../contract/delivery.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { useStandInFunction } from '../../infra/constructs/project-function.js';
import { INTERACTIVITY_FILES } from '../../infra/constructs/slack-actions.js';
import { SlackNotifier, type SlackNotifierProps } from '../../infra/constructs/slack-notifier.js';
import { tempDir } from '../temp-dirs.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A stand-in entry so construct tests do not depend on the real formatter (bundling is skipped anyway). */
export const standInEntry = path.join(repoRoot, 'test/fixtures/infra/formatter-handler.ts');
/**
 * A prebuilt stand-in for the formatter's code. Construct tests use it instead of bundling an entry:
 * NodejsFunction's asset is the whole project folder, which CDK walks on each synthesis (seconds per test
 * file). The real bundling is synthesized by standalone-template.test.ts and, with `npm run test:package`, by
 * cdk-synth.test.ts.
 */
export const standInCode = () =>
  lambda.Code.fromAsset(path.join(repoRoot, 'test/fixtures/infra/formatter-bundle'));
/** Skips asset bundling (esbuild) in unit tests; one test bundles for real. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/**
 * A fresh folder for one app's cloud assembly, removed when the test file ends. An App given no outdir makes a
 * `cdk.out*` folder of its own in the temporary directory when it is constructed and never removes it.
 */
export function testOutdir(): string {
  return tempDir('sfn-slack-cdk-');
}

/**
 * An app whose formatter deploys the prebuilt stand-in and whose interactivity function bundles the stand-in
 * entry (useStandInFunction: an internal hook, no prop of the public construct), with bundling skipped.
 */
export function standInApp(context: Record<string, unknown> = {}): App {
  const app = new App({ outdir: testOutdir(), context: { ...SKIP_BUNDLING, ...context } });
  useStandInFunction(app, FORMATTER_FILES, { code: standInCode });
  useStandInFunction(app, INTERACTIVITY_FILES, { entry: standInEntry });
  return app;
}

/** The repository's cdk.json: the app command `cdk synth` runs and the context. */
export function cdkJsonFile(): { readonly app: string; readonly context: Record<string, unknown> } {
  return JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as {
    app: string;
    context: Record<string, unknown>;
  };
}

/** The context of the repository's cdk.json, as it is in the file. */
export function cdkJsonFileContext(): Record<string, unknown> {
  return cdkJsonFile().context;
}

/**
 * The cdk.json context for apps synthesized in the tests: as in the file, except that annotations stay out of the
 * validation report (`@aws-cdk/core:annotationsInValidationReport`), which an in-process synth prints to stderr:
 * the configuration's warnings would print in every test. The warnings are asserted where they are made
 * (test/infra/notifier-props.test.ts).
 */
export function cdkJsonContext(): Record<string, unknown> {
  return { ...cdkJsonFileContext(), '@aws-cdk/core:annotationsInValidationReport': false };
}

export interface Synthesized {
  readonly stack: Stack;
  readonly notifier: SlackNotifier;
  readonly template: Template;
}

/** One SlackNotifier in a plain stack, synthesized with bundling skipped. */
export function synthNotifier(
  props:
    | (Partial<SlackNotifierProps> & Pick<SlackNotifierProps, 'destination'>)
    | ((stack: Stack) => Partial<SlackNotifierProps> & Pick<SlackNotifierProps, 'destination'>),
  options: { alarmTopic?: boolean } = {}
): Synthesized {
  // Same feature flag as cdk.json: partitions come out as literals when the region is known.
  const app = standInApp({ '@aws-cdk/core:enablePartitionLiterals': true });
  const stack = new Stack(app, 'TestStack', { env: { account: '111122223333', region: 'eu-west-1' } });
  const notifier = new SlackNotifier(stack, 'Notifier', {
    environmentName: 'test',
    ...(options.alarmTopic
      ? {
          alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:111122223333:ops-alarms'),
        }
      : {}),
    ...(typeof props === 'function' ? props(stack) : props),
  });
  return { stack, notifier, template: Template.fromStack(stack) };
}

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
};

/** Every Allow statement of the IAM policies attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleLogicalId)
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statements that grant `action`. */
export function grants(statements: Statement[], action: string): Statement[] {
  return statements.filter(
    (statement) => statement.Effect === 'Allow' && actions(statement).includes(action)
  );
}

/** The logical id of a construct's CloudFormation resource (its default child, or its only CfnResource). */
export function logicalId(stack: Stack, construct: IConstruct): string {
  const child =
    construct.node.defaultChild ?? construct.node.children.find((c) => CfnResource.isCfnResource(c));
  if (!CfnResource.isCfnResource(child))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.getLogicalId(child);
}

/**
 * The delivery function's configuration as deployed: its environment variable, where an Fn::Join of literal text
 * and references leaves each reference as the placeholder `REF`.
 */
export function deliveryConfigOf(template: Template): DeliveryConfig {
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
    (resource) => resource.Properties.Environment?.Variables?.[DELIVERY_CONFIG_ENV] !== undefined
  );
  const value = fn?.Properties.Environment.Variables[DELIVERY_CONFIG_ENV];
  const text =
    typeof value === 'string'
      ? value
      : (value['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text) as DeliveryConfig;
}
