/**
 * The user-facing settings of the standalone template (scripts/standalone-template.ts) as CloudFormation
 * Parameters, so one template serves every deploy: the values cdk.json gives are the defaults, each validated with
 * the pattern contract/settings.ts checks at synth, and the synthesized template is rewritten so each value comes
 * from its parameter: in the notifier's Settings state and the delivery's substitutions (as DefinitionSubstitutions:
 * the definitions stay data), the rule's status filter, IAM resources and outputs.
 *
 * An environment written with the shorthand keys (one route) gets every parameter; one with `routes` keeps the
 * routes' channels, mentions, statuses and templates as written (they are per route) and gets the connection and
 * alarm parameters only. Pure: works on the template JSON, no aws-cdk-lib.
 */

import { DELIVERY_CONFIG_ENV } from '../contract/delivery.js';
import { DESCRIPTOR_PARAMETER_PREFIX } from '../contract/operator-descriptor.js';
import {
  CHANNEL,
  type EnvironmentConfig,
  MENTION,
  PARAMETER_NAME,
  SNS_TOPIC_ARN,
} from '../contract/settings.js';
import { EXECUTION_STATUSES, FAILING_STATUSES } from '../contract/statuses.js';
import { BUILT_IN_TEMPLATES, isBuiltInTemplate } from '../contract/templates.js';
import { templateUsesExecutionData } from './template-data.js';

/** The parameter names: one place, imported by the script's test and named in docs/infra.md. */
export const SETTING_PARAMETERS = {
  channel: 'SlackChannel',
  mention: 'MentionOnFailure',
  statuses: 'Statuses',
  template: 'Template',
  botTokenSecretArn: 'BotTokenSecretArn',
  webhookParameterName: 'WebhookParameterName',
  alarmTopicArn: 'AlarmTopicArn',
} as const;

/** The conditions the template gains: a resource the stack creates only when its parameter is left empty. */
export const SETTING_CONDITIONS = {
  createBotTokenSecret: 'CreateBotTokenSecret',
  createAlarmTopic: 'CreateAlarmTopic',
  hasMention: 'HasMentionOnFailure',
} as const;

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
/** Statuses a parameter may name: all but RUNNING (start notices change the store's settings: regenerate). */
const PARAMETER_STATUSES = EXECUTION_STATUSES.filter((status) => status !== 'RUNNING');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Parameters?: Record<string, Record<string, Json>>;
  Conditions?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Record<string, Json>>;
  [section: string]: unknown;
}

/** A JavaScript pattern as CloudFormation's AllowedPattern (same syntax for these), optionally also empty. */
const allowed = (pattern: RegExp, orEmpty = false) => (orEmpty ? `^$|${pattern.source}` : pattern.source);
const ref = (name: string): Json => ({ Ref: name });

/**
 * The operator descriptor (infra/constructs/operator-descriptor.ts) holds the settings as one JSON text, which the
 * parameters below cannot reach into: it would tell `routes` and `mute` the synth-time values, not the deployed
 * ones. A standalone stack is an `SfnSlackNotifier-<env>` stack: the commands find it by `--env` and its outputs,
 * which the parameters do rewrite, so the descriptor goes.
 */
function dropOperatorDescriptor(template: CfnTemplate): void {
  for (const [id, resource] of Object.entries(template.Resources)) {
    const name = resource.Properties?.Name;
    if (
      resource.Type === 'AWS::SSM::Parameter' &&
      typeof name === 'string' &&
      name.startsWith(DESCRIPTOR_PARAMETER_PREFIX)
    ) {
      delete template.Resources[id];
    }
  }
}

/** The JSON tree with each value `replace` answers for replaced (its children are not visited then). */
function rewrite(node: Json, replace: (value: Json) => Json | undefined): Json {
  const replaced = replace(node);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(node)) return node.map((item) => rewrite(item, replace));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, rewrite(value, replace)]));
  }
  return node;
}

/** Rewrites the resources' properties and the outputs (never the parameters). */
function rewriteTemplate(template: CfnTemplate, replace: (value: Json) => Json | undefined): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Properties)
      resource.Properties = rewrite(resource.Properties, replace) as Record<string, Json>;
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    (template.Outputs as Record<string, Record<string, Json>>)[name] = rewrite(output, replace) as Record<
      string,
      Json
    >;
  }
}

function resourcesOf(template: CfnTemplate, type: string): Resource[] {
  return Object.values(template.Resources).filter((resource) => resource.Type === type);
}

/**
 * A resource the stack creates only when `parameter` is empty; everything that referred to it takes the parameter
 * otherwise. Resources that exist only for it (its policies) share its condition.
 */
