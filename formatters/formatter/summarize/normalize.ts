/**
 * Reading GetExecutionHistory pages in either shape: the API/CLI/SDK shape (`events`, `timestamp`,
 * `stateEnteredEventDetails`) or the Step Functions aws-sdk integration's (`Events`, `Timestamp`,
 * `StateEnteredEventDetails`, member names capitalized). Task parameters and outputs are reduced to the few
 * names the fold reads (or dropped), so they do not stay in memory; details with nothing to reduce are read
 * as they are, without a copy.
 */

import { startedByArn } from './parent.js';

/** One history event reduced to what the fold reads. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly type: string;
  /** Epoch ms, absent when missing or unreadable. */
  readonly timestampMs?: number;
  /** The `*EventDetails` member, keys camelCased (one level). */
  readonly details: Readonly<Record<string, unknown>>;
}

export type UnknownRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** PascalCase of the (few, constant) member names read; a cache, since every event's members are read. */
const PASCAL = new Map<string, string>();

/** Reads `key` in camelCase or PascalCase. */
export function pick(record: UnknownRecord, key: string): unknown {
  const value = record[key];
  if (value !== undefined || key in record) return value;
  let pascal = PASCAL.get(key);
  if (pascal === undefined) {
    pascal = key.charAt(0).toUpperCase() + key.slice(1);
    if (PASCAL.size < 1_000) PASCAL.set(key, pascal);
  }
  return record[pascal];
}

export function pickString(record: UnknownRecord, key: string): string | undefined {
  const value = pick(record, key);
  return typeof value === 'string' ? value : undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

// Epoch seconds for any date after 1973 stay below 1e11; epoch ms for any date after 1973 are above it.
const SECONDS_MS_BOUNDARY = 1e11;
/** The largest time a JavaScript Date holds (±100,000,000 days from the epoch); beyond it, no date. */
export const MAX_DATE_MS = 8.64e15;

function inRange(ms: number): number | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

/**
 * A timestamp as epoch ms: epoch seconds (the API's JSON), epoch ms (EventBridge), an ISO string (the SDK
 * integration), or a Date (the JS SDK). Anything else (missing, "timestamp", garbage) is undefined.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (value instanceof Date) {
    return inRange(value.getTime());
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return inRange(value < SECONDS_MS_BOUNDARY ? Math.round(value * 1000) : Math.round(value));
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(trimmed)) return parseTimestamp(Number(trimmed));
    // Only strings that look like a date: Date.parse accepts odd things ("1", "March").
    if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
    return inRange(Date.parse(trimmed));
  }
  return undefined;
}

const KEPT_DETAIL_KEYS = new Set([
  'name',
  'error',
  'cause',
  'resource',
  'resourceType',
  'mapRunArn',
  'length',
  'index',
  'redriveCount',
  'state',
  'location',
  'parameters',
  'output',
  'stateMachineAliasArn',
  'stateMachineVersionArn',
]);

function camel(key: string): string {
  const first = key.charCodeAt(0);
  // Already camelCase (the API's shape): no new string.
  if (first < 65 || first > 90) return key;
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/**
 * True when `raw` can serve as the details as it is: every member camelCase (the API's shape) and no
 * `parameters` or `output` to reduce. The fold reads members by name and never changes them, so the members
 * it does not read are harmless; most events are like this, and none of them then costs a copy.
 */
function readableAsIs(raw: UnknownRecord): boolean {
  const prototype = Object.getPrototypeOf(raw);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in raw) {
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90) return false;
    // `startedBy` is the fold's own member (see normalizeEvent), never a raw one.
    if (key === 'parameters' || key === 'output' || key === 'startedBy') return false;
  }
  return true;
}

/**
 * Keeps the detail members the fold reads. `parameters` and `output` are kept only when small or when they
 * may name a resource (function name, nested execution ARN), reduced to those names.
 */
function keptDetails(raw: UnknownRecord, executionData: boolean): UnknownRecord {
  const details: UnknownRecord = {};
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const k = camel(key);
    if (!KEPT_DETAIL_KEYS.has(k)) continue;
    const value = raw[key];
    if (k === 'parameters' || k === 'output') {
      if (!executionData) continue;
      const names = resourceNames(value);
      if (names) details[k] = names;
      continue;
    }
    details[k] = value;
  }
  return details;
}

/** The details the fold reads: `raw` itself when it holds nothing to reduce, else a reduced copy. */
function reduceDetails(raw: UnknownRecord, executionData: boolean): UnknownRecord {
  return readableAsIs(raw) ? raw : keptDetails(raw, executionData);
}

