import { describe, expect, it } from 'vitest';
import type { FormatterInput } from '../../formatters/contract.js';
import { jsonStringSubstitution } from '../../infra/json-string-substitution.js';
import {
  type Definition,
  evaluate,
  jsonataStrings,
  readAsl,
  route,
  type State,
  state,
  substitute,
} from './asl-helpers.js';

const FORMATTER_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:formatter';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/notifier.fifo';
const SETTINGS = [
  'Environment',
  'Template',
  'DestinationType',
  'SlackChannel',
  'MentionOnFailure',
  'ExecutionData',
];

function definitionWith(overrides: Record<string, string> = {}): Definition {
  return JSON.parse(
    substitute(readAsl('notifier.asl.json'), {
      FormatterFunctionArn: FORMATTER_ARN,
      QueueUrl: QUEUE_URL,
      Environment: 'prod',
      Template: 'detailed',
      DestinationType: 'channel',
      SlackChannel: '#etl-alerts',
      MentionOnFailure: '<!subteam^S0123ABCD>',
      ExecutionData: 'false',
      ...overrides,
    })
  ) as Definition;
}

const placeholder = (name: string) => `\${${name}}`;

const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const event = {
  version: '0',
  id: 'c5d3c1a8-0000-4000-8000-000000000001',
  account: '111122223333',
  region: 'eu-west-1',
  time: '2026-11-20T02:00:00Z',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  resources: [executionArn],
  detail: {
    executionArn,
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:nightly-etl',
    name: 'run-42',
    status: 'FAILED',
    startDate: 1763604000000,
    stopDate: 1763604060000,
    input: '{"day":"2026-11-19"}',
    output: null,
    redriveCount: 0,
    error: 'States.TaskFailed',
    cause: 'boom',
  },
};
const context = {
  Execution: {
    Id: 'arn:aws:states:eu-west-1:111122223333:execution:notifier:x',
    Input: event,
    StartTime: '2026-11-20T02:01:00.000Z',
  },
};
const page = { Events: [{ Id: 1, Type: 'ExecutionStarted' }], NextToken: 'page-2' };

/** The variables as Describe assigns them when it fails (no definition). */
function prepared(definition: Definition): Record<string, unknown> {
  const catchers = state(definition, 'Describe').Catch as Array<{ Assign: Record<string, unknown> }>;
  return { ...catchers[0]?.Assign };
}

/** Every Assign out of Describe: on success and in each catcher. */
function describeAssigns(definition: Definition): Array<Record<string, unknown>> {
  const describe = state(definition, 'Describe');
  return [
    describe.Assign as Record<string, unknown>,
    ...(describe.Catch as Array<{ Assign: Record<string, unknown> }>).map((c) => c.Assign),
  ];
}

/** Evaluates Format's Payload with the variables as the earlier states assigned them. */
async function formatPayload(
  definition: Definition,
  states: Record<string, unknown>,
  variables: Record<string, unknown> = {}
): Promise<FormatterInput> {
  const format = state(definition, 'Format');
  const base = prepared(definition);
  return (await evaluate((format.Arguments as { Payload: string }).Payload, states, {
    ...base,
    ...variables,
  })) as FormatterInput;
}

const errorsOf = (s: State, key: 'Retry' | 'Catch') =>
  (s[key] as Array<{ ErrorEquals: string[] }>).map((r) => r.ErrorEquals);

describe('notifier.asl.json: Describe', () => {
  const describeState = state(definitionWith(), 'Describe');

  it('asks for the definition of the event execution and keeps it only up to 32,000 characters', async () => {
    expect(describeState.Resource).toBe('arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution');
    expect(
      await evaluate((describeState.Arguments as { ExecutionArn: string }).ExecutionArn, { context })
    ).toBe(executionArn);
    const assign = (describeState.Assign as { definition: string }).definition;
    expect(await evaluate(assign, { result: { Definition: '{"StartAt":"A"}' } })).toBe('{"StartAt":"A"}');
    expect(await evaluate(assign, { result: { Definition: 'x'.repeat(32_001) } })).toBeNull();
  });

  it('never blocks: every error, the size limit included, goes on to FetchHistory', () => {
    expect(errorsOf(describeState, 'Catch')).toEqual([['States.DataLimitExceeded'], ['States.ALL']]);
    for (const catcher of describeState.Catch as Array<{ Next: string }>) {
      expect(catcher.Next).toBe('FetchHistory');
    }
    expect(describeState.Next).toBe('FetchHistory');
  });
});

