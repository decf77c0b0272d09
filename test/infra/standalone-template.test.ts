/**
 * The standalone CloudFormation template (scripts/standalone-template.ts) for users without the CDK: its assets
 * are parameters (no bootstrap), the asset zip it writes holds the bundled formatter with its templates, and
 * that bundle runs.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DELIVERY_CONFIG_ENV } from '../../contract/delivery.js';
import { DELIVERY_FILES } from '../../infra/constructs/delivery-machine.js';
import { FORMATTER_FILES } from '../../infra/constructs/formatter-function.js';
import { SETTING_CONDITIONS, SETTING_PARAMETERS } from '../../infra/standalone-parameters.js';
import { ASSET_PARAMETERS } from '../../infra/standalone-synthesizer.js';
import { runTemplateCli, TEMPLATE_HELP, writeStandaloneTemplate } from '../../scripts/standalone-template.js';
import { firstMessage, historyUnavailableInput } from '../fixtures/formatter-input.js';
import { validateAsl } from '../statemachines/asl-helpers.js';
import { tempDir } from '../temp-dirs.js';
import { standInCode } from './helpers.js';

const out = tempDir('sfn-slack-standalone-test-');

// One synthesis (the formatter with the real esbuild bundling, both cdk-nag packs) shared by the tests below. The
// delivery Lambda deploys the prebuilt stand-in: its bundle is the same NodejsFunction path the real `cdk synth`
// test bundles (test/infra/cdk-synth.test.ts, run by `npm run test:package`), and one real bundle here shows the zips. The CDK prints its
// bundling progress on standard error; the test output carries results only.
const { template: templateFile, assets } = quietly(() =>
  writeStandaloneTemplate('prod', out, { standIns: [[DELIVERY_FILES, { code: standInCode }]] })
);
const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Rules?: unknown;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};
type Template = typeof template & {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Value: unknown }>;
};

function quietly<T>(run: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return run();
  } finally {
    process.stderr.write = write;
  }
}

describe('npm run template -- --env prod', () => {
  it('takes where the assets are and the settings as parameters, the settings defaulting to cdk.json: no CDK bootstrap needed', () => {
    expect(path.basename(templateFile)).toBe('SfnSlackNotifier-prod.template.json');
    // prod: a webhook environment written with the shorthand keys, its alarms to a topic of its own.
    expect(Object.keys(template.Parameters).sort()).toEqual(
      [
        ASSET_PARAMETERS.bucket,
        ASSET_PARAMETERS.prefix,
        SETTING_PARAMETERS.statuses,
        SETTING_PARAMETERS.mention,
        SETTING_PARAMETERS.template,
        SETTING_PARAMETERS.webhookParameterName,
        SETTING_PARAMETERS.alarmTopicArn,
      ].sort()
    );
    expect(template.Parameters[ASSET_PARAMETERS.prefix]?.Default).toBe('');
    expect(template.Rules).toBeUndefined();
    expect(defaults(template as Template)).toEqual({
      Statuses: 'FAILED,TIMED_OUT,ABORTED,SUCCEEDED',
      MentionOnFailure: '<!subteam^S0123ABCD>',
      Template: 'detailed',
      WebhookParameterName: '/prod/SLACK_URL',
      AlarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops-alarms',
    });
  });

  it('points the formatter and delivery Lambdas at <AssetsPrefix><hash>.zip in AssetsBucket, the zips it wrote', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const code = functions.map((f) => f.Properties.Code as { S3Bucket: unknown; S3Key: unknown });
    expect(code).toHaveLength(2);
    expect(assets).toHaveLength(2);
    for (const c of code) expect(c.S3Bucket).toEqual({ Ref: ASSET_PARAMETERS.bucket });
    expect(code.map((c) => JSON.stringify(c.S3Key)).sort()).toEqual(
      assets
        .map((a) =>
          JSON.stringify({ 'Fn::Join': ['', [{ Ref: ASSET_PARAMETERS.prefix }, path.basename(a)]] })
        )
        .sort()
    );
  });

  it('zips the bundled formatter with its templates, and the bundle runs', async () => {
    // The formatter's zip: the one that is not the delivery's stand-in.
    const zips = assets.map((asset) => unzipSync(readFileSync(asset)));
    const files = zips.find((zip) => 'templates/detailed.jsonata' in zip) ?? {};
    expect(zips).toHaveLength(2);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['index.mjs', 'templates/detailed.jsonata', 'templates/compact.jsonata'])
    );
    const dir = path.join(out, 'unzipped');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    const { handler } = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)) as {
      handler: (input: unknown) => Promise<unknown>;
    };
    const output = firstMessage(await handler(historyUnavailableInput()));
    expect(output?.action).toBe('send');
    expect(output?.delivery.payload.text).toContain('nightly-etl');
    // Blocks come from a JSONata template: the templates were found next to the bundle.
    expect(output?.delivery.payload.blocks?.length ?? 0).toBeGreaterThan(0);
  });
});

/** The parameters' defaults, the asset parameters aside. */
function defaults(t: Template): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(t.Parameters)
      .filter(([name]) => !Object.values(ASSET_PARAMETERS).includes(name as never))
      .map(([name, p]) => [name, p.Default])
  );
}

