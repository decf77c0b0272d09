import { type RateLimit, type TimeSource } from './rate-limiter.js';
export type { RateLimit, TimeSource } from './rate-limiter.js';
/** A channel the local workspace knows. */
export interface LocalChannel {
    /** Channel ID, e.g. `C0LOCAL001`. */
    readonly id: string;
    /** Name without `#`, e.g. `alerts`; chat.postMessage accepts `#alerts` or `alerts` too. */
    readonly name: string;
    /** @default false */
    readonly archived?: boolean;
}
/** One message the server accepted. */
export interface ReceivedMessage {
    readonly channel: string;
    readonly channelName: string;
    readonly ts: string;
    readonly via: 'api' | 'webhook';
    readonly text?: string;
    readonly blocks?: unknown[];
    /** The request body as parsed (for chat.postMessage without the channel-independent auth). */
    readonly body: Record<string, unknown>;
    /** Server clock, epoch ms. */
    readonly receivedAt: number;
}
/** What happened to one request, for tests and logs. Paths are redacted: no webhook secret in here. */
export interface RequestRecord {
    readonly method: string;
    readonly path: string;
    readonly status: number;
    /** The Slack error code, `ok`, or the fault/rate-limit reason. */
    readonly outcome: string;
    readonly at: number;
}
/** Makes the next `times` matching requests fail or answer slowly. */
export interface Fault {
    /** @default 1 */
    readonly times?: number;
    /** @default 'any' */
    readonly target?: 'api' | 'webhook' | 'any';
    /** Answer with this HTTP status (body: plain text, or Slack JSON for the Web API when `error` is set too). */
    readonly status?: number;
    /** Answer with this Slack error code (HTTP 200 `ok:false` on the Web API unless `status` is set). */
    readonly error?: string;
    /**
     * Wait this long (real milliseconds) before answering. If the client gives up meanwhile, the request is
     * dropped as if it never reached Slack (nothing recorded).
     */
    readonly delayMs?: number;
}
export interface SlackServerOptions {
    /** @default '127.0.0.1' */
    readonly host?: string;
    /** @default 0 (ephemeral) */
    readonly port?: number;
    /** The bot token chat.postMessage accepts. @default - a random `xoxb-local-…` token (see `token`) */
    readonly token?: string;
    /** @default [{ id: 'C0LOCAL001', name: 'alerts' }] */
    readonly channels?: readonly LocalChannel[];
    readonly rateLimit?: RateLimit;
    /** @default the system clock */
    readonly clock?: TimeSource;
    /**
     * Longest `text` accepted before `msg_too_long`.
     * @default 40000 (Slack truncates longer messages; the project keeps its own text under 4,000)
     */
    readonly maxTextLength?: number;
    /** Renders the `GET /` page; the default is a plain listing. */
    readonly renderPage?: (messages: readonly ReceivedMessage[]) => string;
}
export interface SlackServer {
    /** `http://127.0.0.1:<port>` */
    readonly url: string;
    /** The bot token it accepts (a secret: never print it). */
    readonly token: string;
    /** Messages received, oldest first; all channels or one (by ID or name). */
    messages(channel?: string): ReceivedMessage[];
    /** Every request answered, oldest first (paths redacted). */
    readonly requests: readonly RequestRecord[];
    /** Creates an incoming webhook for a channel and returns its full URL (a secret). */
    addWebhook(channel: string): string;
    addChannel(channel: LocalChannel): void;
    setArchived(channel: string, archived: boolean): void;
    removeChannel(channel: string): void;
    injectFault(fault: Fault): void;
    clearFaults(): void;
    clearMessages(): void;
    close(): Promise<void>;
}
/** Starts the server; resolves once it listens. */
export declare function startSlackServer(options?: SlackServerOptions): Promise<SlackServer>;