describe('notifier.asl.json: FetchHistory', () => {
  const fetch = state(definitionWith(), 'FetchHistory');

  it('asks for the first page of the event execution, bounded and without execution data', async () => {
    const args = await evaluate(fetch.Arguments, { context }, prepared(definitionWith()));
    expect(args).toEqual({ ExecutionArn: executionArn, MaxResults: 200, IncludeExecutionData: false });
  });

  it('asks for the next page with the token the formatter loop carries', async () => {
    const vars = { ...prepared(definitionWith()), nextToken: 'page-2' };
    const args = await evaluate(fetch.Arguments, { context }, vars);
    expect(args).toEqual({
      ExecutionArn: executionArn,
      MaxResults: 200,
      IncludeExecutionData: false,
      NextToken: 'page-2',
    });
  });

  it('passes a page on and keeps its token; a page over 96,000 characters makes the formatter read it', async () => {
    expect(await evaluate(fetch.Output, { result: page })).toEqual({ pages: [page] });
    const assign = (fetch.Assign as { nextToken: string }).nextToken;
    expect(await evaluate(assign, { result: page })).toBe('page-2');
    expect(await evaluate(assign, { result: { Events: [] } })).toBeNull();
    const large = { Events: [{ Id: 1, Cause: 'c'.repeat(96_000) }] };
    expect(await evaluate(fetch.Output, { result: large })).toEqual({ readHistory: true });
  });

  it('retries the error names the SFN integration raises, and not the ones it never raises', () => {
    const retried = errorsOf(fetch, 'Retry').flat();
    // Unmodeled errors (throttling, internal errors) arrive as Sfn.SfnException; KmsThrottlingException is
    // the one transient error the model defines for GetExecutionHistory.
    expect(retried.sort()).toEqual(['Sfn.KmsThrottlingException', 'Sfn.SfnException', 'States.Timeout']);
    expect(retried).not.toContain('Sfn.ThrottlingException');
    expect(retried).not.toContain('Sfn.InternalServerException');
  });

  it('catches States.DataLimitExceeded by name first (States.ALL cannot), then every other error', async () => {
    const catchers = fetch.Catch as Array<{ ErrorEquals: string[]; Next: string; Output: unknown }>;
    expect(catchers.map((catcher) => catcher.ErrorEquals)).toEqual([
      ['States.DataLimitExceeded'],
      ['States.ALL'],
    ]);
    expect(catchers.every((catcher) => catcher.Next === 'Format')).toBe(true);
    expect(catchers[0]?.Output).toEqual({ readHistory: true });
    const unavailable = await evaluate(catchers[1]?.Output, {
      errorOutput: { Error: 'Sfn.ExecutionDoesNotExistException', Cause: 'Execution Does Not Exist' },
    });
    expect(unavailable).toEqual({
      historyUnavailable: { error: 'Sfn.ExecutionDoesNotExistException', cause: 'Execution Does Not Exist' },
    });
  });
});

