import { describe, expect, it } from 'vitest';
import type { FormatterInput } from '../../formatters/contract.js';
import { jsonStringSubstitution } from '../../infra/json-string-substitution.js';
import {
  type Definition,
  evaluate,
  jsonataStrings,
  readAsl,
  route,
  state,
  substitute,
} from './asl-helpers.js';

const FORMATTER_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:formatter';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/notifier.fifo';

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
      Actions: '',
      ...overrides,
    })
  ) as Definition;
}

const placeholder = (name: string) => `\${${name}}`;

/** The deploy-time settings every path into Format assigns: FetchHistory on success, and each catcher. */
function configAssigns(definition: Definition): unknown[] {
  const fetch = state(definition, 'FetchHistory');
  const catchers = fetch.Catch as Array<{ Assign?: { config?: unknown } }>;
  return [
    (fetch.Assign as { config?: unknown } | undefined)?.config,
    ...catchers.map((c) => c.Assign?.config),
  ];
}

/** Evaluates Format's Payload with $config as FetchHistory assigned it. */
async function formatPayload(
  definition: Definition,
  states: Record<string, unknown>
): Promise<FormatterInput> {
  const format = state(definition, 'Format');
  const [config] = configAssigns(definition);
  return (await evaluate((format.Arguments as { Payload: string }).Payload, states, {
    config,
  })) as FormatterInput;
}

const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42';
const event = {
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
  Execution: { Id: 'arn:aws:states:eu-west-1:111122223333:execution:notifier:x', Input: event },
};
const page = { Events: [{ Id: 1, Type: 'ExecutionStarted' }], NextToken: 'page-2' };

describe('notifier.asl.json: FetchHistory', () => {
  const fetch = state(definitionWith(), 'FetchHistory');

  it('asks for the first page of the event execution, bounded and without execution data', async () => {
    const args = await evaluate(fetch.Arguments, { input: event, context });
    expect(args).toEqual({ ExecutionArn: executionArn, MaxResults: 200, IncludeExecutionData: false });
  });

  it('asks for the next page with the token the formatter loop carries', async () => {
    const input = { kind: 'partial', partial: { steps: 3 }, nextToken: 'page-2' };
    const args = await evaluate(fetch.Arguments, { input, context });
    expect(args).toEqual({
      ExecutionArn: executionArn,
      MaxResults: 200,
      IncludeExecutionData: false,
      NextToken: 'page-2',
    });
  });

  it('outputs the page, its next token and the partial fold state', async () => {
    const output = await evaluate(fetch.Output, {
      input: { kind: 'partial', partial: { steps: 3 }, nextToken: 'page-1' },
      result: page,
      context,
    });
    expect(output).toEqual({ pages: [page], nextToken: 'page-2', partial: { steps: 3 } });
    const last = await evaluate(fetch.Output, { input: event, result: { Events: [] }, context });
    expect(last).toEqual({ pages: [{ Events: [] }] });
  });

  it('retries throttling with backoff and jitter, but not errors that will not go away', () => {
    const retry = fetch.Retry as Array<{ ErrorEquals: string[] }>;
    const retried = retry.flatMap((retrier) => retrier.ErrorEquals);
    expect(retried).toContain('Sfn.ThrottlingException');
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.TaskFailed');
    expect(retried).not.toContain('Sfn.ExecutionDoesNotExistException');
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
      input: event,
      errorOutput: { Error: 'Sfn.ExecutionDoesNotExistException', Cause: 'Execution Does Not Exist' },
      context,
    });
    expect(unavailable).toEqual({
      historyUnavailable: { error: 'Sfn.ExecutionDoesNotExistException', cause: 'Execution Does Not Exist' },
    });
  });
});

describe('notifier.asl.json: Format', () => {
  it('invokes the formatter with a FormatterInput: event, settings from the placeholders, the pages', async () => {
    const definition = definitionWith();
    const format = state(definition, 'Format');
    const args = await formatPayload(definition, { input: { pages: [page], nextToken: 'page-2' }, context });
    expect((format.Arguments as { FunctionName: string }).FunctionName).toBe(FORMATTER_ARN);
    expect(args).toEqual({
      event,
      settings: {
        environment: 'prod',
        template: 'detailed',
        destination: { type: 'channel', channel: '#etl-alerts' },
        mentionOnFailure: '<!subteam^S0123ABCD>',
      },
      pages: [page],
      nextToken: 'page-2',
    });
  });

  it('builds webhook settings without a channel, and no mention when none is configured', async () => {
    const args = await formatPayload(
      definitionWith({ DestinationType: 'webhook', SlackChannel: '', MentionOnFailure: '' }),
      { input: { historyUnavailable: { error: 'Sfn.AccessDeniedException', cause: 'denied' } }, context }
    );
    expect(args.settings).toEqual({
      environment: 'prod',
      template: 'detailed',
      destination: { type: 'webhook' },
    });
    expect(args.historyUnavailable).toEqual({ error: 'Sfn.AccessDeniedException', cause: 'denied' });
    expect(args.pages).toBeUndefined();
  });

  it('cuts a huge execution input or output to 8,192 characters so the payload stays under 256 KiB', async () => {
    const big = {
      ...event,
      detail: { ...event.detail, input: 'x'.repeat(200_000), output: 'y'.repeat(9000) },
    };
    const args = await formatPayload(definitionWith(), {
      input: { readHistory: true },
      context: { Execution: { Input: big } },
    });
    expect(args.event.detail.input).toHaveLength(8192);
    expect(args.event.detail.output).toHaveLength(8192);
    expect(args.event.detail.executionArn).toBe(executionArn);
    expect(args.readHistory).toBe(true);
  });

  it('retries the Lambda service errors, and passes the next token on with the answer', async () => {
    const format = state(definitionWith(), 'Format');
    const retried = (format.Retry as Array<{ ErrorEquals: string[] }>).flatMap(
      (retrier) => retrier.ErrorEquals
    );
    expect(retried.sort()).toEqual([
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ]);
    const output = await evaluate(format.Output, {
      input: { pages: [page], nextToken: 'page-2' },
      result: { Payload: { kind: 'partial', partial: { steps: 1 } }, StatusCode: 200 },
    });
    expect(output).toEqual({ kind: 'partial', partial: { steps: 1 }, nextToken: 'page-2' });
  });
});