/**
 * What CloudFormation makes of a value for these parameter values: Ref (parameters; a resource stays a marker),
 * Fn::Join, Fn::Split, Fn::If over the template's conditions (Fn::Equals, Fn::Not).
 */
function resolve(t: Template, values: Record<string, string>, node: unknown): unknown {
  const condition = (name: string): boolean => {
    const evaluate = (c: unknown): boolean => {
      const o = c as Record<string, unknown[]>;
      if (o['Fn::Equals'])
        return resolve(t, values, o['Fn::Equals'][0]) === resolve(t, values, o['Fn::Equals'][1]);
      if (o['Fn::Not']) return !evaluate(o['Fn::Not'][0]);
      throw new Error(`unexpected condition ${JSON.stringify(c)}`);
    };
    return evaluate(t.Conditions?.[name]);
  };
  if (Array.isArray(node)) return node.map((item) => resolve(t, values, item));
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.Ref === 'string') {
    if (o.Ref in t.Parameters) return values[o.Ref] ?? t.Parameters[o.Ref]?.Default;
    return `<${o.Ref}>`;
  }
  if (o['Fn::Join']) {
    const [separator, list] = o['Fn::Join'] as [string, unknown];
    return (resolve(t, values, list) as unknown[]).join(separator);
  }
  if (o['Fn::Split']) {
    const [separator, text] = o['Fn::Split'] as [string, unknown];
    return String(resolve(t, values, text)).split(separator);
  }
  if (o['Fn::If']) {
    const [name, yes, no] = o['Fn::If'] as [string, unknown, unknown];
    return resolve(t, values, condition(name) ? yes : no);
  }
  return Object.fromEntries(Object.entries(o).map(([key, value]) => [key, resolve(t, values, value)]));
}