describe('notifier.asl.json: Format', () => {
  it('invokes the formatter with a FormatterInput: event, settings, pages, fold state, token, definition', async () => {
    const definition = definitionWith();
    const format = state(definition, 'Format');
    const args = await formatPayload(
      definition,
      { input: { pages: [page] }, context },
      { nextToken: 'page-2', partial: { steps: 3 }, definition: '{"StartAt":"A"}' }
    );
    expect((format.Arguments as { FunctionName: string }).FunctionName).toBe(FORMATTER_ARN);
    const { input: _input, output: _output, ...detail } = event.detail;
    expect(args).toEqual({
      event: {
        id: event.id,
        account: event.account,
        region: event.region,
        time: event.time,
        source: event.source,
        'detail-type': event['detail-type'],
        detail,
      },
      settings: {
        environment: 'prod',
        template: 'detailed',
        destination: { type: 'channel', channel: '#etl-alerts' },
        mentionOnFailure: '<!subteam^S0123ABCD>',
      },
      pages: [page],
      partial: { steps: 3 },
      nextToken: 'page-2',
      definition: '{"StartAt":"A"}',
    });
  });

  it('sends a bounded copy of the event, whatever the event holds', async () => {
    const huge = {
      ...event,
      extra: 'z'.repeat(100_000),
      detail: { ...event.detail, cause: 'c'.repeat(40_000), error: 'e'.repeat(1000), input: 'i'.repeat(9) },
    };
    const args = await formatPayload(definitionWith(), {
      input: { pages: [] },
      context: { Execution: { ...context.Execution, Input: huge } },
    });
    const kept = args.event as unknown as { detail: Record<string, unknown> } & Record<string, unknown>;
    expect(kept.extra).toBeUndefined();
    expect(kept.detail.input).toBeUndefined();
    expect(kept.detail.cause).toHaveLength(8192);
    expect(kept.detail.error).toHaveLength(256);
    expect(kept.detail.executionArn).toBe(executionArn);
    expect(JSON.stringify(kept).length).toBeLessThan(10_000);
  });

  it('passes the execution input and output (cut to 8,192 characters) only when the template uses them', async () => {
    const big = {
      ...event,
      detail: { ...event.detail, input: 'x'.repeat(200_000), output: 'y'.repeat(9000) },
    };
    const bigContext = { Execution: { ...context.Execution, Input: big } };
    const without = await formatPayload(definitionWith(), { input: { pages: [] }, context: bigContext });
    expect(without.event.detail.input).toBeUndefined();
    expect(without.event.detail.output).toBeUndefined();
    const withData = await formatPayload(definitionWith({ ExecutionData: 'true' }), {
      input: { pages: [] },
      context: bigContext,
    });
    expect(withData.event.detail.input).toHaveLength(8192);
    expect(withData.event.detail.output).toHaveLength(8192);
  });

  it('sends no pages, fold state or token when the formatter reads the history itself', async () => {
    const args = await formatPayload(
      definitionWith({ DestinationType: 'webhook', SlackChannel: '', MentionOnFailure: '' }),
      { input: { readHistory: true }, context },
      { nextToken: 'page-9', partial: { steps: 3 } }
    );
    expect(args.settings).toEqual({
      environment: 'prod',
      template: 'detailed',
      destination: { type: 'webhook' },
    });
    expect(args.readHistory).toBe(true);
    expect(args.pages).toBeUndefined();
    expect(args.partial).toBeUndefined();
    expect(args.nextToken).toBeUndefined();
  });

  it('retries Lambda service errors and throttling, then degrades: overflow once more from the history, else event-only', () => {
    const format = state(definitionWith(), 'Format');
    expect(errorsOf(format, 'Retry').flat().sort()).toEqual([
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ]);
    expect(errorsOf(format, 'Catch')).toEqual([['States.DataLimitExceeded'], ['States.ALL']]);
    expect((format.Catch as Array<{ Next: string }>).map((c) => c.Next)).toEqual([
      'AfterOversize',
      'EventOnlyFacts',
    ]);
  });
});

describe('notifier.asl.json: deploy-time settings', () => {
  it('are plain JSON strings assigned to $config on every path out of Describe, never inside an expression', () => {
    const text = readAsl('notifier.asl.json');
    for (const expression of jsonataStrings(JSON.parse(text))) {
      for (const name of SETTINGS) {
        expect(expression.expression, expression.at).not.toContain(placeholder(name));
      }
    }
    const definition = JSON.parse(text) as Definition;
    const assigns = describeAssigns(definition);
    expect(assigns).toHaveLength(3);
    for (const assign of assigns) {
      const { definition: _definition, ...rest } = assign;
      expect(rest).toEqual({
        config: {
          environment: placeholder('Environment'),
          template: placeholder('Template'),
          destinationType: placeholder('DestinationType'),
          channel: placeholder('SlackChannel'),
          mentionOnFailure: placeholder('MentionOnFailure'),
          executionData: placeholder('ExecutionData'),
        },
        nextToken: null,
        partial: null,
        oversize: 0,
        why: null,
      });
    }
    expect(assigns.slice(1).map((a) => a.definition)).toEqual([null, null]);
  });

  it('reach the formatter unchanged when they hold quotes and backslashes (JSON-escaped substitutions)', async () => {
    const tricky = {
      Environment: 'o\'prod \\ "blue"',
      Template: 'detailed',
      DestinationType: 'channel',
      SlackChannel: `#ops' & "on-call" \\'`,
      MentionOnFailure: `<@U0123> ' ) & $states.input "`,
      ExecutionData: 'false',
    };
    const escaped = Object.fromEntries(
      Object.entries(tricky).map(([name, value]) => [name, jsonStringSubstitution(name, value)])
    );
    const definition = definitionWith(escaped);
    const args = await formatPayload(definition, { input: { pages: [page] }, context });
    expect(args.settings).toEqual({
      environment: tricky.Environment,
      template: 'detailed',
      destination: { type: 'channel', channel: tricky.SlackChannel },
      mentionOnFailure: tricky.MentionOnFailure,
    });
    // Unescaped, a double quote would break the definition: the escaping is what makes it safe.
    expect(() => definitionWith({ SlackChannel: tricky.SlackChannel })).toThrow(SyntaxError);
  });
});