function createOnlyWhenEmpty(
  template: CfnTemplate,
  logicalId: string,
  parameter: string,
  condition: string
): void {
  template.Conditions = {
    ...template.Conditions,
    [condition]: { 'Fn::Equals': [ref(parameter), ''] },
  };
  const refersToIt = (node: Json): boolean => JSON.stringify(node).includes(`"${logicalId}"`);
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (id === logicalId || (/Policy$/.test(resource.Type) && refersToIt(resource.Properties ?? {}))) {
      resource.Condition = condition;
    } else if (resource.DependsOn !== undefined) {
      const others = [resource.DependsOn].flat().filter((dependency) => dependency !== logicalId);
      if (others.length === 0) delete resource.DependsOn;
      else resource.DependsOn = others;
    }
  }
  rewriteTemplate(template, (node) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    const isRef = node.Ref === logicalId;
    const getAtt = node['Fn::GetAtt'];
    const isGetAtt = Array.isArray(getAtt) && getAtt[0] === logicalId;
    return isRef || isGetAtt ? { 'Fn::If': [condition, node, ref(parameter)] } : undefined;
  });
  // The policies kept their own references: they exist only with the resource.
  for (const resource of Object.values(template.Resources)) {
    if (resource.Condition === condition && resource.Properties) {
      resource.Properties = rewrite(resource.Properties, (node) => {
        const branches =
          node !== null && typeof node === 'object' && !Array.isArray(node) ? node['Fn::If'] : null;
        return Array.isArray(branches) && branches[0] === condition ? branches[1] : undefined;
      }) as Record<string, Json>;
    }
  }
}

/** The single resource of `type` whose logical id contains `name`, if any. */
function logicalIdOf(template: CfnTemplate, type: string, name: string): string | undefined {
  return Object.entries(template.Resources).find(([id, r]) => r.Type === type && id.includes(name))?.[0];
}

/** The notifier and delivery state machines' resources, told apart by their definitions' substitutions. */
function stateMachines(template: CfnTemplate): { notifier?: Resource; delivery?: Resource } {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  const has = (resource: Resource, key: string) =>
    Object.hasOwn((resource.Properties?.DefinitionSubstitutions ?? {}) as object, key);
  return {
    notifier: machines.find((m) => has(m, 'FormatterFunctionArn')),
    delivery: machines.find((m) => has(m, 'ConnectionArn')),
  };
}

/**
 * The delivery function's configuration (contract/delivery.ts), JSON text in an environment variable that
 * CloudFormation joins from literals and references. `splice` replaces the first match of `pattern` in a literal
 * part with the parts `replacement` makes of the matched text (literal text and parameter references).
 */
