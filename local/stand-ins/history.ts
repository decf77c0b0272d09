/**
 * The `aws-sdk:sfn:getExecutionHistory` stand-in and its history sources.
 *
 * A source answers GetExecutionHistory in the API's own shape (camelCase, `timestamp` in epoch seconds, as the
 * JSON wire format has it). The task handler turns that into what the Step Functions aws-sdk integration
 * returns: member names capitalized (`Events`, `Timestamp`, `TaskFailedEventDetails`, …) and timestamps as
 * ISO-8601 strings (the integration's date format is not documented; the formatter reads both).
 */
import { readFile } from 'node:fs/promises';
import { GetExecutionHistoryCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { StatesError } from '../asl/index.js';

/** The GetExecutionHistory request, as the service takes it. */
export interface HistoryRequest {
  readonly executionArn: string;
  /** @default 100 (0 also means 100) */
  readonly maxResults?: number;
  readonly nextToken?: string;
  /** @default false */
  readonly reverseOrder?: boolean;
  /** @default true */
  readonly includeExecutionData?: boolean;
}

export interface HistoryPage {
  readonly events: readonly Record<string, unknown>[];
  readonly nextToken?: string;
}

/** Answers GetExecutionHistory; throws a StatesError named `Sfn.<Exception>` like the integration does. */
export type HistorySource = (request: HistoryRequest) => Promise<HistoryPage>;

/**
 * A recorded history (a file's events, in any number of pages) served the way the service pages it:
 * `maxResults` per page, `nextToken`, `reverseOrder`, and `includeExecutionData: false` dropping inputs and
 * outputs.
 * @param executionArn when given, requests for another execution fail with `Sfn.ExecutionDoesNotExistException`
 */
export function recordedHistorySource(pages: readonly HistoryPage[], executionArn?: string): HistorySource {
  const all = pages.flatMap((p) => p.events);
  return async (request) => {
    if (executionArn !== undefined && request.executionArn !== executionArn) {
      throw new StatesError(
        'Sfn.ExecutionDoesNotExistException',
        `Execution Does Not Exist: '${request.executionArn}'`
      );
    }
    const ordered = request.reverseOrder ? [...all].reverse() : all;
    let offset = 0;
    if (request.nextToken !== undefined) {
      const decoded = decodeToken(request.nextToken);
      if (decoded === undefined) throw new StatesError('Sfn.InvalidTokenException', 'Invalid Token');
      offset = decoded;
    }
    const size = Math.min(1000, request.maxResults ? request.maxResults : 100);
    const slice = ordered.slice(offset, offset + size);
    const events = request.includeExecutionData === false ? slice.map(withoutExecutionData) : slice;
    const next = offset + size < ordered.length ? encodeToken(offset + size) : undefined;
    return { events, ...(next ? { nextToken: next } : {}) };
  };
}

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function decodeToken(token: string): number | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof value.offset === 'number' ? value.offset : undefined;
  } catch {
    return undefined;
  }
}

const dataKeys = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** What `includeExecutionData: false` leaves of an event: no inputs, outputs or task parameters. */
function withoutExecutionData(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).filter(([k]) => !dataKeys.has(k)));
    } else out[key] = value;
  }
  return out;
}

/** A source that always fails, for "history unavailable" (deleted, expired, access denied). */
export function unavailableHistorySource(
  error = 'Sfn.AccessDeniedException',
  cause = 'User is not authorized to perform: states:GetExecutionHistory'
): HistorySource {
  return async () => {
    throw new StatesError(error, cause);
  };
}

/**
 * Reads a history file: `{ "events": [...] }` (the API/CLI output), `{ "Events": [...] }` (the aws-sdk
 * integration's), an array of such pages, or a bare array of events. Events are brought to the API's shape
 * (camelCase members, `timestamp` in epoch seconds) so every source serves the same thing.
 */
export async function readHistoryFile(file: string): Promise<HistoryPage[]> {
  const value = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const isEvent = (item: unknown) =>
    typeof item === 'object' &&
    item !== null &&
    ('type' in item || 'Type' in item) &&
    ('id' in item || 'Id' in item);
  const pages =
    Array.isArray(value) && value.length > 0 && value.every(isEvent)
      ? [{ events: value }]
      : Array.isArray(value)
        ? value
        : [value];
  if (pages.length === 0) throw new Error(`${file}: no pages`);
  return pages.map((page, i) => {
    const events =
      (page as { events?: unknown; Events?: unknown }).events ?? (page as { Events?: unknown }).Events;
    if (!Array.isArray(events)) throw new Error(`${file}: page ${i + 1} has no "events" array`);
    return historyPageOf(events);
  });
}

