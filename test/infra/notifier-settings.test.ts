import { Lazy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { NotifyInput } from '../../contract/formatter.js';
import { deliveriesFor } from '../../formatters/formatter/notify.js';
import { type ResourceHandler, runStateMachine, StatesError, substitute } from '../../local/asl/index.js';
import { synthNotifier } from './helpers.js';

// The notifier's deploy-time settings (environment, routes: template, channel, mention) are one JSON value the
// construct writes into the definition's Format state; resource names travel through DefinitionSubstitutions,
// which are plain text replacement. These tests take what the construct writes into the template, substitute it
// with the local runner's substitute() (the same plain replacement CloudFormation does), run the definition on
// the local runner and check what the formatter gets.

const HISTORY = 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory';
const LAMBDA = 'arn:aws:states:::lambda:invoke';
const BATCH = 'arn:aws:states:::aws-sdk:sqs:sendMessageBatch';
const WATCHED = 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl';

// Quotes of both kinds, a backslash, and JSONata syntax: each one broke the definition when the settings were
// pasted into JSONata string literals. The construct now refuses them (its props are validated like cdk.json),
// so they are written into a deployed definition's settings here, the way the construct writes any setting.
const CHANNEL = `#ops' & "on-call" \\ ') & $states.input & ('`;
const MENTION = `<@U0123ABCD> "it's" \\"`;
// The environment name is checked by the construct (letters, digits, '-'), so only the free-text settings
// carry quotes here.
const ENVIRONMENT = 'prod-blue';

/** The notifier definition and its substitutions exactly as the template holds them. */
function deployedNotifier(props: Parameters<typeof synthNotifier>[0]): {
  definition: string;
  substitutions: Record<string, unknown>;
} {
  const { template } = synthNotifier(props);
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const notifier = machines.find((machine) => machine.Properties.StateMachineType === 'STANDARD');
  return {
    definition: notifier?.Properties.DefinitionString as string,
    substitutions: notifier?.Properties.DefinitionSubstitutions as Record<string, unknown>,
  };
}

/** Runs the deployed notifier on the local runner; the formatter records its payload. */
async function runDeployed(
  deployed: ReturnType<typeof deployedNotifier>,
  history: ResourceHandler
): Promise<NotifyInput> {
  // The function ARN and queue URL are CloudFormation references; give them deployed-looking values.
  const substitutions = Object.fromEntries(
    Object.entries(deployed.substitutions).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `resolved-${name}`,
    ])
  );
  const payloads: NotifyInput[] = [];
  const decision = {
    action: 'send',
    reason: 'routes: default',
    entries: [{ Id: 'm0', MessageBody: '{}', MessageGroupId: 'g', MessageDeduplicationId: 'd' }],
  };
  const result = await runStateMachine(
    substitute(deployed.definition, substitutions),
    {
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: {
        executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-1',
        stateMachineArn: WATCHED,
        status: 'FAILED',
      },
    },
    {
      resources: {
        [HISTORY]: history,
        [LAMBDA]: async (task) => {
          payloads.push((task.arguments as { Payload: NotifyInput }).Payload);
          return { Payload: decision, StatusCode: 200 };
        },
        [BATCH]: async () => ({ Successful: [{ Id: 'm0' }], Failed: [] }),
      },
    }
  );
  expect(result.status).toBe('SUCCEEDED');
  expect(payloads).toHaveLength(1);
  return payloads[0] as NotifyInput;
}

/** The settings the formatter formats the one destination's message with (formatters/formatter/notify.ts). */
function formattedWith(payload: NotifyInput) {
  const [delivery, ...others] = deliveriesFor(
    payload.settings,
    { stateMachineArn: WATCHED, status: 'FAILED' },
    { handMade: false, tagsRead: true }
  );
  expect(others).toEqual([]);
  return delivery?.settings;
}

