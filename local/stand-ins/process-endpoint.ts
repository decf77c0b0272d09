/**
 * A localhost endpoint for the AWS SDK clients of this process, pointed at it through environment variables
 * (`AWS_ENDPOINT_URL_<SERVICE>`): the local SFN and STS endpoints. An SDK client resolves its endpoint once and
 * code such as the formatter keeps one client per process, so the endpoint keeps its port for the life of the
 * process: the last release restores the environment and lets the process exit (the server is unref'd), and
 * the next use listens again on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndpointRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface EndpointReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface ProcessEndpointOptions {
  /** Answers one request. */
  readonly handle: (request: EndpointRequest) => EndpointReply | Promise<EndpointReply>;
  /** The variables that point the SDK at the endpoint, set while it is in use. */
  readonly env: (url: string) => Readonly<Record<string, string>>;
  /** Variables set only when the environment has none (placeholder credentials, a region). @default {} */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Called when the last user releases it. */
  readonly onIdle?: () => void;
}

/** One endpoint per module: `acquire()` starts (or reuses) it and sets the environment; call the release once. */
export function processEndpoint(options: ProcessEndpointOptions): {
  acquire(): Promise<() => Promise<void>>;
} {
  let server: Server | undefined;
  let port = 0;
  let users = 0;
  let saved: Record<string, string | undefined> = {};

  const start = (): Promise<void> => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        void Promise.resolve()
          .then(() => options.handle(request))
          .catch((error: unknown) => ({
            status: 500,
            contentType: 'text/plain',
            body: `local endpoint failed: ${String(error)}`,
          }))
          .then((reply) => {
            res.writeHead(reply.status, { 'content-type': reply.contentType });
            res.end(reply.body);
          });
      });
    });
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        port = (s.address() as AddressInfo).port;
        resolve();
      });
    });
  };

  return {
    async acquire() {
      users += 1;
      if (!server) await start();
      const set = options.env(`http://127.0.0.1:${port}`);
      const defaults = options.defaults ?? {};
      if (users === 1) {
        server?.ref();
        saved = Object.fromEntries(
          [...Object.keys(set), ...Object.keys(defaults)].map((key) => [key, process.env[key]])
        );
      }
      Object.assign(process.env, set);
      for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        users -= 1;
        if (users > 0 || !server) return;
        options.onIdle?.();
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
        // Keep listening (unref'd) so the port the process's SDK clients resolved stays ours.
        server.closeIdleConnections();
        server.unref();
      };
    },
  };
}
