/** An EventBridge connection's authorization, as the local run knows it. */
export type LocalConnection = {
    readonly type: 'API_KEY';
    readonly key: string;
    readonly value: string;
} | {
    readonly type: 'BASIC';
    readonly username: string;
    readonly password: string;
} | {
    readonly type: 'NONE';
};
export interface HttpInvokeOptions {
    /** Connection ARN → its credential. A task naming an unknown connection fails. */
    readonly connections: Readonly<Record<string, LocalConnection>>;
    /** Origin → replacement base URL, e.g. `{ 'https://slack.com': 'http://127.0.0.1:4567' }`. */
    readonly endpoints?: Readonly<Record<string, string>>;
    /**
     * Per-request timeout; AWS's HTTP Task gives up after 60 seconds.
     * @default 60000
     */
    readonly timeoutMs?: number;
    /** One line per request: method, redacted URL, status. */
    readonly log?: (line: string) => void;
}
/** A URL safe to print: no query, and an incoming-webhook path cut to `/services/***` (it is the secret). */
export declare function redactUrl(url: string): string;
export declare function httpInvokeHandler(options: HttpInvokeOptions): (task: {
    arguments: unknown;
}) => Promise<unknown>;
