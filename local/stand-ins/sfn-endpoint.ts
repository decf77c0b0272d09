/**
 * A local Step Functions API endpoint that answers `GetExecutionHistory` (AWS JSON 1.0 protocol) from a
 * history source, for code that calls the real SDK itself: the formatter reads the whole history with
 * `@aws-sdk/client-sfn` when a page was too large for Step Functions (`readHistory`). Pointing the SDK at it
 * through `AWS_ENDPOINT_URL_SFN` keeps that code unchanged.
 *
 * The SDK resolves its endpoint once per client and the formatter keeps one client per process, so the
 * endpoint keeps its port for the life of the process (it closes when the last user releases it and reopens on
 * the same port).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StatesError } from '../asl/index.js';
import type { HistorySource } from './history.js';

let server: Server | undefined;
let port = 0;
let users = 0;
let source: HistorySource | undefined;
let savedEnv: Record<string, string | undefined> = {};

/** Who made a read: the access key id and region of the request's signature. */
export interface SdkCaller {
  readonly executionArn: string;
  readonly accessKeyId: string | undefined;
  readonly region: string | undefined;
}
/** Decides each read (throws a StatesError to refuse it); none: every read is served. */
let readCheck: ((caller: SdkCaller) => void) | undefined;

/** Makes `check` decide every read from now on (the most recent pipeline to run wins); undefined serves all. */
export function setSdkReadCheck(check: ((caller: SdkCaller) => void) | undefined): void {
  readCheck = check;
}

/** `AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, ...` */
function signer(authorization: string | undefined): { accessKeyId?: string; region?: string } {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(authorization ?? '');
  return match ? { accessKeyId: match[1] as string, region: match[2] as string } : {};
}
const envKeys = ['AWS_ENDPOINT_URL_SFN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

/** SDK error codes are the exception names without `Sfn.` (and without `Exception` where the model has none). */
function errorType(name: string): string {
  const bare = name.replace(/^Sfn\./, '');
  const modeled = ['ExecutionDoesNotExist', 'InvalidArn', 'InvalidToken'];
  const stripped = bare.replace(/Exception$/, '');
  return modeled.includes(stripped) ? stripped : bare;
}

function start(): Promise<void> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      const target = req.headers['x-amz-target'];
      if (target !== 'AWSStepFunctions.GetExecutionHistory' || !source) {
        reply(400, { __type: 'UnknownOperationException', message: `not served locally: ${String(target)}` });
        return;
      }
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        reply(400, { __type: 'SerializationException', message: 'invalid JSON' });
        return;
      }
      const executionArn = String(request.executionArn);
      try {
        const { accessKeyId, region } = signer(req.headers.authorization);
        readCheck?.({ executionArn, accessKeyId, region });
      } catch (error) {
        const name = error instanceof StatesError ? error.error : 'AccessDeniedException';
        const message = error instanceof StatesError ? (error.cause ?? name) : String(error);
        reply(400, {
          __type: name === 'Sfn.SfnException' ? 'AccessDeniedException' : errorType(name),
          message,
        });
        return;
      }
      source({
        executionArn,
        ...(typeof request.maxResults === 'number' ? { maxResults: request.maxResults } : {}),
        ...(typeof request.nextToken === 'string' ? { nextToken: request.nextToken } : {}),
        ...(typeof request.reverseOrder === 'boolean' ? { reverseOrder: request.reverseOrder } : {}),
        ...(typeof request.includeExecutionData === 'boolean'
          ? { includeExecutionData: request.includeExecutionData }
          : {}),
      }).then(
        (page) => reply(200, page),
        (error: unknown) => {
          const name = error instanceof StatesError ? error.error : 'InternalServerError';
          const message = error instanceof StatesError ? (error.cause ?? name) : String(error);
          reply(400, { __type: errorType(name), message });
        }
      );
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
}

/**
 * Serves `history` on the local endpoint and points `@aws-sdk/client-sfn` at it (setting
 * `AWS_ENDPOINT_URL_SFN`, plus placeholder credentials and region when the environment has none, so the SDK
 * does not go looking for real ones).
 * @returns release: call it when done; the last release closes the endpoint
 */
export async function serveHistoryToSdk(history: HistorySource): Promise<() => Promise<void>> {
  users += 1;
  source = history;
  if (!server) await start();
  if (users === 1) {
    server?.ref();
    savedEnv = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));
  }
  process.env.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${port}`;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= 'us-east-1';
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    users -= 1;
    if (users > 0 || !server) return;
    // Keep listening (unref'd) so the port the process's SFN client resolved stays ours.
    source = undefined;
    for (const key of envKeys) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    server.closeIdleConnections();
    server.unref();
  };
}

/** Makes `history` the one the endpoint serves (the most recent pipeline to run wins). */
export function setServedHistory(history: HistorySource): void {
  source = history;
}
