/** The local Slack server's edits, threads, metadata, history and dropped-connection faults. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type SlackServer,
  type SlackServerOptions,
  startSlackServer,
} from '../../local/slack-server/index.js';

let server: SlackServer | undefined;
let time = 1_764_000_000_000;
const clock = { now: () => time };

async function start(options: SlackServerOptions = {}): Promise<SlackServer> {
  server = await startSlackServer({
    clock,
    token: 'xoxb-test-token',
    channels: [{ id: 'C0ALERTS01', name: 'alerts' }],
    rateLimit: { burst: 100 },
    ...options,
  });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(
  s: SlackServer,
  method: string,
  body: Record<string, unknown>
): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${s.token}` },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function read(
  s: SlackServer,
  method: string,
  query: Record<string, string>
): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.url}/api/${method}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${s.token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

const metadata = { event_type: 'sfn_slack_notification', event_payload: { dedup: 'abc' } };

describe('chat.update', () => {
  it('is limited per workspace (Tier 3, about 50 a minute): past the burst, 429 ratelimited until the bucket refills', async () => {
    const s = await start();
    const parent = await call(s, 'chat.postMessage', { channel: '#alerts', text: 'running' });
    const answers: unknown[] = [];
    for (let i = 0; i < 21; i += 1) {
      answers.push(
        (await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: `v${i}` })).ok
      );
    }
    expect(answers.filter((ok) => ok === true)).toHaveLength(20);
    expect(answers.at(-1)).toBe(false);
    expect(s.requests.at(-1)).toMatchObject({ status: 429, outcome: 'ratelimited', channel: 'C0ALERTS01' });
    time += 1_300;
    expect(
      await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'later' })
    ).toMatchObject({ ok: true });
  });

  it('keeps each version in order; the current content is the last one', async () => {
    const s = await start();
    const parent = await call(s, 'chat.postMessage', { channel: '#alerts', text: 'running' });
    time += 1000;
    const edited = await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'failed' });
    expect(edited).toMatchObject({ ok: true, ts: parent.ts });
    await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'succeeded' });
    const [message] = s.conversations().C0ALERTS01 ?? [];
    expect(message?.text).toBe('running');
    expect(message?.edits.map((e) => e.text)).toEqual(['failed', 'succeeded']);
  });

  it('answers message_not_found, cant_update_message (a webhook post), edit_window_closed and channel_not_found for a name', async () => {
    const s = await start({ editWindowSeconds: 60 });
    expect(await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: '1.2', text: 'x' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    const hook = s.addWebhook('alerts');
    await fetch(hook, { method: 'POST', body: JSON.stringify({ text: 'by webhook' }) });
    const byHook = s.messages()[0];
    expect(await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: byHook?.ts, text: 'x' })).toMatchObject({
      error: 'cant_update_message',
    });
    const parent = await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'old' });
    time += 61_000;
    expect(await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'x' })).toMatchObject({
      error: 'edit_window_closed',
    });
    expect(await call(s, 'chat.update', { channel: '#alerts', ts: parent.ts, text: 'x' })).toMatchObject({
      error: 'channel_not_found',
    });
  });

  it('an empty blocks list removes the blocks', async () => {
    const s = await start();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    const parent = await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 't', blocks });
    await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'plain', blocks: [] });
    await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'kept' });
    const [message] = s.conversations().C0ALERTS01 ?? [];
    expect(message?.edits.map((e) => e.blocks)).toEqual([undefined, undefined]);
  });
});

describe('threads and metadata', () => {
  it('a reply lands in its parent thread; reply_broadcast also shows it in the channel history', async () => {
    const s = await start();
    const parent = await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'p', metadata });
    time += 1000;
    await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'quiet', thread_ts: parent.ts });
    await call(s, 'chat.postMessage', {
      channel: 'C0ALERTS01',
      text: 'loud',
      thread_ts: parent.ts,
      reply_broadcast: true,
    });
    const [message, ...others] = s.conversations().C0ALERTS01 ?? [];
    expect(others).toEqual([]);
    expect(message?.replies.map((r) => [r.text, r.reply_broadcast])).toEqual([
      ['quiet', false],
      ['loud', true],
    ]);
    const history = await read(s, 'conversations.history', { channel: 'C0ALERTS01' });
    expect((history.messages as Array<{ text: string }>).map((m) => m.text)).toEqual(['loud', 'p']);
    expect(
      await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'x', thread_ts: '9.9' })
    ).toMatchObject({
      error: 'thread_not_found',
    });
  });

  it('metadata comes back only with include_all_metadata; oldest filters by ts', async () => {
    const s = await start();
    const first = await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'a', metadata });
    time += 10_000;
    await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'b' });
    const plain = await read(s, 'conversations.history', { channel: 'C0ALERTS01' });
    expect(JSON.stringify(plain)).not.toContain('sfn_slack_notification');
    const withMetadata = await read(s, 'conversations.history', {
      channel: 'C0ALERTS01',
      include_all_metadata: 'true',
    });
    expect((withMetadata.messages as Array<{ metadata?: unknown }>)[1]?.metadata).toEqual(metadata);
    const since = await read(s, 'conversations.history', { channel: 'C0ALERTS01', oldest: String(first.ts) });
    expect((since.messages as Array<{ text: string }>).map((m) => m.text)).toEqual(['b']);
  });

  it('conversations.replies lists the parent first, then its replies', async () => {
    const s = await start();
    const parent = await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'p' });
    await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'r', thread_ts: parent.ts, metadata });
    const thread = await read(s, 'conversations.replies', {
      channel: 'C0ALERTS01',
      ts: String(parent.ts),
      include_all_metadata: 'true',
    });
    expect(
      (thread.messages as Array<{ text: string; metadata?: unknown }>).map((m) => [m.text, m.metadata])
    ).toEqual([
      ['p', undefined],
      ['r', metadata],
    ]);
    expect(await read(s, 'conversations.replies', { channel: 'C0ALERTS01', ts: '1.1' })).toMatchObject({
      error: 'thread_not_found',
    });
  });
});

describe('dropped connections', () => {
  it("drop 'after': Slack keeps the post but the client gets no answer", async () => {
    const s = await start();
    s.injectFault({ drop: 'after', method: 'chat.postMessage' });
    await expect(call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'kept' })).rejects.toThrow();
    expect(s.messages().map((m) => m.text)).toEqual(['kept']);
  });

  it("drop 'before': nothing is kept", async () => {
    const s = await start();
    s.injectFault({ drop: 'before' });
    await expect(call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'lost' })).rejects.toThrow();
    expect(s.messages()).toEqual([]);
    expect(s.requests.at(-1)?.outcome).toMatch(/dropped before/);
  });

  it('a fault for one method leaves the others alone', async () => {
    const s = await start();
    s.injectFault({ error: 'internal_error', method: 'chat.update' });
    expect(await call(s, 'chat.postMessage', { channel: 'C0ALERTS01', text: 'ok' })).toMatchObject({
      ok: true,
    });
  });
});

describe('issue 21 faults', () => {
  it('hangMs: the request is held on the server clock, unhandled, then the connection drops', async () => {
    let slept = 0;
    const s = await start({
      clock: {
        now: () => time + slept,
        sleep: async (ms: number) => {
          slept += ms;
        },
      },
    });
    s.injectFault({ hangMs: 11_000, method: 'chat.postMessage' });
    await expect(call(s, 'chat.postMessage', { channel: '#alerts', text: 'x' })).rejects.toThrow();
    expect(slept).toBe(11_000);
    expect(s.messages()).toEqual([]);
    expect(s.requests.map((r) => [r.status, r.outcome])).toEqual([[0, 'fault: no answer (hang)']]);
    // Only once: the next call is answered.
    expect(await call(s, 'chat.postMessage', { channel: '#alerts', text: 'x' })).toMatchObject({ ok: true });
  });

  it('deletes: message_not_found as Slack means it, the message and its thread gone', async () => {
    const s = await start();
    const parent = await call(s, 'chat.postMessage', { channel: '#alerts', text: 'running' });
    await call(s, 'chat.postMessage', { channel: '#alerts', text: 'reply', thread_ts: parent.ts });
    s.injectFault({ method: 'chat.update', error: 'message_not_found', deletes: true });
    expect(await call(s, 'chat.update', { channel: 'C0ALERTS01', ts: parent.ts, text: 'done' })).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect(s.messages()).toEqual([]);
  });

  it('untilMs: the fault ends when the clock passes it, whatever times has left; a webhook says is_archived with 410', async () => {
    const s = await start();
    s.injectFault({
      error: 'ratelimited',
      status: 200,
      times: Number.POSITIVE_INFINITY,
      untilMs: time + 60_000,
    });
    expect(await call(s, 'chat.postMessage', { channel: '#alerts', text: 'x' })).toEqual({
      ok: false,
      error: 'ratelimited',
    });
    time += 60_000;
    expect(await call(s, 'chat.postMessage', { channel: '#alerts', text: 'x' })).toMatchObject({ ok: true });
    const hook = s.addWebhook('#alerts');
    s.injectFault({ error: 'is_archived' });
    const res = await fetch(hook, { method: 'POST', body: JSON.stringify({ text: 'x' }) });
    expect([res.status, await res.text()]).toEqual([410, 'channel_is_archived']);
  });
});