/** Pages already checked by the caller (`{events}` / `{Events}` objects), in the API's camelCase. */
export function historyPagesOf(pages: readonly unknown[]): HistoryPage[] {
  return pages.map((page) => {
    const record = page as { events?: unknown; Events?: unknown };
    const events = record.events ?? record.Events;
    return historyPageOf(Array.isArray(events) ? events : []);
  });
}

function historyPageOf(events: readonly unknown[]): HistoryPage {
  return { events: events.map((e) => toApiShape(e) as Record<string, unknown>) };
}

const uncapitalize = (key: string): string => key.charAt(0).toLowerCase() + key.slice(1);

/** The inverse of the integration shape: camelCase members, ISO timestamps back to epoch seconds. */
function toApiShape(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toApiShape(v));
  if (typeof value !== 'object' || value === null) {
    if (key === 'timestamp' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const ms = Date.parse(value);
      return Number.isFinite(ms) ? ms / 1000 : value;
    }
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = uncapitalize(k);
    out[name] = name === 'assignedVariables' ? v : toApiShape(v, name);
  }
  return out;
}

/**
 * The error name the Step Functions aws-sdk integration gives an SFN error: `Sfn.<shape>` with `Exception`
 * appended when the modeled shape lacks it (`ExecutionDoesNotExist` → `Sfn.ExecutionDoesNotExistException`), and
 * `Sfn.SfnException` for whatever the service model does not define (throttling, internal errors, access denied),
 * which the SDK raises as the base `SFNServiceException`.
 */
export function integrationErrorName(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const modeled =
    error instanceof SFNServiceException && Object.getPrototypeOf(error) !== SFNServiceException.prototype;
  if (!modeled || name === '') return 'Sfn.SfnException';
  return `Sfn.${name.endsWith('Exception') ? name : `${name}Exception`}`;
}

/**
 * The real GetExecutionHistory through `@aws-sdk/client-sfn`, with the credentials and region of the
 * environment. Service errors become `Sfn.<name>` StatesErrors.
 */
export function liveHistorySource(client: SFNClient = new SFNClient({})): HistorySource {
  return async (request) => {
    try {
      const out = await client.send(
        new GetExecutionHistoryCommand({
          executionArn: request.executionArn,
          maxResults: request.maxResults,
          nextToken: request.nextToken,
          reverseOrder: request.reverseOrder,
          includeExecutionData: request.includeExecutionData,
        })
      );
      const events = (out.events ?? []).map((e) => ({
        ...e,
        timestamp: e.timestamp instanceof Date ? e.timestamp.getTime() / 1000 : e.timestamp,
      }));
      return {
        events: events as Record<string, unknown>[],
        ...(out.nextToken ? { nextToken: out.nextToken } : {}),
      };
    } catch (error) {
      throw new StatesError(integrationErrorName(error), (error as Error).message);
    }
  };
}

const capitalize = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/** Capitalizes member names the way the aws-sdk integration does; map keys (variable names) are data, kept. */
function toIntegrationShape(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toIntegrationShape(v));
  if (typeof value !== 'object' || value === null) {
    if (key === 'timestamp' && typeof value === 'number') return new Date(value * 1000).toISOString();
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[capitalize(k)] = k === 'assignedVariables' ? v : toIntegrationShape(v, k);
  }
  return out;
}

/** The task handler: PascalCase arguments in, PascalCase result out. */
export function getExecutionHistoryHandler(source: HistorySource) {
  return async (task: { arguments: unknown }): Promise<unknown> => {
    const args = (task.arguments ?? {}) as Record<string, unknown>;
    if (typeof args.ExecutionArn !== 'string') {
      throw new StatesError('Sfn.ValidationException', 'ExecutionArn is required');
    }
    const page = await source({
      executionArn: args.ExecutionArn,
      ...(typeof args.MaxResults === 'number' ? { maxResults: args.MaxResults } : {}),
      ...(typeof args.NextToken === 'string' ? { nextToken: args.NextToken } : {}),
      ...(typeof args.ReverseOrder === 'boolean' ? { reverseOrder: args.ReverseOrder } : {}),
      ...(typeof args.IncludeExecutionData === 'boolean'
        ? { includeExecutionData: args.IncludeExecutionData }
        : {}),
    });
    return toIntegrationShape(page);
  };
}