describe('notifier.asl.json: Route and Enqueue', () => {
  const definition = definitionWith();
  const message = {
    kind: 'message',
    delivery: {
      payload: { channel: '#etl-alerts', text: 'nightly-etl failed' },
      fallback: { channel: '#etl-alerts', text: 'nightly-etl failed' },
      executionArn,
      status: 'FAILED',
      deduplicationId: 'a'.repeat(64),
    },
    messageGroupId: '#etl-alerts',
    deduplicationId: 'a'.repeat(64),
  };

  it('enqueues a message; anything else ends in the event-only message, never in a failed execution', async () => {
    const choice = state(definition, 'Route');
    expect(await route(choice, message)).toBe('Enqueue');
    expect(await route(choice, { kind: 'partial', partial: {} })).toBe('UnexpectedFormatterOutput');
    expect(await route(choice, { nothing: true })).toBe('UnexpectedFormatterOutput');
    expect(state(definition, 'UnexpectedFormatterOutput')).toMatchObject({
      Type: 'Pass',
      Next: 'EventOnlyFacts',
    });
    expect(Object.values(definition.States).some((s) => s.Type === 'Fail')).toBe(false);
  });

  it('sends the delivery as a JSON string with the environment channel as group and the formatter dedup id', async () => {
    const enqueue = state(definition, 'Enqueue');
    const args = enqueue.Arguments as Record<string, string>;
    const vars = prepared(definition);
    expect(args.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse((await evaluate(args.MessageBody, { input: message }, vars)) as string)).toEqual(
      message.delivery
    );
    expect(await evaluate(args.MessageGroupId, { input: message }, vars)).toBe('#etl-alerts');
    expect(await evaluate(args.MessageDeduplicationId, { input: message }, vars)).toBe('a'.repeat(64));
    expect(enqueue.End).toBe(true);
    expect(errorsOf(enqueue, 'Catch')).toEqual([['States.ALL']]);
    expect(state(definition, 'EnqueueEventOnly').Catch).toBeUndefined();
  });

  it('posts only where the environment routes: the channel is pinned whatever the formatter answered', async () => {
    const args = state(definition, 'Enqueue').Arguments as Record<string, string>;
    const stray = {
      ...message,
      delivery: {
        ...message.delivery,
        payload: { channel: '#somewhere-else', text: 'x' },
        fallback: { text: 'x' },
      },
      messageGroupId: '#somewhere-else',
    };
    const body = (vars: Record<string, unknown>) =>
      evaluate(args.MessageBody, { input: stray }, vars).then((b) => JSON.parse(b as string));
    expect(await body(prepared(definition))).toMatchObject({
      payload: { channel: '#etl-alerts', text: 'x' },
      fallback: { channel: '#etl-alerts', text: 'x' },
    });
    expect(await evaluate(args.MessageGroupId, { input: stray }, prepared(definition))).toBe('#etl-alerts');
    const webhook = definitionWith({ DestinationType: 'webhook', SlackChannel: '' });
    const webhookBody = await body(prepared(webhook));
    expect(webhookBody.payload).toEqual({ text: 'x' });
    expect(webhookBody.fallback).toEqual({ text: 'x' });
    expect(await evaluate(args.MessageGroupId, { input: stray }, prepared(webhook))).toBe('webhook');
  });
});
