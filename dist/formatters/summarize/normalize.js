/**
 * Reading GetExecutionHistory pages in either shape: the API/CLI/SDK shape (`events`, `timestamp`,
 * `stateEnteredEventDetails`) or the Step Functions aws-sdk integration's (`Events`, `Timestamp`,
 * `StateEnteredEventDetails`, member names capitalized). Only the members the fold reads are kept, so the
 * events' inputs, outputs and parameters do not stay in memory.
 */
export function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Reads `key` in camelCase or PascalCase. */
export function pick(record, key) {
    if (key in record)
        return record[key];
    const pascal = key.charAt(0).toUpperCase() + key.slice(1);
    return record[pascal];
}
export function pickString(record, key) {
    const value = pick(record, key);
    return typeof value === 'string' ? value : undefined;
}
function toNumber(value) {
    if (typeof value === 'number' && Number.isFinite(value))
        return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
        return Number(value);
    return undefined;
}
// Epoch seconds for any date after 1973 stay below 1e11; epoch ms for any date after 1973 are above it.
const SECONDS_MS_BOUNDARY = 1e11;
/**
 * A timestamp as epoch ms: epoch seconds (the API's JSON), epoch ms (EventBridge), an ISO string (the SDK
 * integration), or a Date (the JS SDK). Anything else (missing, "timestamp", garbage) is undefined.
 */
export function parseTimestamp(value) {
    if (value instanceof Date) {
        const ms = value.getTime();
        return Number.isFinite(ms) ? ms : undefined;
    }
    if (typeof value === 'number') {
        if (!Number.isFinite(value) || value <= 0)
            return undefined;
        return value < SECONDS_MS_BOUNDARY ? Math.round(value * 1000) : Math.round(value);
    }
    if (typeof value === 'string') {
        const trimmed = value.trim();
        if (trimmed === '')
            return undefined;
        if (/^\d+(\.\d+)?$/.test(trimmed))
            return parseTimestamp(Number(trimmed));
        // Only strings that look like a date: Date.parse accepts odd things ("1", "March").
        if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed))
            return undefined;
        const ms = Date.parse(trimmed);
        return Number.isFinite(ms) ? ms : undefined;
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
]);
function camel(key) {
    return key.charAt(0).toLowerCase() + key.slice(1);
}
/**
 * Keeps the detail members the fold reads. `parameters` and `output` are kept only when small or when they
 * may name a resource (function name, nested execution ARN), reduced to those names.
 */
function reduceDetails(raw) {
    const details = {};
    for (const [key, value] of Object.entries(raw)) {
        const k = camel(key);
        if (!KEPT_DETAIL_KEYS.has(k))
            continue;
        if (k === 'parameters' || k === 'output') {
            const names = resourceNames(value);
            if (names)
                details[k] = names;
            continue;
        }
        details[k] = value;
    }
    return details;
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
/** From task parameters or output (a JSON string or an object), the few members that name a resource. */
function resourceNames(value) {
    let parsed = value;
    if (typeof value === 'string') {
        if (value.length > 300_000 || !value.trimStart().startsWith('{'))
            return undefined;
        try {
            parsed = JSON.parse(value);
        }
        catch {
            return undefined;
        }
    }
    if (!isRecord(parsed))
        return undefined;
    const out = {};
    for (const key of RESOURCE_NAME_KEYS) {
        const v = pick(parsed, camel(key));
        if (typeof v === 'string' && v.length <= 2048)
            out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
}
/** One raw event (either casing) to a HistoryEvent, or undefined when it has no usable id or type. */
export function normalizeEvent(raw) {
    if (!isRecord(raw))
        return undefined;
    const id = toNumber(pick(raw, 'id'));
    const type = pick(raw, 'type');
    if (id === undefined || typeof type !== 'string')
        return undefined;
    const previousEventId = toNumber(pick(raw, 'previousEventId')) ?? 0;
    const timestampMs = parseTimestamp(pick(raw, 'timestamp'));
    let details = {};
    for (const [key, value] of Object.entries(raw)) {
        if (key.endsWith('EventDetails') && isRecord(value)) {
            details = reduceDetails(value);
            break;
        }
    }
    return timestampMs === undefined
        ? { id, previousEventId, type, details }
        : { id, previousEventId, type, timestampMs, details };
}
/** The events of one page: `{events}` / `{Events}`, or a bare array of events. */
export function pageEvents(page) {
    if (Array.isArray(page))
        return page;
    if (isRecord(page)) {
        const events = pick(page, 'events');
        if (Array.isArray(events))
            return events;
    }
    return [];
}
/** True when `page` looks like a history page (used by callers to reject malformed input). */
export function isHistoryPage(page) {
    return Array.isArray(page) || (isRecord(page) && Array.isArray(pick(page, 'events')));
}
