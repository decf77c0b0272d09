import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FormatterInput, FormatterOutput, NotifierSettings } from '../../../contract/formatter.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../../contract/sources.js';
import { createHandler, formatMessage as handler } from '../../../formatters/formatter/handler.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { createLogger, DEFAULT_SERVICE_NAME } from '../../../formatters/shared/logger.js';
import { tempDir } from '../../temp-dirs.js';
import { loadFixture } from '../helpers/fixtures.js';
import { slackRejections } from '../helpers/slack-oracle.js';

const channel: NotifierSettings = { environment: 'prod', destination: { type: 'channel', channel: 'C0123' } };
const webhook: NotifierSettings = { environment: 'dev', destination: { type: 'webhook' } };

function message(output: FormatterOutput) {
  if (output.kind !== 'message') throw new Error(`expected a message, got ${output.kind}`);
  return output;
}

describe('handler', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => {
    sfn.reset();
    vi.restoreAllMocks();
  });

  it('pages → message with destination, group, dedup id and a plain-text fallback', async () => {
    const { page, event } = loadFixture('lambda-failure');
    const out = message(await handler({ event, settings: channel, pages: [page] }));
    // SHA-256 of "arn:aws:states:eu-west-1:123456789012:execution:etl-nightly:run-lambda-failure|FAILED|0".
    expect(out.deduplicationId).toBe('83640462dbb24b26b1032104a7d95166a527f839f8888c83518a931bcb20755b');
    expect(out.delivery.deduplicationId).toBe(out.deduplicationId);
    expect(out.messageGroupId).toBe('C0123');
    expect(out.delivery.payload.channel).toBe('C0123');
    expect(out.delivery.payload.unfurl_links).toBe(false);
    expect(slackLimitProblems(out.delivery.payload)).toEqual([]);
    expect(slackRejections(out.delivery.payload)).toEqual([]);
    expect(out.delivery.fallback.blocks).toBeUndefined();
    expect(out.delivery.fallback.channel).toBe('C0123');
    expect(out.delivery.fallback.text).toContain('at Transform');
    expect(slackRejections(out.delivery.fallback)).toEqual([]);
    expect(out.delivery).toMatchObject({ status: 'FAILED', executionArn: event.detail.executionArn });
  });

  it('webhook destination groups as "webhook" and carries no channel', async () => {
    const { page, event } = loadFixture('success');
    const out = message(await handler({ event, settings: webhook, pages: [page] }));
    expect(out.messageGroupId).toBe('webhook');
    expect(out.delivery.payload.channel).toBeUndefined();
  });

  it('the redrive count changes the dedup id', async () => {
    const { page, event } = loadFixture('success');
    const first = message(await handler({ event, settings: webhook, pages: [page] }));
    const redriven = { ...event, detail: { ...event.detail, redriveCount: 1 } };
    const second = message(await handler({ event: redriven, settings: webhook, pages: [page] }));
    expect(second.deduplicationId).not.toBe(first.deduplicationId);
  });

  it('partial protocol: page by page gives the same message as all pages at once', async () => {
    const { page, event } = loadFixture('map-failed-iterations');
    const events = (page as { events: unknown[] }).events;
    const pages = [events.slice(0, 10), events.slice(10, 25), events.slice(25)].map((e) => ({ events: e }));
    let partial: unknown;
    for (const p of pages.slice(0, -1)) {
      const out = await handler({ event, settings: channel, pages: [p], partial, nextToken: 'next' });
      expect(out.kind).toBe('partial');
      if (out.kind === 'partial') partial = JSON.parse(JSON.stringify(out.partial));
    }
    const last = message(await handler({ event, settings: channel, pages: pages.slice(-1), partial }));
    const whole = message(await handler({ event, settings: channel, pages: [page] }));
    expect(last.delivery.payload).toEqual(whole.delivery.payload);
  });

  it('historyUnavailable still sends a message saying why', async () => {
    const { event } = loadFixture('lambda-failure');
    const input: FormatterInput = {
      event,
      settings: channel,
      historyUnavailable: { error: 'Sfn.AccessDeniedException', cause: 'not authorized' },
    };
    const out = message(await handler(input));
    const json = JSON.stringify(out.delivery.payload);
    expect(json).toContain('Execution details were unavailable (Sfn.AccessDeniedException: not authorized)');
    expect(json).toContain('etl-nightly');
    expect(slackLimitProblems(out.delivery.payload)).toEqual([]);
    expect(slackRejections(out.delivery.payload)).toEqual([]);
    expect(out.delivery.fallback.text).toContain('Execution details were unavailable');
  });

  it('readHistory reads every page itself, without execution data', async () => {
    const { page, event } = loadFixture('retries-then-success');
    const events = (page as { events: { timestamp: number }[] }).events.map((e) => ({
      ...e,
      // The JS SDK gives Dates.
      timestamp: new Date(e.timestamp),
    }));
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 5) as never, nextToken: 't1' })
      .resolves({ events: events.slice(5) as never });
    const out = message(await handler({ event, settings: channel, readHistory: true }));
    const calls = sfn.commandCalls(GetExecutionHistoryCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toMatchObject({
      executionArn: event.detail.executionArn,
      includeExecutionData: false,
    });
    expect(calls[1]?.args[0].input.nextToken).toBe('t1');
    expect(JSON.stringify(out.delivery.payload)).toContain('3 attempts');
  });

  it('readHistory after a later page was too large reads the whole history from its start, ignoring any partial', async () => {
    const { page, event } = loadFixture('retries-then-success');
    const events = (page as { events: { timestamp: number }[] }).events.map((e) => ({
      ...e,
      timestamp: new Date(e.timestamp),
    }));
    // Pages 1-5 were folded already; then GetExecutionHistory's next page hit States.DataLimitExceeded.
    const first = await handler({
      event,
      settings: channel,
      pages: [{ events: events.slice(0, 5) }],
      nextToken: 't1',
    });
    if (first.kind !== 'partial') throw new Error('expected a partial');
    const partial = JSON.parse(JSON.stringify(first.partial)) as unknown;
    const whole = message(await handler({ event, settings: channel, pages: [page] }));
    const inputs: FormatterInput[] = [
      // What the notifier's Catch sends: the partial and nextToken are dropped.
      { event, settings: channel, readHistory: true },
      // Anything that came along anyway is ignored: the answer is still the message of the whole history.
      {
        event,
        settings: channel,
        readHistory: true,
        partial,
        nextToken: 't1',
        pages: [{ events: events.slice(5, 8) }],
      },
    ];
    for (const input of inputs) {
      sfn.reset();
      // The paginator reuses one input object, so each request's token is copied as it is sent.
      const tokens: (string | undefined)[] = [];
      sfn
        .on(GetExecutionHistoryCommand)
        .callsFake((request: { nextToken?: string; reverseOrder?: boolean }) => {
          tokens.push(request.nextToken);
          expect(request.reverseOrder).toBe(false);
          return request.nextToken === 'r1'
            ? { events: events.slice(7) }
            : { events: events.slice(0, 7), nextToken: 'r1' };
        });
      const out = message(await handler(input));
      expect(tokens).toEqual([undefined, 'r1']);
      // Same message as from all pages at once: no event folded twice (3 attempts, not more), none missing.
      expect(out.delivery.payload).toEqual(whole.delivery.payload);
      expect(JSON.stringify(out.delivery.payload)).toContain('3 attempts');
    }
  });

  it('readHistory that fails still sends the message, saying why the details are missing', async () => {
    const { event } = loadFixture('lambda-failure');
    const denied = Object.assign(new Error('User is not authorized to perform states:GetExecutionHistory'), {
      name: 'AccessDeniedException',
    });
    sfn.on(GetExecutionHistoryCommand).rejects(denied);
    const out = message(await handler({ event, settings: channel, readHistory: true }));
    expect(JSON.stringify(out.delivery.payload)).toContain(
      'Execution details were unavailable (AccessDeniedException: User is not authorized'
    );
    expect(out.delivery.status).toBe('FAILED');
  });

  it('logs ids and counts, never the message content or the destination secret', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    vi.spyOn(console, 'info').mockImplementation(
      (...args: unknown[]) => void writes.push(args.map(String).join(' '))
    );
    vi.spyOn(console, 'log').mockImplementation(
      (...args: unknown[]) => void writes.push(args.map(String).join(' '))
    );
    const { page, event } = loadFixture('lambda-failure');
    // The suite silences the default logger (vitest.config.ts); this test reads what is logged at Lambda's level.
    const logging = createHandler({
      logger: new Logger({ serviceName: DEFAULT_SERVICE_NAME, logLevel: 'INFO' }),
    });
    await logging({ event, settings: channel, pages: [page] });
    const logged = writes.join('\n');
    expect(logged).toContain(event.detail.executionArn);
    expect(logged).not.toContain('row 42');
    expect(logged).not.toContain('blocks":[');
  });

  it('a template that fails still sends the plain-text message', async () => {
    const { page, event } = loadFixture('lambda-failure');
    const settings = { ...channel, template: '/nonexistent/template.jsonata' };
    const out = message(await handler({ event, settings, pages: [page] }));
    expect(out.delivery.payload.blocks).toBeUndefined();
    expect(out.delivery.payload.text).toContain('etl-nightly failed [prod] at Transform');
    expect(out.delivery.payload.channel).toBe('C0123');
    expect(slackRejections(out.delivery.payload)).toEqual([]);
  });

  it('a template that returns no Slack message sends the plain text, with a warning naming the template', async () => {
    const dir = tempDir('sfn-slack-handler-');
    const { page, event } = loadFixture('lambda-failure');
    for (const expression of ['42', '{"blocks":"x"}']) {
      const template = path.join(dir, `${expression.length}.jsonata`);
      writeFileSync(template, expression);
      const logger = createLogger();
      const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
      const out = message(
        await createHandler({ logger })({ event, settings: { ...channel, template }, pages: [page] })
      );
      expect(out.delivery.payload.blocks).toBeUndefined();
      expect(out.delivery.payload.text).toContain('etl-nightly failed [prod] at Transform');
      expect(slackRejections(out.delivery.payload)).toEqual([]);
      expect(warn).toHaveBeenCalledWith(
        'template failed, sending plain text',
        expect.objectContaining({
          template,
          error: expect.stringContaining(`template '${template}' did not return a Slack message`),
        })
      );
    }
  });

  it('blocks Slack would reject are dropped with a warning naming the template; the rest is sent', async () => {
    const dir = tempDir('sfn-slack-handler-');
    const template = path.join(dir, 'table.jsonata');
    writeFileSync(
      template,
      '{ "text": view.notificationText, "blocks": [ { "type": "table" }, { "type": "divider" } ] }'
    );
    const { page, event } = loadFixture('lambda-failure');
    const logger = createLogger();
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const out = message(
      await createHandler({ logger })({ event, settings: { ...channel, template }, pages: [page] })
    );
    expect(out.delivery.payload.blocks).toEqual([{ type: 'divider' }]);
    expect(slackRejections(out.delivery.payload)).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'template output fixed',
      expect.objectContaining({
        template,
        warning: expect.stringContaining('(table): unsupported block type'),
      })
    );
  });

  it('rejects an input without an execution ARN', async () => {
    await expect(handler({ settings: channel } as unknown as FormatterInput)).rejects.toThrow(/executionArn/);
  });
});

