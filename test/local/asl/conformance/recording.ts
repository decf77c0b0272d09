import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ResourceHandler, StatesError, type TaskInvocation } from '../../../../local/asl/index.js';
import { repoRoot } from '../helpers.js';
import { matches, type RecordedEvent } from './compare.js';

/** LocalStack's JSONata parity tests, recorded on AWS; lives outside the repository (see its README). */
export const CASES_FILE = path.resolve(repoRoot, '../shared/conformance/cases.json');

export interface ConformanceCase {
  id: string;
  definition: object;
  source_input?: unknown;
  recorded: Record<string, { events?: RecordedEvent[] }>;
}

/** One recorded execution of a case. */
export interface RecordedExecution {
  caseId: string;
  key: string;
  definition: object;
  input: unknown;
  events: RecordedEvent[];
}

/** The function ARN the recordings show (`arn:<partition>:lambda:<region>:111111111111:function:…`). */
export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:111111111111:function:lambda_function_name';
/** Placeholders the parity tests left in definitions where they filled in a real function ARN. */
const ARN_PLACEHOLDERS = ['%LAMBDA_FUNCTION_ARN_LITERAL_PLACEHOLDER%', '<function_arn>'];

/** Every recorded execution, or undefined when the conformance set is not next to the repository. */
export function loadExecutions(file = CASES_FILE): RecordedExecution[] | undefined {
  if (!existsSync(file)) return undefined;
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: ConformanceCase[] };
  const out: RecordedExecution[] = [];
  for (const c of cases) {
    let text = JSON.stringify(c.definition);
    for (const p of ARN_PLACEHOLDERS) text = text.split(p).join(FUNCTION_ARN);
    const definition = JSON.parse(text) as object;
    const histories = Object.entries(c.recorded).filter(([, value]) => Array.isArray(value.events));
    for (const [key, value] of histories) {
      const events = value.events as RecordedEvent[];
      // The snapshot masked dates in the recorded input; a single execution's source input is the unmasked one.
      const input =
        histories.length === 1 && c.source_input !== undefined && c.source_input !== null
          ? c.source_input
          : recordedInput(events);
      out.push({ caseId: c.id, key, definition, input, events });
    }
  }
  return out;
}

function details(event: RecordedEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event))
    if (key.endsWith('EventDetails') && value && typeof value === 'object')
      return value as Record<string, unknown>;
  return {};
}

/** The execution input as the recorded ExecutionStarted event holds it (objects parsed, other JSON as text). */
export function recordedInput(events: RecordedEvent[]): unknown {
  const input = details(events[0] as RecordedEvent).input;
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

interface Answer {
  kind: 'task' | 'lambda';
  request: unknown;
  outcome: RecordedEvent;
  used: boolean;
}

const SCHEDULED: Record<string, Answer['kind']> = {
  TaskScheduled: 'task',
  LambdaFunctionScheduled: 'lambda',
};
const OUTCOMES: Record<string, Answer['kind']> = {
  TaskSucceeded: 'task',
  TaskFailed: 'task',
  TaskTimedOut: 'task',
  LambdaFunctionSucceeded: 'lambda',
  LambdaFunctionFailed: 'lambda',
  LambdaFunctionTimedOut: 'lambda',
};

function parseRecorded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Task stand-ins that answer what the recording shows the service answered: the k-th scheduled call of a
 * kind is paired with the k-th outcome of that kind; a call takes the first unused answer whose recorded
 * request matches its arguments.
 */
export function standIns(definition: object, events: RecordedEvent[]): Record<string, ResourceHandler> {
  const requests: Record<string, unknown[]> = { task: [], lambda: [] };
  const outcomes: Record<string, RecordedEvent[]> = { task: [], lambda: [] };
  for (const e of events) {
    const scheduled = SCHEDULED[e.type];
    if (scheduled === 'task') requests.task?.push(details(e).parameters);
    if (scheduled === 'lambda') requests.lambda?.push(details(e).input);
    const outcome = OUTCOMES[e.type];
    if (outcome) outcomes[outcome]?.push(e);
  }
  const answers: Answer[] = [];
  for (const kind of ['task', 'lambda'] as const)
    for (const [k, outcome] of (outcomes[kind] ?? []).entries())
      answers.push({ kind, request: (requests[kind] ?? [])[k], outcome, used: false });

  const answer = async (task: TaskInvocation): Promise<unknown> => {
    const kind = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(task.resource) ? 'lambda' : 'task';
    const open = answers.filter((a) => a.kind === kind && !a.used);
    const found = open.find((a) => matches(a.request, normaliseRequest(task.arguments))) ?? open[0];
    if (!found)
      throw new Error(`the recording has no more answers for ${task.resource} (state ${task.stateName})`);
    found.used = true;
    const d = details(found.outcome);
    if (found.outcome.type.endsWith('Succeeded')) return parseRecorded(d.output);
    const cause = typeof d.cause === 'string' || d.cause === undefined ? d.cause : JSON.stringify(d.cause);
    throw new StatesError(String(d.error), cause as string | undefined);
  };
  const resources: Record<string, ResourceHandler> = {};
  for (const resource of resourcesOf(definition)) resources[resource] = answer;
  return resources;
}

/** The recorded request was parsed only when it was a JSON object. */
function normaliseRequest(args: unknown): unknown {
  return args !== null && typeof args === 'object' && !Array.isArray(args) ? args : JSON.stringify(args);
}

function resourcesOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) resourcesOf(item, found);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.Type === 'Task' && typeof o.Resource === 'string') found.add(o.Resource);
    for (const value of Object.values(o)) resourcesOf(value, found);
  }
  return found;
}
