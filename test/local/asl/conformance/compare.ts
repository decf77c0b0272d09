import type { ExecutionResult, HistoryEvent } from '../../../../local/asl/index.js';

/** A recorded history event as LocalStack's snapshot stored it (ids may be masked inside Parallel branches). */
export interface RecordedEvent {
  id: number | unknown[];
  type: string;
  [details: string]: unknown;
}

/** Detail fields that say nothing about state-machine semantics (sizes, regions, the execution role). */
const IGNORED_DETAILS = new Set([
  'inputDetails',
  'outputDetails',
  'region',
  'roleArn',
  'assignedVariablesDetails',
]);
const PLACEHOLDER = /<[^<>]+>/g;
/** What the snapshot wrote in place of timestamps and dates. */
const MASKED = new Set(['timestamp', 'date']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The snapshot parsed strings holding a JSON object into objects; the runner's JSON strings get the same. */
export function normalise(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return isPlainObject(parsed) ? parsed : value;
  } catch {
    return value;
  }
}

function wildcard(recorded: string): RegExp {
  const parts = recorded.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`);
}

/** Deep equality where a recorded `<placeholder>` matches any text and `"timestamp"`/`"date"` any value. */
export function matches(recorded: unknown, actual: unknown): boolean {
  if (MASKED.has(recorded as string)) return true;
  if (typeof recorded === 'string') {
    if (typeof actual !== 'string') return false;
    return recorded.match(PLACEHOLDER) ? wildcard(recorded).test(actual) : recorded === actual;
  }
  if (Array.isArray(recorded))
    return (
      Array.isArray(actual) &&
      actual.length === recorded.length &&
      recorded.every((item, i) => matches(item, actual[i]))
    );
  if (isPlainObject(recorded)) {
    if (!isPlainObject(actual)) return false;
    const keys = Object.keys(recorded);
    if (keys.length !== Object.keys(actual).length) return false;
    return keys.every((k) => Object.hasOwn(actual, k) && matches(recorded[k], actual[k]));
  }
  return Object.is(recorded, actual);
}

/** The `*EventDetails` object of a recorded event (there is at most one). */
function recordedDetails(event: RecordedEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event))
    if (key.endsWith('EventDetails') && isPlainObject(value)) return value;
  return {};
}

function comparable(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details ?? {})) {
    if (IGNORED_DETAILS.has(key)) continue;
    out[key] =
      key === 'assignedVariables' && isPlainObject(value) ? mapValues(value, normalise) : normalise(value);
  }
  return out;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? 'undefined' : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function eventDiff(where: string, recorded: RecordedEvent, actual: HistoryEvent | undefined): string[] {
  if (!actual) return [`${where}: AWS wrote ${recorded.type}, the runner wrote nothing`];
  if (actual.type !== recorded.type)
    return [`${where}: AWS wrote ${recorded.type}, the runner ${actual.type}`];
  const expected = comparable(recordedDetails(recorded));
  const got = comparable(actual.details);
  const diffs: string[] = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(got)])) {
    if (!matches(expected[key], got[key]))
      diffs.push(`${where} ${recorded.type}.${key}: AWS ${show(expected[key])}, runner ${show(got[key])}`);
  }
  return diffs;
}

function sortKey(e: { type: string; details?: Record<string, unknown> }): string {
  return `${e.type} ${JSON.stringify(e.details ?? {})}`;
}

/**
 * Differences between a recorded history and a runner result: status, error, cause, output, and every
 * event's type and details (state names included). A run of masked-id events (a Parallel branch recorded
 * by LocalStack's non-recursive transformer) is compared as a set, and the Parallel end event the
 * transformer dropped is allowed after it.
 */
export function compareExecution(recorded: RecordedEvent[], result: ExecutionResult): string[] {
  const diffs: string[] = [];
  const last = recorded[recorded.length - 1];
  const status =
    last?.type === 'ExecutionSucceeded'
      ? 'SUCCEEDED'
      : last?.type === 'ExecutionFailed'
        ? 'FAILED'
        : last?.type;
  if (result.status !== status) diffs.push(`status: AWS ${status}, runner ${result.status}`);
  const end = last ? recordedDetails(last) : {};
  if (status === 'SUCCEEDED' && !matches(end.output, normalise(JSON.stringify(result.output))))
    diffs.push(`output: AWS ${show(end.output)}, runner ${show(result.output)}`);
  if (status === 'FAILED') {
    if (!matches(end.error, result.error))
      diffs.push(`error: AWS ${show(end.error)}, runner ${show(result.error)}`);
    if (!matches(end.cause, normalise(result.cause)))
      diffs.push(`cause: AWS ${show(end.cause)}, runner ${show(result.cause)}`);
  }

  diffs.push(...compareEvents(recorded, result.events));
  return diffs;
}

/** Event by event: types and details, masked Parallel blocks as sets (see compareExecution). */
export function compareEvents(recorded: RecordedEvent[], actual: HistoryEvent[]): string[] {
  const diffs: string[] = [];
  let j = 0;
  for (let i = 0; i < recorded.length; ) {
    const event = recorded[i] as RecordedEvent;
    if (typeof event.id === 'number') {
      diffs.push(...eventDiff(`event #${i + 1}`, event, actual[j]));
      i += 1;
      j += 1;
      continue;
    }
    let n = 0;
    while (i + n < recorded.length && typeof (recorded[i + n] as RecordedEvent).id !== 'number') n += 1;
    const block = recorded.slice(i, i + n);
    const ours = actual.slice(j, j + n);
    const recordedSorted = [...block].sort((a, b) =>
      sortKey({ type: a.type, details: recordedDetails(a) }).localeCompare(
        sortKey({ type: b.type, details: recordedDetails(b) })
      )
    );
    const oursSorted = [...ours].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const recordedTypes = block.map((e) => e.type).sort();
    const ourTypes = ours.map((e) => e.type).sort();
    if (show(recordedTypes) !== show(ourTypes))
      diffs.push(`branch events #${i + 1}-#${i + n}: AWS ${show(recordedTypes)}, runner ${show(ourTypes)}`);
    else
      for (const [k, e] of recordedSorted.entries())
        diffs.push(
          ...eventDiff(
            `branch event #${i + 1 + k}`,
            e,
            oursSorted.find((o) => o.type === e.type && matchesEvent(e, o)) ?? oursSorted[k]
          )
        );
    i += n;
    j += n;
    if (
      /^Parallel(StateSucceeded|StateFailed)$/.test(actual[j]?.type ?? '') &&
      (recorded[i] as RecordedEvent | undefined)?.type !== actual[j]?.type
    )
      j += 1;
  }
  if (j < actual.length)
    diffs.push(
      `the runner wrote ${actual.length - j} more event(s): ${actual
        .slice(j)
        .map((e) => e.type)
        .join(', ')}`
    );
  return diffs;
}

function matchesEvent(recorded: RecordedEvent, actual: HistoryEvent): boolean {
  return eventDiff('', recorded, actual).length === 0;
}
