import { describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '../../formatters/contract.js';
import { type Definition, evaluate, readAsl, route, state, substitute } from './asl-helpers.js';

const CONNECTION_ARN = 'arn:aws:events:eu-west-1:111122223333:connection/slack/0000';
const channel = JSON.parse(
  substitute(readAsl('deliver.asl.json'), { ConnectionArn: CONNECTION_ARN })
) as Definition;
const webhook = JSON.parse(
  substitute(readAsl('deliver-webhook.asl.json'), {
    ConnectionArn: CONNECTION_ARN,
    WebhookParameterName: '/prod/SLACK_URL',
  })
) as Definition;

const delivery: DeliveryMessage = {
  payload: { channel: 'C0123456789', text: 'nightly-etl failed', blocks: [{ type: 'section' }] },
  fallback: { channel: 'C0123456789', text: 'nightly-etl failed (plain)' },
  executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:nightly-etl:run-42',
  status: 'FAILED',
  deduplicationId: 'b'.repeat(64),
};
// What the Pipe hands the machine: a JSON array with one SQS record whose body is the DeliveryMessage string.
const records = [
  {
    messageId: 'm-1',
    body: JSON.stringify(delivery),
    attributes: { MessageGroupId: 'channel:C0123456789', ApproximateReceiveCount: '1' },
    eventSource: 'aws:sqs',
  },
];
const context = { Execution: { Input: records } };

describe('deliver.asl.json (chat.postMessage)', () => {
  const post = state(channel, 'Post');
  const args = post.Arguments as Record<string, unknown>;

  it('POSTs the payload to chat.postMessage through the connection, never with an Authorization header', async () => {
    expect(post.Resource).toBe('arn:aws:states:::http:invoke');
    expect(args.ApiEndpoint).toBe('https://slack.com/api/chat.postMessage');
    expect(args.Method).toBe('POST');
    expect(args.Authentication).toEqual({ ConnectionArn: CONNECTION_ARN });
    expect(Object.keys(args.Headers as object).map((key) => key.toLowerCase())).not.toContain(
      'authorization'
    );
    expect(await evaluate(args.RequestBody, { input: records, context })).toEqual(delivery.payload);
    const fallback = state(channel, 'PostFallback').Arguments as Record<string, unknown>;
    expect(await evaluate(fallback.RequestBody, { input: {}, context })).toEqual(delivery.fallback);
  });

  it('retries 429, 5xx and socket errors with backoff and full jitter', () => {
    const retried = (post.Retry as Array<{ ErrorEquals: string[] }>).flatMap(
      (retrier) => retrier.ErrorEquals
    );
    for (const error of ['429', '500', '502', '503', '504'])
      expect(retried).toContain(`States.Http.StatusCode.${error}`);
    expect(retried).toContain('States.Http.Socket');
  });

  it('reads the Slack answer whether ResponseBody arrives parsed or as a string', async () => {
    const asObject = await evaluate(post.Output, {
      input: records,
      result: { StatusCode: 200, ResponseBody: { ok: true, channel: 'C0123456789', ts: '1.2' } },
    });
    expect(asObject).toEqual({ ok: true, error: 'unknown_error', ts: '1.2', fallback: false });
    const asString = await evaluate(post.Output, {
      input: records,
      result: { StatusCode: 200, ResponseBody: '{"ok":false,"error":"invalid_blocks"}' },
    });
    expect(asString).toEqual({ ok: false, error: 'invalid_blocks', fallback: false });
  });

  it.each([
    [{ ok: true }, 'Delivered'],
    [{ ok: false, error: 'ratelimited', fallback: false }, 'SlackUnavailable'],
    [{ ok: false, error: 'rate_limited', fallback: false }, 'SlackUnavailable'],
    [{ ok: false, error: 'internal_error', fallback: false }, 'SlackUnavailable'],
    [{ ok: false, error: 'invalid_blocks', fallback: false }, 'PostFallback'],
    [{ ok: false, error: 'invalid_blocks_format', fallback: false }, 'PostFallback'],
    [{ ok: false, error: 'msg_too_long', fallback: false }, 'PostFallback'],
    [{ ok: false, error: 'msg_blocks_too_long', fallback: false }, 'PostFallback'],
    [{ ok: false, error: 'msg_too_long', fallback: true }, 'SlackRejected'],
    [{ ok: false, error: 'channel_not_found', fallback: false }, 'SlackRejected'],
    [{ ok: false, error: 'not_in_channel', fallback: false }, 'SlackRejected'],
    [{ ok: false, error: 'invalid_auth', fallback: false }, 'SlackRejected'],
    [{ ok: false, error: 'account_inactive', fallback: false }, 'SlackRejected'],
    [{ ok: false, error: 'token_revoked', fallback: false }, 'SlackRejected'],
    [{ ok: false, error: 'something_new', fallback: false }, 'SlackRejected'],
  ])('routes %j to %s', async (input, next) => {
    expect(await route(state(channel, 'CheckResponse'), input)).toBe(next);
  });

  it('fails with the Slack error as the error name, so the DLQ and the console show it', async () => {
    for (const name of ['SlackRejected', 'SlackUnavailable']) {
      const fail = state(channel, name);
      expect(fail.Type).toBe('Fail');
      expect(await evaluate(fail.Error, { input: { ok: false, error: 'channel_not_found' } })).toBe(
        'Slack.channel_not_found'
      );
    }
  });

  it('posts the fallback at most once: its answer is marked as a fallback', async () => {
    const output = await evaluate(state(channel, 'PostFallback').Output, {
      input: {},
      result: { StatusCode: 200, ResponseBody: { ok: false, error: 'msg_too_long' } },
    });
    expect(output).toEqual({ ok: false, error: 'msg_too_long', fallback: true });
    expect(await route(state(channel, 'CheckResponse'), output)).toBe('SlackRejected');
  });
});

describe('deliver-webhook.asl.json', () => {
  it('reads the webhook URL from the SSM SecureString at run time into a variable, not the output', async () => {
    const read = state(webhook, 'ReadWebhookUrl');
    expect(read.Resource).toBe('arn:aws:states:::aws-sdk:ssm:getParameter');
    expect(read.Arguments).toEqual({ Name: '/prod/SLACK_URL', WithDecryption: true });
    const result = {
      Parameter: { Name: '/prod/SLACK_URL', Value: 'https://hooks.slack.com/services/T/B/x' },
    };
    const assign = read.Assign as Record<string, string>;
    expect(await evaluate(assign.webhookUrl, { input: records, result })).toBe(result.Parameter.Value);
    expect(await evaluate(read.Output, { input: records, result })).toEqual(records);
  });

  it('POSTs the payload to the URL in the variable, through the connection', async () => {
    const args = state(webhook, 'Post').Arguments as Record<string, unknown>;
    const url = 'https://hooks.slack.com/services/T/B/x';
    expect(await evaluate(args.ApiEndpoint, { input: records, context }, { webhookUrl: url })).toBe(url);
    expect(args.Authentication).toEqual({ ConnectionArn: CONNECTION_ARN });
    expect(await evaluate(args.RequestBody, { input: records, context })).toEqual(delivery.payload);
  });

  it('treats the plain-text body "ok" as success and anything else as a failure', async () => {
    const post = state(webhook, 'Post');
    const ok = await evaluate(post.Output, {
      input: records,
      result: { StatusCode: 200, ResponseBody: 'ok' },
    });
    expect(await route(state(webhook, 'CheckResponse'), ok)).toBe('Delivered');
    const odd = await evaluate(post.Output, {
      input: records,
      result: { StatusCode: 200, ResponseBody: { x: 1 } },
    });
    expect(await route(state(webhook, 'CheckResponse'), odd)).toBe('UnexpectedResponse');
  });

  it('posts the plain-text fallback when the webhook answers 400 (invalid_payload)', () => {
    const catchers = state(webhook, 'Post').Catch as Array<{ ErrorEquals: string[]; Next: string }>;
    expect(catchers).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Http.StatusCode.400'], Next: 'PostFallback' }),
    ]);
    expect(state(webhook, 'PostFallback').Catch).toBeUndefined();
  });
});
