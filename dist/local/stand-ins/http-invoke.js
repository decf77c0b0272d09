/**
 * The `http:invoke` stand-in: a real HTTP request with node's fetch, shaped like the HTTP Task.
 *
 * - The EventBridge connection named in `Authentication.ConnectionArn` (or `InvocationConfig.ConnectionArn`)
 *   injects its credential header, as the connection would; on a key conflict the connection wins. The
 *   credential never appears in a result, an error or a log line.
 * - `ApiEndpoint` must be https (as on AWS); `endpoints` maps an origin (`https://slack.com`) to the local
 *   server's base URL, so the definition stays as deployed.
 * - Forbidden headers (`Authorization`, `Host`, `x-amz-*`, …) fail with `States.Runtime`, like AWS.
 * - Result `{ StatusCode, StatusText, Headers, ResponseBody }`, the body parsed when JSON; a non-2xx status
 *   fails with `States.Http.StatusCode.<NNN>`, a network error or timeout with `States.Http.Socket`.
 */
import { StatesError } from '../asl/index.js';
const forbiddenHeaders = new Set([
    'a-im',
    'accept-charset',
    'accept-datetime',
    'accept-encoding',
    'authorization',
    'cache-control',
    'connection',
    'content-encoding',
    'content-md5',
    'date',
    'expect',
    'forwarded',
    'from',
    'host',
    'http2-settings',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'max-forwards',
    'origin',
    'pragma',
    'proxy-authorization',
    'referer',
    'server',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'via',
    'warning',
]);
const isForbidden = (name) => {
    const lower = name.toLowerCase();
    return forbiddenHeaders.has(lower) || /^(x-forwarded-|x-amz-|x-amzn-)/.test(lower);
};
/** A URL safe to print: no query, and an incoming-webhook path cut to `/services/***` (it is the secret). */
export function redactUrl(url) {
    try {
        const u = new URL(url);
        const path = u.pathname.startsWith('/services/') ? '/services/***' : u.pathname;
        return `${u.origin}${path}`;
    }
    catch {
        return '<unparseable url>';
    }
}
function credentialHeaders(connection) {
    if (connection.type === 'API_KEY')
        return { [connection.key.toLowerCase()]: connection.value };
    if (connection.type === 'BASIC') {
        return {
            authorization: `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString('base64')}`,
        };
    }
    return {};
}
function encodeForm(value) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(value)) {
        params.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    return params.toString();
}
export function httpInvokeHandler(options) {
    const timeoutMs = options.timeoutMs ?? 60_000;
    return async (task) => {
        const args = (task.arguments ?? {});
        const runtime = (cause) => new StatesError('States.Runtime', cause);
        if (typeof args.ApiEndpoint !== 'string')
            throw runtime('http:invoke: ApiEndpoint is required');
        if (typeof args.Method !== 'string')
            throw runtime('http:invoke: Method is required');
        const auth = (args.Authentication ?? args.InvocationConfig);
        if (typeof auth?.ConnectionArn !== 'string') {
            throw runtime('http:invoke: an EventBridge connection (Authentication.ConnectionArn) is required');
        }
        const connection = options.connections[auth.ConnectionArn];
        if (!connection)
            throw new StatesError('Events.ConnectionResource.ResourceNotFound', 'The connection does not exist');
        let endpoint;
        try {
            endpoint = new URL(args.ApiEndpoint);
        }
        catch {
            throw runtime('http:invoke: ApiEndpoint is not a valid URL');
        }
        if (endpoint.protocol !== 'https:')
            throw runtime('http:invoke: ApiEndpoint must be an https URL');
        const shown = redactUrl(endpoint.href);
        const mapped = options.endpoints?.[endpoint.origin];
        const target = mapped
            ? new URL(`${mapped.replace(/\/$/, '')}${endpoint.pathname}${endpoint.search}`)
            : endpoint;
        if (args.QueryParameters && typeof args.QueryParameters === 'object') {
            for (const [k, v] of Object.entries(args.QueryParameters))
                target.searchParams.set(k, String(v));
        }
        const headers = {};
        for (const [k, v] of Object.entries((args.Headers ?? {}))) {
            if (isForbidden(k))
                throw runtime(`http:invoke: the header ${k} is not allowed in the task`);
            headers[k.toLowerCase()] = String(v);
        }
        Object.assign(headers, credentialHeaders(connection));
        const transform = args.Transform;
        let body;
        if (args.RequestBody !== undefined && args.Method !== 'GET' && args.Method !== 'HEAD') {
            if (transform?.RequestBodyEncoding === 'URL_ENCODED' && typeof args.RequestBody === 'object') {
                body = encodeForm(args.RequestBody);
                headers['content-type'] = 'application/x-www-form-urlencoded';
            }
            else if (typeof args.RequestBody === 'string')
                body = args.RequestBody;
            else {
                body = JSON.stringify(args.RequestBody);
                headers['content-type'] ??= 'application/json';
            }
        }
        let response;
        let text;
        try {
            response = await fetch(target, {
                method: args.Method,
                headers,
                ...(body !== undefined ? { body } : {}),
                signal: AbortSignal.timeout(timeoutMs),
            });
            text = await response.text();
        }
        catch (error) {
            const reason = error.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : 'connection failed';
            options.log?.(`http:invoke ${args.Method} ${shown} → ${reason}`);
            throw new StatesError('States.Http.Socket', `${args.Method} ${shown}: ${reason}`);
        }
        options.log?.(`http:invoke ${args.Method} ${shown} → ${response.status}`);
        const type = response.headers.get('content-type') ?? '';
        let responseBody = text;
        if (/json/i.test(type)) {
            try {
                responseBody = JSON.parse(text);
            }
            catch {
                responseBody = text;
            }
        }
        const responseHeaders = Object.fromEntries(response.headers.entries());
        if (response.status < 200 || response.status > 299) {
            throw new StatesError(`States.Http.StatusCode.${response.status}`, JSON.stringify({
                StatusCode: response.status,
                StatusText: response.statusText,
                ResponseBody: responseBody,
            }));
        }
        return {
            StatusCode: response.status,
            StatusText: response.statusText,
            Headers: responseHeaders,
            ResponseBody: responseBody,
        };
    };
}