function deliveryConfigVariable(template: CfnTemplate): {
  splice(pattern: RegExp, replacement: (match: string) => Json[]): void;
} {
  const fn = resourcesOf(template, 'AWS::Lambda::Function').find(
    (r) =>
      (r.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables?.[
        DELIVERY_CONFIG_ENV
      ] !== undefined
  );
  const variables = (fn?.Properties?.Environment as { Variables: Record<string, Json> } | undefined)
    ?.Variables;
  return {
    splice(pattern, replacement) {
      if (!variables) return;
      const value = variables[DELIVERY_CONFIG_ENV] as Json;
      const parts: Json[] =
        typeof value === 'string'
          ? [value]
          : ((value as { 'Fn::Join': [string, Json[]] })['Fn::Join'][1] ?? []);
      const i = parts.findIndex((part) => typeof part === 'string' && pattern.test(part));
      if (i < 0) return;
      const text = parts[i] as string;
      const match = pattern.exec(text) as RegExpExecArray;
      parts.splice(
        i,
        1,
        text.slice(0, match.index),
        ...replacement(match[0]),
        text.slice(match.index + match[0].length)
      );
      variables[DELIVERY_CONFIG_ENV] = { 'Fn::Join': ['', parts.filter((part) => part !== '')] };
    },
  };
}

/** A placeholder written into a definition where a whole JSON value (not a string) is substituted. */
const rawPlaceholder = (name: string) => `@@sfn-slack-raw:${name}@@`;

/**
 * Rewrites the synthesized template of `config` (its alarm topic left to the stack, see the script) so the
 * settings above are parameters. `shorthand`: the environment in cdk.json has no `routes`.
 */
export function addSettingParameters(
  template: CfnTemplate,
  config: EnvironmentConfig,
  shorthand: boolean
): void {
  const parameters: Record<string, Record<string, Json>> = {};
  dropOperatorDescriptor(template);
  const { notifier, delivery } = stateMachines(template);
  if (!notifier?.Properties || !delivery?.Properties) {
    throw new Error('standalone template: the notifier and delivery state machines were not found');
  }
  const definition = JSON.parse(notifier.Properties.DefinitionString as string) as {
    States: {
      Format: {
        Arguments: {
          Payload: { settings: { routes: Array<Record<string, Json>>; allowedChannels: string[] } };
        };
      };
      FallbackFacts: {
        Output: {
          fallback: {
            destinations: Record<string, { group: string; pin: { channel?: string }; mention?: Json }>;
          };
        };
      };
    };
  };
  // The settings the formatter gets, and the event-only fallback's destinations (contract/fallback.ts).
  const settings = definition.States.Format.Arguments.Payload.settings;
  const fallbacks = Object.entries(definition.States.FallbackFacts.Output.fallback.destinations);
  const notifierSubstitutions = notifier.Properties.DefinitionSubstitutions as Record<string, Json>;
  const route = settings.routes[0];
  const destination = config.destination;

  if (shorthand && route && settings.routes.length === 1) {
    const configRoute = config.routes[0];
    // Statuses: the route's list in the Settings state, and the rule's status filter.
    const statuses = configRoute?.statuses ?? [];
    if (statuses.every((s) => (PARAMETER_STATUSES as readonly string[]).includes(s))) {
      const choice = `(${PARAMETER_STATUSES.join('|')})`;
      parameters[SETTING_PARAMETERS.statuses] = {
        Type: 'String',
        Description: `Statuses that send a message, comma-separated (${PARAMETER_STATUSES.join(', ')})`,
        Default: statuses.join(','),
        AllowedPattern: `^${choice}(,${choice})*$`,
        ConstraintDescription: `a comma-separated list of ${PARAMETER_STATUSES.join(', ')}`,
      };
      route.statuses = rawPlaceholder(SETTING_PARAMETERS.statuses);
      notifierSubstitutions[SETTING_PARAMETERS.statuses] = {
        'Fn::Join': [
          '',
          ['["', { 'Fn::Join': ['","', { 'Fn::Split': [',', ref(SETTING_PARAMETERS.statuses)] }] }, '"]'],
        ],
      };
      for (const rule of resourcesOf(template, 'AWS::Events::Rule')) {
        const detail = (rule.Properties?.EventPattern as { detail?: { status?: Json } } | undefined)?.detail;
        if (!Array.isArray(detail?.status)) continue;
        // runningLongerThan adds RUNNING to the rule (the check is scheduled at the start); it stays.
        const extra = detail.status.filter((status) => !statuses.includes(status as never));
        detail.status = {
          'Fn::Split': [',', { 'Fn::Join': [',', [ref(SETTING_PARAMETERS.statuses), ...extra]] }],
        };
      }
    }
    // Mention: the route's (null: none) and, in channel mode, the "still running" banner's.
    parameters[SETTING_PARAMETERS.mention] = {
      Type: 'String',
      Description:
        'Slack mention added to failure messages, e.g. <!subteam^S0123ABCD> or <@U0123ABCD>; empty for none',
      Default: config.mentionOnFailure ?? '',
      AllowedPattern: allowed(MENTION, true),
      ConstraintDescription: 'empty, or a mention such as <!subteam^S0123ABCD>, <@U0123ABCD> or <!here>',
    };
    template.Conditions = {
      ...template.Conditions,
      [SETTING_CONDITIONS.hasMention]: {
        'Fn::Not': [{ 'Fn::Equals': [ref(SETTING_PARAMETERS.mention), ''] }],
      },
    };
    route.mention = rawPlaceholder(SETTING_PARAMETERS.mention);
    for (const [status, fallback] of fallbacks) {
      if ((FAILING_STATUSES as readonly string[]).includes(status)) {
        fallback.mention = rawPlaceholder(SETTING_PARAMETERS.mention);
      }
    }
    notifierSubstitutions[SETTING_PARAMETERS.mention] = {
      'Fn::If': [
        SETTING_CONDITIONS.hasMention,
        { 'Fn::Join': ['', ['"', ref(SETTING_PARAMETERS.mention), '"']] },
        'null',
      ],
    };
    // The delivery function's "still running" mention (channel mode).
    deliveryConfigVariable(template).splice(/"mention":"[^"]*"/, () => [
      '"mention":"',
      ref(SETTING_PARAMETERS.mention),
      '"',
    ]);
    // Template: a built-in one, when every built-in template needs the same execution data as the one written.
    const template_ = configRoute?.template ?? '';
    const dataAgrees = BUILT_IN_TEMPLATES.every(
      (name) => templateUsesExecutionData(name) === templateUsesExecutionData(template_)
    );
    if (isBuiltInTemplate(template_) && dataAgrees) {
      parameters[SETTING_PARAMETERS.template] = {
        Type: 'String',
        Description: 'Message template (docs/formatter.md)',
        Default: template_,
        AllowedValues: [...BUILT_IN_TEMPLATES],
      };
      route.template = `\${${SETTING_PARAMETERS.template}}`;
      notifierSubstitutions[SETTING_PARAMETERS.template] = ref(SETTING_PARAMETERS.template);
    }
    // Channel: the route's destination, the channels a tag may pick, and the delivery's allow-list.
    if (
      destination.type === 'channel' &&
      (route.destination as { channel?: string }).channel === destination.channel
    ) {
      const channel = destination.channel;
      parameters[SETTING_PARAMETERS.channel] = {
        Type: 'String',
        Description: 'Slack channel: an ID (C0123ABCD) or a name (#alerts)',
        Default: channel,
        AllowedPattern: allowed(CHANNEL),
        ConstraintDescription: 'a channel ID such as C0123ABCD, or a lower-case name such as #alerts',
      };
      const placeholder = `\${${SETTING_PARAMETERS.channel}}`;
      route.destination = { type: 'channel', channel: placeholder };
      settings.allowedChannels = settings.allowedChannels.map((c) => (c === channel ? placeholder : c));
      for (const [, fallback] of fallbacks) {
        if (fallback.group === channel) fallback.group = placeholder;
        if (fallback.pin.channel === channel) fallback.pin = { channel: placeholder };
      }
      notifierSubstitutions[SETTING_PARAMETERS.channel] = ref(SETTING_PARAMETERS.channel);
      // The delivery function's allow-list.
      deliveryConfigVariable(template).splice(/"allowedChannels":\[[^\]]*\]/, (list) => {
        const quoted = JSON.stringify(channel);
        const at = list.indexOf(quoted);
        return at < 0
          ? [list]
          : [list.slice(0, at + 1), ref(SETTING_PARAMETERS.channel), list.slice(at + quoted.length - 1)];
      });
    }
  }
  notifier.Properties.DefinitionString = JSON.stringify(definition, null, 2).replace(
    /"@@sfn-slack-raw:([A-Za-z]+)@@"/g,
    (_placeholder, name: string) => `\${${name}}`
  );

  // The connection: the bot token's secret (unless cdk.json names one), or the webhook URL's parameter.
  if (destination.type === 'channel') {
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'BotTokenSecret');
    if (secret) {
      parameters[SETTING_PARAMETERS.botTokenSecretArn] = {
        Type: 'String',
        Description:
          'ARN of an existing Secrets Manager secret holding the Slack bot token (xoxb-…); empty: the stack creates one for `sfn-slack setup` to fill',
        Default: '',
        AllowedPattern: allowed(SECRET_ARN, true),
        ConstraintDescription: 'empty, or a Secrets Manager secret ARN',
      };
      createOnlyWhenEmpty(
        template,
        secret,
        SETTING_PARAMETERS.botTokenSecretArn,
        SETTING_CONDITIONS.createBotTokenSecret
      );
    }
  } else {
    const name = destination.parameterName;
    parameters[SETTING_PARAMETERS.webhookParameterName] = {
      Type: 'String',
      Description: 'Name of the SSM SecureString parameter holding the Slack incoming-webhook URL',
      Default: name,
      AllowedPattern: allowed(PARAMETER_NAME),
      ConstraintDescription: 'a parameter name starting with /, such as /prod/SLACK_URL',
    };
    rewriteTemplate(template, (node) => {
      if (node === name) return ref(SETTING_PARAMETERS.webhookParameterName);
      if (typeof node === 'string' && node.endsWith(`:parameter${name}`)) {
        return {
          'Fn::Join': ['', [node.slice(0, -name.length), ref(SETTING_PARAMETERS.webhookParameterName)]],
        };
      }
      return undefined;
    });
  }

  // Alarms: an existing topic, or one the stack creates.
  const topic = logicalIdOf(template, 'AWS::SNS::Topic', 'AlarmTopic');
  if (topic) {
    parameters[SETTING_PARAMETERS.alarmTopicArn] = {
      Type: 'String',
      Description:
        'ARN of the SNS topic the alarms notify; empty: the stack creates one (output AlarmTopicArn)',
      Default: config.alarmTopicArn ?? '',
      AllowedPattern: allowed(SNS_TOPIC_ARN, true),
      ConstraintDescription: 'empty, or an SNS topic ARN',
    };
    createOnlyWhenEmpty(
      template,
      topic,
      SETTING_PARAMETERS.alarmTopicArn,
      SETTING_CONDITIONS.createAlarmTopic
    );
  }

  template.Parameters = { ...template.Parameters, ...parameters };
}
