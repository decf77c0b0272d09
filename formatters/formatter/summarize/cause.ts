import { cutText } from '../cut.js';
import { foldRepeatedLines } from '../repeated-lines.js';
import { isRecord, pick, type UnknownRecord } from './normalize.js';
import { readServiceCause } from './service-causes.js';
import type { CauseSummary } from './types.js';

/** Longest cause text kept in a summary (Slack shows at most 3,000 characters a section anyway). */
export const MAX_CAUSE_CHARS = 2_000;
const MAX_FIELD_CHARS = 1_000;

function cut(text: string, max: number): string {
  return cutText(text, max);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Stack lines kept from a Lambda error, and the characters kept of each. */
const STACK_LINES = 5;
const STACK_LINE_CHARS = 200;
/** Stack lines read before repeated ones are folded (a recursion's frames repeat far beyond this). */
const STACK_LINES_READ = 200;
/** Longest `detail` line read out of a service's failure description. */
const MAX_DETAIL_CHARS = 800;
/** Containers named in an ECS detail line. */
const MAX_CONTAINERS = 3;

/** Members of a Lambda function error (all runtimes): anything else is worth showing raw. */
const LAMBDA_KEYS = new Set(['errorType', 'errorMessage', 'stackTrace', 'trace', 'requestId']);

type MutableCause = { -readonly [K in keyof CauseSummary]: CauseSummary[K] };

function text(value: unknown, max: number): string | undefined {
  const s = stringOf(value)?.trim();
  return s === undefined || s === '' ? undefined : cut(s, max);
}

/** The first lines of a stack trace given as an array (entries may hold several lines) or a string. */
function stackLines(value: unknown, fold = false): { lines: string[]; truncated: boolean } | undefined {
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? [value] : undefined;
  if (!entries) return undefined;
  const read: string[] = [];
  let more = false;
  for (const entry of entries) {
    const entryText = typeof entry === 'string' ? entry : stringOf(entry);
    if (entryText === undefined) continue;
    for (const line of entryText.split('\n')) {
      // Python's header line says nothing the frames do not.
      if (line.trim() === '' || line.trim() === 'Traceback (most recent call last):') continue;
      if (read.length >= (fold ? STACK_LINES_READ : STACK_LINES)) {
        more = true;
        break;
      }
      read.push(cut(line.trimEnd(), STACK_LINE_CHARS));
    }
    if (more) break;
  }
  // A cause cut for its size is mostly a deep recursion's frames: each run is kept once with its count.
  const folded = fold ? foldRepeatedLines(read, more) : read;
  const lines = folded.slice(0, STACK_LINES);
  return lines.length > 0 ? { lines, truncated: more || folded.length > lines.length } : undefined;
}

/** `a · b · c`, cut to the detail bound. */
function detailLine(parts: readonly (string | undefined)[]): string | undefined {
  const kept = parts.filter((part): part is string => part !== undefined && part !== '');
  return kept.length > 0 ? cut(kept.join(' · '), MAX_DETAIL_CHARS) : undefined;
}

/**
 * An ECS task description (`ecs:runTask.sync` delivers DescribeTasks' task, PascalCase; the API itself is
 * camelCase): why it stopped, its stop code, each container that exited non-zero (or has a reason), the task.
 */
function ecsDetail(task: UnknownRecord): string | undefined {
  const reason = text(pick(task, 'stoppedReason'), 300);
  const code = text(pick(task, 'stopCode'), 64);
  const containers = pick(task, 'containers');
  const problems: string[] = [];
  if (Array.isArray(containers)) {
    for (const container of containers) {
      if (!isRecord(container)) continue;
      const exitCode = pick(container, 'exitCode');
      const why = text(pick(container, 'reason'), 300);
      const failed = (typeof exitCode === 'number' && exitCode !== 0) || why !== undefined;
      if (!failed) continue;
      const name = text(pick(container, 'name'), 100) ?? 'container';
      const exit = typeof exitCode === 'number' ? ` exited ${exitCode}` : '';
      problems.push(`${name}${exit}${why ? `: ${why}` : ''}`);
    }
  }
  const shown = problems.slice(0, MAX_CONTAINERS);
  if (problems.length > shown.length) shown.push(`+${problems.length - shown.length} more containers`);
  const arn = text(pick(task, 'taskArn'), 300);
  return detailLine([
    reason ? `${reason}${code ? ` (${code})` : ''}` : code,
    ...shown,
    arn ? `task ${arn}` : undefined,
  ]);
}

/** A Glue job run (`glue:startJobRun.sync` delivers GetJobRun's JobRun, PascalCase). */
function glueDetail(run: UnknownRecord): string | undefined {
  const state = text(pick(run, 'jobRunState'), 32);
  const message = text(pick(run, 'errorMessage'), 500);
  const job = text(pick(run, 'jobName'), 255);
  const id = text(pick(run, 'id'), 255);
  // The reason first: a cut keeps it.
  return detailLine([message, state, job ? `job ${job}` : undefined, id ? `run ${id}` : undefined]);
}

/** A Batch job (`batch:submitJob.sync` delivers DescribeJobs' job detail, PascalCase). */
function batchDetail(job: UnknownRecord): string | undefined {
  const status = text(pick(job, 'status'), 32);
  const reason = text(pick(job, 'statusReason'), 300);
  const container = pick(job, 'container');
  let containerPart: string | undefined;
  if (isRecord(container)) {
    const exitCode = pick(container, 'exitCode');
    const why = text(pick(container, 'reason'), 300);
    if (typeof exitCode === 'number' || why) {
      containerPart = `container${typeof exitCode === 'number' ? ` exited ${exitCode}` : ''}${why ? `: ${why}` : ''}`;
    }
  }
  const name = text(pick(job, 'jobName'), 128);
  const id = text(pick(job, 'jobId'), 128);
  return detailLine([
    reason,
    status,
    containerPart,
    name || id ? `job ${[name, id ? `(${id})` : undefined].filter(Boolean).join(' ')}` : undefined,
  ]);
}

function isEcsTask(record: UnknownRecord): boolean {
  const arn = pick(record, 'taskArn');
  return (
    (typeof arn === 'string' && arn.includes(':task/')) ||
    (Array.isArray(pick(record, 'containers')) && pick(record, 'stoppedReason') !== undefined)
  );
}

function isBatchJob(record: UnknownRecord): boolean {
  return (
    typeof pick(record, 'jobId') === 'string' &&
    (pick(record, 'jobQueue') !== undefined || pick(record, 'statusReason') !== undefined)
  );
}

/** Reads what a known JSON cause holds into `summary`. */
function readParsed(parsed: UnknownRecord, summary: MutableCause): void {
  const childArn = pick(parsed, 'executionArn');
  if (typeof childArn === 'string' && childArn.includes(':execution:')) {
    // A failed child execution (`startExecution.sync`): its own Error and Cause, the cause read in turn.
    summary.kind = 'execution';
    summary.childExecutionArn = cut(childArn, 2048);
    const status = pick(parsed, 'status');
    if (typeof status === 'string') summary.childStatus = cut(status, 32);
    const error = text(pick(parsed, 'error'), 256);
    if (error) summary.errorType = error;
    const inner = summarizeCause(pick(parsed, 'cause'), MAX_FIELD_CHARS);
    if (inner) {
      const innerLine =
        inner.detail ??
        (inner.errorType && inner.errorMessage
          ? `${inner.errorType}: ${inner.errorMessage}`
          : (inner.errorMessage ?? inner.errorType));
      summary.errorMessage = cut(innerLine ?? inner.text, MAX_FIELD_CHARS);
      if (inner.stack) summary.stack = inner.stack;
      if (inner.stackTruncated) summary.stackTruncated = true;
    }
    return;
  }
  if (isEcsTask(parsed)) {
    summary.kind = 'ecs';
    const reason = text(pick(parsed, 'stoppedReason'), MAX_FIELD_CHARS);
    if (reason) summary.errorMessage = reason;
    const detail = ecsDetail(parsed);
    if (detail) summary.detail = detail;
    return;
  }
  const jobRun = pick(parsed, 'jobRun');
  const run = isRecord(jobRun) ? jobRun : parsed;
  if (typeof pick(run, 'jobRunState') === 'string') {
    summary.kind = 'glue';
    const message = text(pick(run, 'errorMessage'), MAX_FIELD_CHARS);
    if (message) summary.errorMessage = message;
    const detail = glueDetail(run);
    if (detail) summary.detail = detail;
    return;
  }
  if (isBatchJob(parsed)) {
    summary.kind = 'batch';
    const reason = text(pick(parsed, 'statusReason'), MAX_FIELD_CHARS);
    if (reason) summary.errorMessage = reason;
    const detail = batchDetail(parsed);
    if (detail) summary.detail = detail;
    return;
  }
  const service = readServiceCause(parsed, false);
  if (service) {
    summary.kind = service.kind;
    if (service.reason) summary.errorMessage = service.reason;
    if (service.detail) summary.detail = service.detail;
    return;
  }
  const errorType = pick(parsed, 'errorType');
  const errorMessage = pick(parsed, 'errorMessage');
  if (errorType !== undefined || errorMessage !== undefined) {
    summary.kind = 'lambda';
    if (typeof errorType === 'string') summary.errorType = cut(errorType, 256);
    const message = stringOf(errorMessage);
    if (message !== undefined) summary.errorMessage = cut(message, MAX_FIELD_CHARS);
    const stack = stackLines(pick(parsed, 'stackTrace') ?? parsed.trace);
    if (stack) {
      summary.stack = stack.lines;
      if (stack.truncated) summary.stackTruncated = true;
    }
    if (Object.keys(parsed).some((key) => !LAMBDA_KEYS.has(key))) {
      summary.hasMore = true;
      const rest = restOf(parsed, LAMBDA_KEYS);
      if (rest) summary.rest = rest;
    }
    return;
  }
  // Another shape: read the usual names, and say the raw text holds more.
  summary.hasMore = true;
  const generic = readServiceCause(parsed, true);
  if (generic) {
    // A reason found in a shape no parser knows: it goes first, the raw text after it.
    summary.kind = generic.kind;
    if (generic.reason) summary.errorMessage = generic.reason;
    if (generic.detail) summary.detail = generic.detail;
    const error = pick(parsed, 'error');
    if (typeof error === 'string') summary.errorType = cut(error, 256);
    return;
  }
  summary.kind = 'json';
  const error = pick(parsed, 'error');
  if (typeof error === 'string') summary.errorType = cut(error, 256);
  const message = stringOf(pick(parsed, 'cause') ?? pick(parsed, 'message'));
  if (message !== undefined) summary.errorMessage = cut(message, MAX_FIELD_CHARS);
  if (summary.errorType !== undefined || summary.errorMessage !== undefined) {
    const rest = restOf(parsed, JSON_READ_KEYS);
    if (rest) summary.rest = rest;
  }
}

/** Members a plain JSON cause is read for (either casing). */
const JSON_READ_KEYS = new Set(['error', 'Error', 'cause', 'Cause', 'message', 'Message']);
/** Characters of the members not read out that are kept to show. */
const MAX_REST_CHARS = 1_000;

/** The members of `parsed` not in `read`, as JSON (cut), or undefined when there are none. */
function restOf(parsed: UnknownRecord, read: ReadonlySet<string>): string | undefined {
  const rest = Object.entries(parsed).filter(([key]) => !read.has(key));
  if (rest.length === 0) return undefined;
  return cut(JSON.stringify(Object.fromEntries(rest), null, 1), MAX_REST_CHARS);
}

/** Step Functions keeps at most this many characters of a cause; a longer one arrives cut. */
export const SOURCE_CAUSE_CHARS = 32_768;

/** A JSON string literal's value read from `text` at `key` (`"key": "…"`), unescaped; cut JSON is fine. */
function stringMember(text: string, key: string): string | undefined {
  // Up to the closing quote, or as far as the text goes when it was cut inside the string.
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,${MAX_FIELD_CHARS}})`).exec(text);
  if (!match) return undefined;
  try {
    // A cut inside a \uXXXX escape leaves it unreadable: the escape goes.
    return JSON.parse(`"${(match[1] ?? '').replace(/\\u[0-9a-fA-F]{0,3}$/, '')}"`) as string;
  } catch {
    return undefined;
  }
}

/** The first string entries of an array member (`"key": ["…", "…"`) of a cut JSON text. */
function arrayHead(text: string, key: string): string[] | undefined {
  const at = new RegExp(`"${key}"\\s*:\\s*\\[`).exec(text);
  if (!at) return undefined;
  const items: string[] = [];
  const item = /\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
  item.lastIndex = at.index + at[0].length;
  for (let m = item.exec(text); m && items.length <= STACK_LINES_READ; m = item.exec(text)) {
    try {
      items.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      break;
    }
  }
  return items.length > 0 ? items : undefined;
}

/**
 * A JSON cause cut by Step Functions no longer parses: what a Lambda error says first (its type and message,
 * then its stack) is read from the text.
 */
function readCutJson(causeText: string, summary: MutableCause): void {
  const errorType = stringMember(causeText, 'errorType');
  const errorMessage = stringMember(causeText, 'errorMessage');
  if (errorType === undefined && errorMessage === undefined) {
    summary.kind = 'text';
    return;
  }
  summary.kind = 'lambda';
  if (errorType !== undefined) summary.errorType = cut(errorType, 256);
  if (errorMessage !== undefined) summary.errorMessage = cut(errorMessage, MAX_FIELD_CHARS);
  const stack = stackLines(arrayHead(causeText, 'stackTrace') ?? arrayHead(causeText, 'trace'), true);
  if (stack) {
    summary.stack = stack.lines;
    summary.stackTruncated = true;
  }
}

/**
 * A cause (string, or an object when a recording stored the JSON parsed) to a bounded CauseSummary. A JSON
 * cause is read: a Lambda error's `errorType`/`errorMessage` and first stack lines, a failed child
 * execution's own `Error`/`Cause` and ARN (`startExecution.sync`), and a `.sync` integration's failure
 * description (ECS task, Glue job run, Batch job) into one readable `detail` line. Members are read in
 * camelCase or PascalCase (service integrations deliver the PascalCase response).
 */
export function summarizeCause(cause: unknown, maxChars: number = MAX_CAUSE_CHARS): CauseSummary | undefined {
  if (typeof cause !== 'string') return readCause(cause, maxChars);
  // The same cause often comes again (each retry's, the failed state's and the execution's, the event's):
  // it is read once. Summaries are never changed after they are made, so they can be shared.
  for (const seen of recentCauses) {
    if (seen.maxChars === maxChars && seen.cause === cause) return seen.summary;
  }
  const summary = readCause(cause, maxChars);
  recentCauses.unshift({ cause, maxChars, summary });
  if (recentCauses.length > RECENT_CAUSES) recentCauses.pop();
  return summary;
}

/** How many recently read causes are remembered. */
const RECENT_CAUSES = 4;
const recentCauses: { cause: string; maxChars: number; summary: CauseSummary | undefined }[] = [];

function readCause(cause: unknown, maxChars: number): CauseSummary | undefined {
  const causeText = stringOf(cause);
  if (causeText === undefined || causeText === '') return undefined;
  let parsed: unknown = isRecord(cause) ? cause : undefined;
  if (parsed === undefined && typeof cause === 'string' && cause.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(cause);
    } catch {
      parsed = undefined;
    }
  }
  const summary: MutableCause = {
    text: cut(causeText, maxChars),
    truncated: causeText.length > maxChars,
    length: causeText.length,
  };
  if (causeText.length >= SOURCE_CAUSE_CHARS) summary.cutAtSource = true;
  if (isRecord(parsed)) readParsed(parsed, summary);
  else if (summary.cutAtSource && causeText.trimStart().startsWith('{')) readCutJson(causeText, summary);
  else summary.kind = 'text';
  return summary;
}

/** An error name, bounded (the API allows 256). */
export function boundedError(error: unknown): string | undefined {
  const text = stringOf(error);
  return text === undefined || text === '' ? undefined : cut(text, 256);
}
