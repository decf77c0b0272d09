/**
 * A Slack-compatible HTTP server on localhost, for tests and `sfn-slack start`.
 *
 * - `POST /api/chat.postMessage`: bearer-token auth, channel lookup, Block Kit validation; application errors
 *   are HTTP 200 `{"ok":false,"error":…}` like the Web API, rate limiting is HTTP 429 with `Retry-After`.
 * - `POST /services/T…/B…/<secret>`: incoming webhooks; `ok` (text/plain) on success, errors as HTTP status
 *   codes with plain-text bodies.
 * - `GET /`: an HTML page of what was received; `GET /_local/messages[?channel=]`: the same as JSON.
 *
 * Defaults: bound to 127.0.0.1 on an ephemeral port, burst of 3 then one message a second per channel.
 * The bot token and webhook secrets are never logged, stored with a request or shown on a page.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { validateBlocks } from './block-kit.js';
import { RateLimiter } from './rate-limiter.js';
const webhookPath = /^\/services\/(T[A-Z0-9]+)\/(B[A-Z0-9]+)\/([A-Za-z0-9]+)$/;
const maxBodyBytes = 1024 * 1024;
class BadRequest extends Error {
}
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > maxBodyBytes)
                reject(new BadRequest('body too large'));
            else
                chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
/** Parses a Web API or webhook body: JSON, or form-encoded (with JSON-in-string `blocks` / `payload`). */
function parseBody(raw, contentType) {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/x-www-form-urlencoded') {
        const form = Object.fromEntries(new URLSearchParams(raw));
        if (typeof form.payload === 'string')
            return parseJsonObject(form.payload);
        return form;
    }
    return parseJsonObject(raw);
}
function parseJsonObject(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch {
        throw new BadRequest('invalid json');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new BadRequest('not an object');
    return value;
}
const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function defaultPage(messages) {
    const items = messages
        .map((m) => `<li><b>#${escapeHtml(m.channelName)}</b> ${escapeHtml(m.ts)}<pre>${escapeHtml(JSON.stringify({ text: m.text, blocks: m.blocks }, null, 2))}</pre></li>`)
        .join('\n');
    return `<!doctype html><html><head><meta charset="utf-8"><title>Local Slack</title></head><body><h1>Received messages</h1><ol>${items}</ol></body></html>`;
}
/** Starts the server; resolves once it listens. */
export async function startSlackServer(options = {}) {
    const clock = options.clock ?? { now: () => Date.now() };
    const token = options.token ?? `xoxb-local-${randomBytes(12).toString('hex')}`;
    const maxText = options.maxTextLength ?? 40_000;
    const channels = new Map();
    for (const c of options.channels ?? [{ id: 'C0LOCAL001', name: 'alerts' }])
        channels.set(c.id, c);
    const webhooks = new Map(); // path → channel ID
    const limiter = new RateLimiter(clock, options.rateLimit);
    const received = [];
    const requests = [];
    const faults = [];
    let tsCounter = 0;
    const findChannel = (ref) => {
        const byId = channels.get(ref);
        if (byId)
            return byId;
        const name = ref.replace(/^#/, '');
        return [...channels.values()].find((c) => c.name === name);
    };
    const nextTs = () => {
        tsCounter += 1;
        return `${Math.floor(clock.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
    };
    const takeFault = (target) => {
        const i = faults.findIndex((f) => (f.fault.target ?? 'any') === 'any' || f.fault.target === target);
        const entry = faults[i];
        if (!entry)
            return undefined;
        entry.left -= 1;
        if (entry.left <= 0)
            faults.splice(i, 1);
        return entry.fault;
    };
    /** Checks the message content common to both APIs; returns the Slack error, if any. */
    const checkContent = (body) => {
        let blocks = body.blocks;
        if (typeof blocks === 'string') {
            try {
                blocks = JSON.parse(blocks);
                body.blocks = blocks;
            }
            catch {
                return { error: 'invalid_blocks_format' };
            }
        }
        const text = body.text;
        if (text !== undefined && typeof text !== 'string')
            return { error: 'invalid_arguments' };
        const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
        if (!hasBlocks && (text === undefined || text.trim() === '') && body.attachments === undefined) {
            return { error: 'no_text' };
        }
        if (typeof text === 'string' && text.length > maxText)
            return { error: 'msg_too_long' };
        if (blocks !== undefined) {
            if (!Array.isArray(blocks))
                return { error: 'invalid_blocks_format' };
            const problems = validateBlocks(blocks);
            if (problems.length > 0)
                return { error: 'invalid_blocks', messages: problems };
        }
        return undefined;
    };
    const store = (channel, via, body) => {
        const message = {
            channel: channel.id,
            channelName: channel.name,
            ts: nextTs(),
            via,
            ...(typeof body.text === 'string' ? { text: body.text } : {}),
            ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
            body,
            receivedAt: clock.now(),
        };
        received.push(message);
        return message;
    };
    const handleApi = async (req, fault) => {
        const fail = (error, extra = {}) => ({
            status: 200,
            json: { ok: false, error, ...extra },
        });
        if (fault?.error)
            return { status: fault.status ?? 200, json: { ok: false, error: fault.error } };
        const auth = req.headers.authorization;
        if (!auth)
            return fail('not_authed');
        if (auth !== `Bearer ${token}`)
            return fail('invalid_auth');
        let body;
        try {
            body = parseBody(await readBody(req), req.headers['content-type']);
        }
        catch {
            return fail('invalid_json');
        }
        if (typeof body.channel !== 'string' || body.channel === '')
            return fail('channel_not_found');
        const channel = findChannel(body.channel);
        if (!channel)
            return fail('channel_not_found');
        if (channel.archived)
            return fail('is_archived');
        const wait = limiter.take(channel.id);
        if (wait > 0) {
            return {
                status: 429,
                json: { ok: false, error: 'ratelimited' },
                headers: { 'retry-after': String(wait) },
            };
        }
        const problem = checkContent(body);
        if (problem) {
            return fail(problem.error, problem.messages ? { response_metadata: { messages: problem.messages } } : {});
        }
        const message = store(channel, 'api', body);
        // Slack accepts a JSON body without a charset but warns about it.
        const contentType = (req.headers['content-type'] ?? '').toLowerCase();
        const missingCharset = contentType.startsWith('application/json') && !contentType.includes('charset=');
        return {
            status: 200,
            json: {
                ok: true,
                channel: channel.id,
                ts: message.ts,
                message: {
                    type: 'message',
                    subtype: 'bot_message',
                    bot_id: 'B0LOCALBOT',
                    ts: message.ts,
                    ...(message.text !== undefined ? { text: message.text } : {}),
                    ...(message.blocks ? { blocks: message.blocks } : {}),
                },
                ...(missingCharset
                    ? { warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } }
                    : {}),
            },
        };
    };
    const handleWebhook = async (req, path, fault) => {
        if (fault?.error)
            return { status: fault.status ?? 400, text: fault.error };
        const channelId = webhooks.get(path);
        if (channelId === undefined)
            return { status: 404, text: 'no_service' };
        const channel = channels.get(channelId);
        if (!channel)
            return { status: 404, text: 'channel_not_found' };
        if (channel.archived)
            return { status: 410, text: 'channel_is_archived' };
        let body;
        try {
            body = parseBody(await readBody(req), req.headers['content-type']);
        }
        catch {
            return { status: 400, text: 'invalid_payload' };
        }
        if (typeof body.channel === 'string' && findChannel(body.channel)?.id !== channel.id) {
            // A webhook posts only to its own channel.
            return { status: 403, text: 'action_prohibited' };
        }
        const wait = limiter.take(channel.id);
        if (wait > 0)
            return { status: 429, text: 'rate_limited', headers: { 'retry-after': String(wait) } };
        const problem = checkContent(body);
        if (problem) {
            const text = problem.error === 'no_text'
                ? 'no_text'
                : problem.error.startsWith('invalid_blocks')
                    ? 'invalid_blocks'
                    : 'invalid_payload';
            return { status: 400, text };
        }
        store(channel, 'webhook', body);
        return { status: 200, text: 'ok' };
    };
    const send = (res, status, contentType, body, headers = {}) => {
        if (res.destroyed)
            return;
        res.writeHead(status, { 'content-type': contentType, ...headers });
        res.end(body);
    };
    const handle = async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const method = req.method ?? 'GET';
        const record = (path, status, outcome) => {
            requests.push({ method, path, status, outcome, at: clock.now() });
        };
        if (method === 'GET' && url.pathname === '/') {
            send(res, 200, 'text/html; charset=utf-8', (options.renderPage ?? defaultPage)(received));
            return;
        }
        if (method === 'GET' && url.pathname === '/_local/messages') {
            const channel = url.searchParams.get('channel') ?? undefined;
            send(res, 200, 'application/json', JSON.stringify(api.messages(channel)));
            return;
        }
        const isApi = url.pathname === '/api/chat.postMessage';
        const hook = webhookPath.exec(url.pathname);
        const target = isApi ? 'api' : hook ? 'webhook' : undefined;
        const shownPath = hook ? `/services/${hook[1]}/${hook[2]}/***` : url.pathname;
        if (!target) {
            // Slack answers unknown methods with 404 and unknown hook paths with no_service.
            const text = url.pathname.startsWith('/services/') ? 'no_service' : 'unknown_method';
            record(shownPath, 404, text);
            send(res, 404, 'text/plain', text);
            return;
        }
        if (method !== 'POST') {
            record(shownPath, 405, 'method_not_allowed');
            send(res, 405, 'text/plain', 'method_not_allowed');
            return;
        }
        const fault = takeFault(target);
        if (fault?.delayMs) {
            // Answer after the delay unless the client goes first: listen for the close instead of sampling it.
            const gaveUp = await new Promise((resolve) => {
                const onClose = () => {
                    clearTimeout(timer);
                    resolve(true);
                };
                const timer = setTimeout(() => {
                    res.off('close', onClose);
                    resolve(req.socket.destroyed || res.destroyed);
                }, fault.delayMs);
                res.once('close', onClose);
            });
            if (gaveUp) {
                record(shownPath, 0, 'client gave up (slow response)');
                return;
            }
        }
        if (fault?.status !== undefined && fault.error === undefined) {
            const text = target === 'webhook' && fault.status >= 500 ? 'rollup_error' : `http_${fault.status}`;
            record(shownPath, fault.status, `fault ${text}`);
            send(res, fault.status, 'text/plain', text);
            return;
        }
        if (target === 'api') {
            const answer = await handleApi(req, fault);
            record(shownPath, answer.status, answer.json.ok === true ? 'ok' : String(answer.json.error));
            send(res, answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.json), answer.headers);
        }
        else {
            const answer = await handleWebhook(req, url.pathname, fault);
            record(shownPath, answer.status, answer.text);
            send(res, answer.status, 'text/plain; charset=utf-8', answer.text, answer.headers);
        }
    };
    const server = createServer((req, res) => {
        handle(req, res).catch(() => {
            send(res, 500, 'text/plain', 'internal_error');
        });
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const base = `http://${address.address}:${address.port}`;
    const resolveId = (ref) => findChannel(ref)?.id;
    const api = {
        url: base,
        token,
        requests,
        messages(channel) {
            if (channel === undefined)
                return [...received];
            const id = resolveId(channel) ?? channel;
            return received.filter((m) => m.channel === id);
        },
        addWebhook(channel) {
            const id = resolveId(channel);
            if (!id)
                throw new Error(`unknown channel ${channel}`);
            const path = `/services/T0LOCAL/B${randomBytes(5).toString('hex').toUpperCase()}/${randomBytes(12).toString('hex')}`;
            webhooks.set(path, id);
            return `${base}${path}`;
        },
        addChannel(channel) {
            channels.set(channel.id, channel);
        },
        setArchived(channel, archived) {
            const found = findChannel(channel);
            if (!found)
                throw new Error(`unknown channel ${channel}`);
            channels.set(found.id, { ...found, archived });
        },
        removeChannel(channel) {
            const found = findChannel(channel);
            if (found)
                channels.delete(found.id);
        },
        injectFault(fault) {
            faults.push({ fault, left: fault.times ?? 1 });
        },
        clearFaults() {
            faults.length = 0;
        },
        clearMessages() {
            received.length = 0;
        },
        close() {
            return new Promise((resolve, reject) => {
                server.close((err) => (err ? reject(err) : resolve()));
                server.closeAllConnections();
            });
        },
    };
    return api;
}
