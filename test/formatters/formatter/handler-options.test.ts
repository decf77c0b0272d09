/**
 * How the handler is built: an injected SFN client, the default client's `AWS_ENDPOINT_URL_SFN` path (the
 * local pipeline's), and a logger the stack's POWERTOOLS_* variables configure. The SFN API is a local HTTP
 * server speaking its JSON protocol (the true edge), so the real SDK client is exercised.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FormatterOutput, NotifierSettings } from '../../../contract/formatter.js';
import { loadFixture } from '../helpers/fixtures.js';

const settings: NotifierSettings = {
  environment: 'prod',
  destination: { type: 'channel', channel: 'C0123' },
};

interface FakeSfn {
  readonly url: string;
  readonly requests: { target: string; nextToken?: string }[];
  close(): Promise<void>;
}

/** A GetExecutionHistory endpoint serving `events` in two pages; anything else is an error. */
async function fakeSfn(events: readonly unknown[]): Promise<FakeSfn> {
  const requests: FakeSfn['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { nextToken?: string };
      requests.push({ target, ...(body.nextToken ? { nextToken: body.nextToken } : {}) });
      res.writeHead(target === 'AWSStepFunctions.GetExecutionHistory' ? 200 : 400, {
        'content-type': 'application/x-amz-json-1.0',
      });
      const half = Math.ceil(events.length / 2);
      res.end(
        JSON.stringify(
          target !== 'AWSStepFunctions.GetExecutionHistory'
            ? { __type: 'UnknownOperationException', message: target }
            : body.nextToken === 'p2'
              ? { events: events.slice(half) }
              : { events: events.slice(0, half), nextToken: 'p2' }
        )
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The API's JSON: epoch-second timestamps. The fixture has epoch milliseconds. */
function apiEvents(name: string): unknown[] {
  const { page } = loadFixture(name);
  return (page as { events: { timestamp: number }[] }).events.map((e) => ({
    ...e,
    timestamp: e.timestamp / 1000,
  }));
}

function text(output: FormatterOutput): string {
  if (output.kind !== 'message') throw new Error(`expected a message, got ${output.kind}`);
  return JSON.stringify(output.delivery.payload);
}

/** Collects what Powertools writes (JSON lines: errors and warnings on stderr, the rest on stdout). */
function captureLogs(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const collect = (chunk: string | Uint8Array): boolean => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(collect);
  vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  return lines;
}

const servers: FakeSfn[] = [];
beforeEach(async () => {
  vi.resetModules();
  // The run context's ListExecutions goes here (refused at once) unless a test points elsewhere: never to AWS.
  const refusing = await fakeSfn([]);
  servers.push(refusing);
  vi.stubEnv('AWS_ENDPOINT_URL_SFN', refusing.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', undefined);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', undefined);
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', undefined);
});
// Each test loaded the formatter with its own environment: the next file loads it afresh, silenced.
afterAll(() => vi.resetModules());
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createHandler: SFN client', () => {
  it('reads the history through an injected client, not the default one', async () => {
    captureLogs(); // the default logger logs at INFO here; the test output stays quiet
    const { event } = loadFixture('retries-then-success');
    const injected = await fakeSfn(apiEvents('retries-then-success'));
    const envEndpoint = await fakeSfn([]);
    servers.push(injected, envEndpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SFN', envEndpoint.url);
    const { createHandler } = await import('../../../formatters/formatter/handler.js');
    const sfnClient = new SFNClient({ region: 'eu-west-1', endpoint: injected.url, maxAttempts: 1 });
    captureLogs(); // the run context's warning (refused here) stays out of the test output
    const handle = createHandler({ sfnClient });
    const out = await handle({ event, settings, readHistory: true });
    const history = injected.requests.filter((r) => r.target === 'AWSStepFunctions.GetExecutionHistory');
    expect(history.map((r) => r.nextToken)).toEqual([undefined, 'p2']);
    // The run context is read with the same client as the history (issue 24).
    expect(injected.requests.map((r) => r.target)).toContain('AWSStepFunctions.ListExecutions');
    expect(envEndpoint.requests).toEqual([]);
    expect(text(out)).toContain('3 attempts');
    expect(text(out)).not.toContain('details were unavailable');
  });

  it('the default handler still honours AWS_ENDPOINT_URL_SFN (the local pipeline)', async () => {
    captureLogs(); // the default logger logs at INFO here; the test output stays quiet
    const { event } = loadFixture('retries-then-success');
    const local = await fakeSfn(apiEvents('retries-then-success'));
    servers.push(local);
    vi.stubEnv('AWS_ENDPOINT_URL_SFN', local.url);
    const { formatMessage: handler } = await import('../../../formatters/formatter/handler.js');
    captureLogs(); // the run context's warning (refused here) stays out of the test output
    const out = await handler({ event, settings, readHistory: true });
    expect(local.requests.map((r) => r.target)).toEqual([
      'AWSStepFunctions.GetExecutionHistory',
      'AWSStepFunctions.GetExecutionHistory',
      'AWSStepFunctions.ListExecutions', // the run context (issue 24), refused here: the message goes out without
    ]);
    expect(text(out)).toContain('3 attempts');
  });
});

describe('logger: configured by the environment', () => {
  it('POWERTOOLS_SERVICE_NAME names the service', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'orders-notifier');
    const { formatMessage: handler } = await import('../../../formatters/formatter/handler.js');
    const logs = captureLogs();
    const { page, event } = loadFixture('success');
    await handler({ event, settings, pages: [page] });
    const formatted = logs.find((l) => l.message === 'formatted');
    expect(formatted).toMatchObject({ level: 'INFO', service: 'orders-notifier' });
  });

  it('POWERTOOLS_LOG_LEVEL decides what is logged', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    const { formatMessage: handler } = await import('../../../formatters/formatter/handler.js');
    const logs = captureLogs();
    const { page, event } = loadFixture('lambda-failure');
    await handler({ event, settings: { ...settings, template: '/nonexistent/t.jsonata' }, pages: [page] });
    // The template's failure is a warning (the plain-text message still goes out); the INFO lines are not logged.
    // The run context, refused by the endpoint, is the other warning (issue 24).
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['WARN', 'run context unavailable'],
      ['WARN', 'template failed, sending plain text'],
    ]);
  });

  it('with neither set: INFO, service sfn-slack-notifier', async () => {
    const { formatMessage: handler } = await import('../../../formatters/formatter/handler.js');
    const { DEFAULT_SERVICE_NAME } = await import('../../../formatters/shared/logger.js');
    const logs = captureLogs();
    const { page, event } = loadFixture('success');
    await handler({ event, settings, pages: [page] });
    expect(DEFAULT_SERVICE_NAME).toBe('sfn-slack-notifier');
    expect(logs.find((l) => l.message === 'formatted')).toMatchObject({
      level: 'INFO',
      service: 'sfn-slack-notifier',
    });
  });

  it('an injected logger is the one used', async () => {
    const { createHandler } = await import('../../../formatters/formatter/handler.js');
    const { createLogger } = await import('../../../formatters/shared/logger.js');
    const logger = createLogger();
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { page, event } = loadFixture('success');
    await createHandler({ logger })({ event, settings, pages: [page] });
    expect(info).toHaveBeenCalledWith('formatted', expect.objectContaining({ steps: 4 }));
    // The run context, refused by this test's endpoint, is warned about on the same logger.
    expect(warn).toHaveBeenCalledWith('run context unavailable', { error: 'UnknownOperationException' });
  });
});