describe('action buttons in a central environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('shows Redrive and Mute on a run of any region (other regions act through the act-in-region function)', async () => {
    const { page, event } = loadFixture('lambda-failure');
    const region = String(event.detail.executionArn).split(':')[3] ?? '';
    const settings = { ...channel, actions: ['redrive', 'mute'] };
    const redrivable = { ...event, detail: { ...event.detail, redriveStatus: 'REDRIVABLE' } };
    const blocksOf = async () =>
      JSON.stringify(
        message(await handler({ event: redrivable, settings, pages: [page] })).delivery.payload.blocks
      );
    vi.stubEnv(CENTRAL_ENVIRONMENT_ENV, 'org');
    vi.stubEnv('AWS_REGION', region);
    expect(await blocksOf()).toContain('sfn-slack:mute:3600');
    expect(await blocksOf()).toContain('sfn-slack:redrive');
    vi.stubEnv('AWS_REGION', region === 'us-east-1' ? 'eu-west-1' : 'us-east-1');
    expect(await blocksOf()).toContain('sfn-slack:redrive');
    expect(await blocksOf()).toContain('sfn-slack:mute:86400');
    vi.unstubAllEnvs();
    vi.stubEnv('AWS_REGION', region === 'us-east-1' ? 'eu-west-1' : 'us-east-1');
    // A single-account environment: shown whatever the region.
    expect(await blocksOf()).toContain('sfn-slack:mute:3600');
  });
});