/** A state machine's definition as deployed: its DefinitionSubstitutions applied as the text replacement they are. */
function deployedDefinition(
  t: Template,
  machine: { Properties: Record<string, unknown> },
  values: Record<string, string>
) {
  const substitutions = resolve(t, values, machine.Properties.DefinitionSubstitutions) as Record<
    string,
    string
  >;
  const text = (machine.Properties.DefinitionString as string).replace(
    /\$\{([A-Za-z]+)\}/g,
    (whole, name: string) => substitutions[name] ?? whole
  );
  return JSON.parse(text) as {
    States: Record<
      string,
      {
        Arguments?: { Payload?: { settings?: DeployedSettings } };
        Output?: {
          fallback?: { destinations: Record<string, { group: string; pin: object; mention?: unknown }> };
        };
      }
    >;
  };
}
interface DeployedSettings {
  routes: Array<{
    statuses: string[];
    mention: string | null;
    template: string;
    destination: { channel?: string };
  }>;
  allowedChannels: string[];
}
const machines = (t: Template) =>
  Object.values(t.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
const settingsOf = (t: Template, values: Record<string, string>) => {
  const notifier = machines(t).find((m) => JSON.stringify(m.Properties).includes('FormatterFunctionArn'));
  return deployedDefinition(t, notifier as { Properties: Record<string, unknown> }, values).States.Format
    ?.Arguments?.Payload?.settings as DeployedSettings;
};
/** The event-only fallback's destinations (contract/fallback.ts), as deployed. */
const fallbacksOf = (t: Template, values: Record<string, string>) => {
  const notifier = machines(t).find((m) => JSON.stringify(m.Properties).includes('FormatterFunctionArn'));
  return deployedDefinition(t, notifier as { Properties: Record<string, unknown> }, values).States
    .FallbackFacts?.Output?.fallback?.destinations;
};

describe('the settings parameters reach the resources', () => {
  const prod = template as Template;

  it('statuses, mention and template: into the notifier settings (a valid definition), its fallback and the rule', () => {
    const asWritten = settingsOf(prod, {});
    expect(asWritten.routes[0]).toMatchObject({
      statuses: ['FAILED', 'TIMED_OUT', 'ABORTED', 'SUCCEEDED'],
      mention: '<!subteam^S0123ABCD>',
      template: 'detailed',
    });
    const changed = { Statuses: 'FAILED,TIMED_OUT', MentionOnFailure: '', Template: 'compact' };
    expect(settingsOf(prod, changed).routes[0]).toMatchObject({
      statuses: ['FAILED', 'TIMED_OUT'],
      mention: null,
      template: 'compact',
    });
    expect(fallbacksOf(prod, {})?.FAILED?.mention).toBe('<!subteam^S0123ABCD>');
    expect(fallbacksOf(prod, changed)?.FAILED?.mention).toBeNull();
    expect(fallbacksOf(prod, changed)?.SUCCEEDED?.mention).toBeUndefined();
    for (const machine of machines(prod)) {
      const result = validateAsl(deployedDefinition(prod, machine, changed));
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);
    }
    const rule = Object.values(prod.Resources).find((r) => r.Type === 'AWS::Events::Rule');
    expect(resolve(prod, changed, rule?.Properties.EventPattern)).toMatchObject({
      detail: { status: ['FAILED', 'TIMED_OUT'] },
    });
  });

  it('the webhook parameter: the delivery reads it and may read only it', () => {
    const values = { WebhookParameterName: '/team/slack-url' };
    const resolved = JSON.stringify(resolve(prod, values, prod.Resources));
    expect(resolved).toContain('"WebhookParameterName":"/team/slack-url"');
    expect(resolved).toContain(':ssm:eu-west-1:111122223333:parameter/team/slack-url"');
    expect(resolved).not.toContain('/prod/SLACK_URL');
    expect(resolve(prod, values, prod.Outputs.WebhookParameterName?.Value)).toBe('/team/slack-url');
  });

  it('an alarm topic ARN replaces the topic the stack would create; empty creates it', () => {
    const topics = Object.entries(prod.Resources).filter(([, r]) => r.Type.startsWith('AWS::SNS::'));
    expect(topics.length).toBeGreaterThan(0);
    for (const [, topic] of topics) expect(topic.Condition).toBe(SETTING_CONDITIONS.createAlarmTopic);
    const alarms = Object.values(prod.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(resolve(prod, {}, alarm.Properties.AlarmActions)).toEqual([
        'arn:aws:sns:eu-west-1:111122223333:ops-alarms',
      ]);
      expect(resolve(prod, { AlarmTopicArn: '' }, alarm.Properties.AlarmActions)).toEqual([
        `<${topics.find(([, r]) => r.Type === 'AWS::SNS::Topic')?.[0]}>`,
      ]);
    }
  });

  it('a channel environment: the channel reaches the route, the allowed channels and the delivery; the bot token secret is created unless given', () => {
    const dir = path.join(out, 'channel');
    const { template: file } = writeStandaloneTemplate('ops', dir, {
      context: {
        environments: {
          ops: {
            stateMachineNamePrefixes: ['etl-'],
            destination: { type: 'channel', channel: '#ops-alerts' },
            statuses: ['FAILED'],
          },
        },
      },
      standIns: [
        [FORMATTER_FILES, { code: standInCode }],
        [DELIVERY_FILES, { code: standInCode }],
      ],
    });
    const ops = JSON.parse(readFileSync(file, 'utf8')) as Template;
    expect(defaults(ops)).toEqual({
      Statuses: 'FAILED',
      MentionOnFailure: '',
      Template: 'detailed',
      SlackChannel: '#ops-alerts',
      BotTokenSecretArn: '',
      AlarmTopicArn: '',
    });
    const values = { SlackChannel: 'C0123ABCD', MentionOnFailure: '<!here>' };
    const settings = settingsOf(ops, values);
    expect(settings.routes[0]).toMatchObject({ destination: { channel: 'C0123ABCD' }, mention: '<!here>' });
    expect(settings.allowedChannels).toEqual(['C0123ABCD']);
    expect(fallbacksOf(ops, values)?.FAILED).toEqual({
      group: 'C0123ABCD',
      pin: { channel: 'C0123ABCD' },
      mention: '<!here>',
    });
    const delivery = Object.values(ops.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties).includes(DELIVERY_CONFIG_ENV)
    );
    const configValue = resolve(
      ops,
      values,
      (
        (delivery ?? { Properties: { Environment: {} } }).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables[DELIVERY_CONFIG_ENV]
    );
    expect(JSON.parse(configValue as string)).toMatchObject({
      allowedChannels: ['C0123ABCD'],
      mention: '<!here>',
    });
    const secret = Object.entries(ops.Resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secret?.[1].Condition).toBe(SETTING_CONDITIONS.createBotTokenSecret);
    const given = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-bot-AbCdEf';
    const connection = Object.values(ops.Resources).find((r) => r.Type === 'AWS::Events::Connection');
    expect(JSON.stringify(resolve(ops, { BotTokenSecretArn: given }, connection?.Properties))).toContain(
      `{{resolve:secretsmanager:${given}:SecretString:::}}`
    );
    expect(JSON.stringify(resolve(ops, {}, connection?.Properties))).toContain(
      `{{resolve:secretsmanager:<${secret?.[0]}>:SecretString:::}}`
    );
  });

  it('refuses values that could break out of the definition: each parameter has a pattern or a list', () => {
    for (const [name, parameter] of Object.entries(prod.Parameters)) {
      if (name === ASSET_PARAMETERS.bucket || name === ASSET_PARAMETERS.prefix) continue;
      const p = parameter as { AllowedPattern?: string; AllowedValues?: string[] };
      expect(p.AllowedPattern ?? p.AllowedValues, name).toBeDefined();
      if (p.AllowedPattern) {
        const pattern = new RegExp(p.AllowedPattern);
        expect(pattern.test(parameter.Default ?? ''), name).toBe(true);
        for (const bad of ['"', `$${'{x}'}`, '{% 1 %}', 'a\\b']) {
          expect(pattern.test(bad), `${name} ${bad}`).toBe(false);
        }
      }
    }
  });
});

describe('npm run template: its command line', () => {
  const run = (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = runTemplateCli(args, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    return { code, stdout, stderr };
  };

  it('prints its help for --help, exit 0', () => {
    const { code, stdout, stderr } = run(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(TEMPLATE_HELP);
    expect(stdout).toMatch(/^Usage: npm run template -- --env <name>/);
  });

  it('answers a wrong --env, a missing one and an unknown option with one line, exit 2', () => {
    const wrong = run(['--env', 'prdo']);
    expect(wrong).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'template: -c env=prdo is not configured: did you mean prod? (or add it under "environments" in cdk.json)\n',
    });
    expect(run([])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'template: pass --env <name> (an environment of cdk.json)\n',
    });
    const unknown = run(['--zz']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("template: Unknown option '--zz': see npm run template -- --help\n");
  });
});