/** The deployed definition with the default route's channel and mention replaced, as JSON data. */
function withRouteSettings(
  deployed: ReturnType<typeof deployedNotifier>,
  channel: string,
  mention: string
): ReturnType<typeof deployedNotifier> {
  const machine = JSON.parse(deployed.definition);
  const route = machine.States.Format.Arguments.Payload.settings.routes[0];
  route.destination.channel = channel;
  route.mention = mention;
  return { ...deployed, definition: JSON.stringify(machine, null, 2) };
}

describe('notifier settings with quotes and backslashes', () => {
  const props = {
    environmentName: ENVIRONMENT,
    stateMachineArns: [WATCHED],
    destination: { type: 'channel', channel: '#ops-on-call' },
    mentionOnFailure: '<@U0123ABCD>',
    template: 'compact',
  } as const;
  const deployed = withRouteSettings(deployedNotifier(props), CHANNEL, MENTION);

  it('are refused by the construct first, as cdk.json refuses them', () => {
    expect(() => deployedNotifier({ ...props, destination: { type: 'channel', channel: CHANNEL } })).toThrow(
      /SlackNotifier props\.destination\.channel is .*; use a channel ID like "C0123456789"/
    );
    expect(() => deployedNotifier({ ...props, mentionOnFailure: MENTION })).toThrow(
      /SlackNotifier props\.mentionOnFailure is .*; use a Slack mention/
    );
  });
  const expected = {
    environment: ENVIRONMENT,
    route: 'default',
    template: 'compact',
    destination: { type: 'channel', channel: CHANNEL },
    mentionOnFailure: MENTION,
  };

  it('are written into the Format state as JSON data, not into any expression', () => {
    const settings = JSON.parse(deployed.definition).States.Format.Arguments.Payload.settings;
    expect(settings.environment).toBe('prod-blue');
    expect(settings.routes[0]).toMatchObject({ destination: { channel: CHANNEL }, mention: MENTION });
    expect(deployed.definition).not.toContain(`'${CHANNEL}'`);
  });

  it('reach the formatter exactly as configured when the history is read', async () => {
    const payload = await runDeployed(deployed, async () => ({ Events: [] }));
    expect(payload.last?.page).toEqual({ Events: [] });
    expect(formattedWith(payload)).toEqual(expected);
  });

  it('reach the formatter exactly as configured when the history is unavailable (the catcher path)', async () => {
    const payload = await runDeployed(deployed, async () => {
      throw new StatesError('Sfn.ExecutionDoesNotExistException', 'Execution Does Not Exist');
    });
    expect(payload.last?.historyUnavailable?.error).toBe('Sfn.ExecutionDoesNotExistException');
    expect(formattedWith(payload)).toEqual(expected);
  });
});

describe('notifier settings no escaping can make safe', () => {
  const watch = { stateMachineArns: [WATCHED] };

  it.each([
    [
      'a "${" in the channel',
      { destination: { type: 'channel', channel: `#a\${'{'}QueueUrl}` } },
      /destination\.channel is .*; use a channel ID/,
    ],
    [
      'a whole {% %} expression as the mention',
      { destination: { type: 'channel', channel: '#a' }, mentionOnFailure: '{% $states.input %}' },
      /mentionOnFailure is .*; use a Slack mention/,
    ],
    [
      'a token as the environment name',
      {
        destination: { type: 'channel', channel: '#a' },
        environmentName: Lazy.string({ produce: () => 'prod' }),
      },
      /environmentName is a token; the notifier writes it into its definitions at synth/,
    ],
  ] as const)('refuses %s', (_, props, error) => {
    expect(() => synthNotifier({ ...watch, ...props } as Parameters<typeof synthNotifier>[0])).toThrow(error);
  });
});

describe('the environment name', () => {
  const props = { stateMachineArns: [WATCHED], destination: { type: 'channel', channel: '#a' } } as const;

  it('is refused by the construct when it could not be part of a log group or parameter name', () => {
    expect(() => synthNotifier({ ...props, environmentName: `o'prod "blue"` })).toThrow(
      /SlackNotifier props: the environment name must start with a letter and hold only letters, digits and "-"/
    );
  });

  it('takes letters, digits and "-"', () => {
    expect(() => synthNotifier({ ...props, environmentName: 'prod-2' })).not.toThrow();
  });
});
