/**
 * No secret in any log line or output: the bot token (held by the connection) and the incoming-webhook URL
 * (read from SSM at delivery time) must not appear in the pipeline's logs, the in-process Lambda's logs, the
 * Slack server's request records or pages, or the test output. The bot token must not appear in the
 * execution histories either (the connection injects it); the webhook URL does appear in the webhook machine's
 * HTTP task parameters, which is the documented exposure of webhook mode, so that one is checked on logs only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allText, examples, type Harness, harness, historiesOf, settledSlowRequest } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function everythingVisible(x: Harness): Promise<string> {
  const page = await (await fetch(`${x.slack.url}/`)).text();
  const listing = await (await fetch(`${x.slack.url}/_local/messages`)).text();
  return [...x.logs, ...x.output, JSON.stringify(x.slack.requests), page, listing].join('\n');
}

describe('secrets stay out of logs and output', () => {
  it('the bot token appears nowhere: logs, Lambda output, server records, histories, queue', async () => {
    // Prepare
    // Shaped like a bot token (built at run time so secret scanners do not flag this file).
    const token = ['xoxb', '1111111111', '2222222222', 'SeCrEtToKeNvalue'].join('-');
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), httpTimeoutMs: 300 }, { token });
    h.slack.injectFault({ status: 500 });
    h.slack.injectFault({ delayMs: 30_000 });
    h.slack.injectFault({ error: 'invalid_blocks', target: 'api' });
    // Act
    const { notifier } = await h.pipeline.run(example.event);
    await settledSlowRequest(h.slack);
    // Assess: it was really used (the post was authorized) …
    expect(h.slack.messages()).toHaveLength(1);
    expect(h.slack.requests.map((r) => r.outcome)).toContain('ok');
    // … and is nowhere to be seen.
    const seen = [
      await everythingVisible(h),
      JSON.stringify(notifier.events),
      JSON.stringify(h.pipeline.deliveries),
      h.pipeline.queue.peekBodies().join('\n'),
    ].join('\n');
    expect(seen.length).toBeGreaterThan(1000);
    expect(seen).not.toContain(token);
    expect(seen).not.toContain('SeCrEtToKeN');
    expect(h.logs.some((l) => l.includes('https://slack.com/api/chat.postMessage'))).toBe(true);
  });

  it('the webhook URL’s secret appears in no log line, Lambda output or server record', async () => {
    const example = examples.failed();
    h = await harness({ history: historiesOf([example]), webhook: true });
    h.slack.injectFault({ status: 500, target: 'webhook' });
    await h.pipeline.run(example.event);
    const posted = h.slack.messages('alerts');
    expect(posted).toHaveLength(1);
    // The secret is the last path segment of the hook the pipeline registered.
    const delivery = h.pipeline.deliveries.at(-1);
    const scheduled = JSON.stringify(delivery?.result.events ?? []);
    const secret = /\/services\/T\w+\/B\w+\/(\w+)/.exec(scheduled)?.[1];
    expect(secret).toMatch(/^\w{16,}$/);
    const seen = await everythingVisible(h);
    expect(seen).not.toContain(secret as string);
    expect(h.logs.filter((l) => l.startsWith('http:invoke'))).toEqual([
      'http:invoke POST https://hooks.slack.com/services/*** → 500',
      'http:invoke POST https://hooks.slack.com/services/*** → 200',
    ]);
    expect(allText(posted[0] ?? {})).not.toContain(secret as string);
  });
});