const RESOURCE_NAME_KEYS = [
  'FunctionName',
  'TaskDefinition',
  'Cluster',
  'JobName',
  'StateMachineArn',
  'ExecutionArn',
  'ApiEndpoint',
  'Endpoint',
  'Name',
];

/** Each resource-naming member, camelCase or PascalCase → its PascalCase name. */
const RESOURCE_NAMES = new Map(
  RESOURCE_NAME_KEYS.flatMap((key) => [
    [key, key],
    [key.charAt(0).toLowerCase() + key.slice(1), key],
  ])
);

/** From task parameters or output (a JSON string or an object), the few members that name a resource. */
function resourceNames(value: unknown): UnknownRecord | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.length > 300_000 || !value.trimStart().startsWith('{')) return undefined;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(parsed)) return undefined;
  // One pass over the members (a task's parameters may have many), each name in either casing.
  let out: UnknownRecord | undefined;
  for (const key in parsed) {
    const name = RESOURCE_NAMES.get(key);
    if (name === undefined || !Object.hasOwn(parsed, key)) continue;
    const v = parsed[key];
    if (typeof v !== 'string' || v.length > 2048) continue;
    out ??= {};
    // The camelCase member wins over the PascalCase one, as `pick` reads them.
    if (key !== name || out[name] === undefined) out[name] = v;
  }
  return out;
}

/** An empty record, frozen: the details of an event that has none, and any other absent record the fold reads. */
export const NO_DETAILS: UnknownRecord = Object.freeze({}) as UnknownRecord;

/** A HistoryEvent that `readEvent` fills again for each raw event: a page is then folded without an object
 * per event. Only for a reader that keeps nothing of the event once the next one is read (the fold). */
export interface EventSlot {
  id: number;
  previousEventId: number;
  type: string;
  timestampMs: number | undefined;
  details: Readonly<Record<string, unknown>>;
}

export function eventSlot(): EventSlot {
  return { id: 0, previousEventId: 0, type: '', timestampMs: undefined, details: NO_DETAILS };
}

/**
 * Reads one raw event (either casing) into `slot`; false, leaving `slot` as it was, when it has no usable id
 * or type. `executionData` false leaves out task parameters and outputs (as `includeExecutionData: false`
 * does).
 */
export function readEvent(raw: unknown, executionData: boolean, slot: EventSlot): boolean {
  if (!isRecord(raw)) return false;
  // The API's camelCase first (read directly), then the aws-sdk integration's PascalCase.
  const id = toNumber(raw.id ?? raw.Id);
  const type = raw.type ?? raw.Type;
  if (id === undefined || typeof type !== 'string') return false;
  let details: UnknownRecord = NO_DETAILS;
  for (const key in raw) {
    if (!key.endsWith('EventDetails') || !Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    if (isRecord(value)) {
      details = reduceDetails(value, executionData);
      if (executionData && type === 'ExecutionStarted') {
        // Of the execution's input, only whom it was started by (a child execution's parent).
        const parent = startedByArn(pick(value, 'input'));
        if (parent) {
          // The raw details are the caller's: a copy gets the parent.
          details = details === value ? keptDetails(value, executionData) : details;
          details.startedBy = parent;
        }
      }
      break;
    }
  }
  slot.id = id;
  slot.previousEventId = toNumber(raw.previousEventId ?? raw.PreviousEventId) ?? 0;
  slot.type = type;
  slot.timestampMs = parseTimestamp(raw.timestamp ?? raw.Timestamp);
  slot.details = details;
  return true;
}

/**
 * One raw event (either casing) to a HistoryEvent, or undefined when it has no usable id or type.
 * `executionData` false leaves out task parameters and outputs (as `includeExecutionData: false` does).
 */
export function normalizeEvent(raw: unknown, executionData = true): HistoryEvent | undefined {
  const slot = eventSlot();
  if (!readEvent(raw, executionData, slot)) return undefined;
  const { id, previousEventId, type, timestampMs, details } = slot;
  return timestampMs === undefined
    ? { id, previousEventId, type, details }
    : { id, previousEventId, type, timestampMs, details };
}

/** The events of one page: `{events}` / `{Events}`, or a bare array of events. */
export function pageEvents(page: unknown): readonly unknown[] {
  if (Array.isArray(page)) return page;
  if (isRecord(page)) {
    const events = pick(page, 'events');
    if (Array.isArray(events)) return events;
  }
  return [];
}

/** True when `page` looks like a history page (used by callers to reject malformed input). */
export function isHistoryPage(page: unknown): boolean {
  return Array.isArray(page) || (isRecord(page) && Array.isArray(pick(page, 'events')));
}