describe('notifier.asl.json: deploy-time settings', () => {
  it('are plain JSON strings assigned to $config on every path into Format, never inside an expression', () => {
    const text = readAsl('notifier.asl.json');
    for (const expression of jsonataStrings(JSON.parse(text))) {
      for (const name of [
        'Environment',
        'Template',
        'DestinationType',
        'SlackChannel',
        'MentionOnFailure',
        'Actions',
      ]) {
        expect(expression.expression, expression.at).not.toContain(placeholder(name));
      }
    }
    const assigns = configAssigns(JSON.parse(text) as Definition);
    expect(assigns).toHaveLength(3);
    for (const assigned of assigns) {
      expect(assigned).toEqual({
        environment: placeholder('Environment'),
        template: placeholder('Template'),
        destinationType: placeholder('DestinationType'),
        channel: placeholder('SlackChannel'),
        mentionOnFailure: placeholder('MentionOnFailure'),
        actions: placeholder('Actions'),
      });
    }
  });

  it('reach the formatter unchanged when they hold quotes and backslashes (JSON-escaped substitutions)', async () => {
    const tricky = {
      Environment: 'o\'prod \\ "blue"',
      Template: 'detailed',
      DestinationType: 'channel',
      SlackChannel: `#ops' & "on-call" \\'`,
      MentionOnFailure: `<@U0123> ' ) & $states.input "`,
    };
    const escaped = Object.fromEntries(
      Object.entries(tricky).map(([name, value]) => [name, jsonStringSubstitution(name, value)])
    );
    const definition = definitionWith(escaped);
    for (const config of configAssigns(definition)) {
      expect(config).toEqual({
        environment: tricky.Environment,
        template: 'detailed',
        destinationType: 'channel',
        channel: tricky.SlackChannel,
        mentionOnFailure: tricky.MentionOnFailure,
        actions: '',
      });
    }
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
    messageGroupId: 'channel:#etl-alerts',
    deduplicationId: 'a'.repeat(64),
  };

  it('loops for a partial with a token, enqueues a message, and fails on anything else', async () => {
    const choice = state(definition, 'Route');
    expect(await route(choice, message)).toBe('Enqueue');
    expect(await route(choice, { kind: 'partial', partial: {}, nextToken: 't' })).toBe('FetchHistory');
    expect(await route(choice, { kind: 'partial', partial: {} })).toBe('UnexpectedFormatterOutput');
    expect(await route(choice, { nothing: true })).toBe('UnexpectedFormatterOutput');
  });

  it('sends the delivery as a JSON string with the formatter group and dedup ids', async () => {
    const enqueue = state(definition, 'Enqueue');
    const args = enqueue.Arguments as Record<string, string>;
    expect(args.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse((await evaluate(args.MessageBody, { input: message })) as string)).toEqual(
      message.delivery
    );
    expect(await evaluate(args.MessageGroupId, { input: message })).toBe('channel:#etl-alerts');
    expect(await evaluate(args.MessageDeduplicationId, { input: message })).toBe('a'.repeat(64));
    expect(enqueue.End).toBe(true);
  });

  it('takes 4 state transitions for a one-page history (at most 5, see docs/infra.md)', async () => {
    // Follow the path a one-page history takes: every task succeeds, the formatter answers a message.
    const visited: string[] = [];
    let name: string | undefined = definition.StartAt;
    while (name !== undefined) {
      visited.push(name);
      const current = state(definition, name);
      if (current.End === true) break;
      name = current.Type === 'Choice' ? await route(current, message) : (current.Next as string);
    }
    expect(visited).toEqual(['FetchHistory', 'Format', 'Route', 'Enqueue']);
    expect(visited.length).toBeLessThanOrEqual(5);
  });
});
