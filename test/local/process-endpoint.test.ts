/** The shared localhost endpoint of the SFN and STS stand-ins: environment set and restored, one port for life. */
import { afterEach, describe, expect, it } from 'vitest';
import { processEndpoint } from '../../local/stand-ins/process-endpoint.js';

const KEY = 'SFN_SLACK_TEST_ENDPOINT_URL';
const DEFAULT = 'SFN_SLACK_TEST_DEFAULT';
afterEach(() => {
  delete process.env[KEY];
  delete process.env[DEFAULT];
});

describe('processEndpoint', () => {
  const endpoint = processEndpoint({
    handle: ({ body }) => {
      if (body === 'throw') throw new Error('boom');
      return { status: 200, contentType: 'text/plain', body: `got ${body}` };
    },
    env: (url) => ({ [KEY]: url }),
    defaults: { [DEFAULT]: 'placeholder' },
  });

  it('points the environment at itself while in use and restores it after the last release', async () => {
    process.env[DEFAULT] = 'mine';
    const first = await endpoint.acquire();
    const second = await endpoint.acquire();
    const url = process.env[KEY] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env[DEFAULT]).toBe('mine');
    const answer = await fetch(url, { method: 'POST', body: 'ping' });
    expect([answer.status, await answer.text()]).toEqual([200, 'got ping']);
    await first();
    await first();
    expect(process.env[KEY]).toBe(url);
    await second();
    expect(process.env[KEY]).toBeUndefined();
    expect(process.env[DEFAULT]).toBe('mine');
  });

  it('keeps its port when used again, sets defaults only when unset, and answers 500 when the handler throws', async () => {
    const release = await endpoint.acquire();
    const url = process.env[KEY];
    expect(process.env[DEFAULT]).toBe('placeholder');
    const failed = await fetch(url ?? '', { method: 'POST', body: 'throw' });
    expect(failed.status).toBe(500);
    await release();
    expect(process.env[DEFAULT]).toBeUndefined();
    const again = await endpoint.acquire();
    expect(process.env[KEY]).toBe(url);
    await again();
  });
});
