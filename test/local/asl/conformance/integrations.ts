import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Clock, type ResourceHandler, StatesError } from '../../../../local/asl/index.js';
import { repoRoot } from '../helpers.js';
import type { RecordedEvent } from './compare.js';

/** Task results and errors recorded on AWS, one entry per attempt (see that folder's README). */
export const INTEGRATIONS_DIR = path.resolve(repoRoot, '../shared/fixtures/aws/sfn-integrations');

export interface IntegrationEntry {
  file: string;
  test: string;
  kind: string;
  state: string | null;
  resource: string;
  parameters: unknown;
  outcome: string;
  result: unknown;
  error: string | null;
  cause: unknown;
  causeAbsent?: boolean;
  taskCredentials?: { roleArn: string };
  timeoutInSeconds?: number;
  heartbeatInSeconds?: number;
  events: RecordedEvent[];
}

/** Every recorded task attempt, or undefined when the fixtures are not next to the repository. */
export function loadIntegrationEntries(dir = INTEGRATIONS_DIR): IntegrationEntry[] | undefined {
  if (!existsSync(dir)) return undefined;
  const entries: IntegrationEntry[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const list = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Array<
      Omit<IntegrationEntry, 'file'>
    >;
    for (const entry of list) if (entry.kind === 'history-task') entries.push({ ...entry, file });
  }
  return entries;
}

/** Why the runner cannot replay an entry (a feature it refuses or does not model), or undefined. */
export function outOfScope(entry: IntegrationEntry): string | undefined {
  if (/\.(sync(:2)?|waitForTaskToken)$/.test(entry.resource))
    return 'callback and .sync integrations (TaskSubmitted) are not implemented';
  if (entry.heartbeatInSeconds !== undefined) return 'HeartbeatSeconds is not implemented';
  for (const text of [entry.parameters, entry.result])
    if (typeof text === 'string' && typeof JSON.parse(text) === 'number' && String(JSON.parse(text)) !== text)
      return `the number ${text} keeps its written form on AWS; a JavaScript number does not (see docs/local-runner.md)`;
  return undefined;
}

/** A one-state JSONata machine that calls the entry's resource with its recorded request. */
export function taskMachine(entry: IntegrationEntry): object {
  const task: Record<string, unknown> = {
    Type: 'Task',
    Resource: entry.resource,
    // A request that is not a JSON object was stored as its JSON text.
    Arguments: typeof entry.parameters === 'string' ? JSON.parse(entry.parameters) : entry.parameters,
    End: true,
  };
  if (entry.timeoutInSeconds !== undefined) task.TimeoutSeconds = entry.timeoutInSeconds;
  if (entry.taskCredentials) task.Credentials = { RoleArn: entry.taskCredentials.roleArn };
  // A state inside a recorded Parallel branch has no name in the entry (its events were masked).
  const name = entry.state ?? 'Task';
  return { QueryLanguage: 'JSONata', StartAt: name, States: { [name]: task } };
}

/** A stand-in that answers as the service did: the recorded result, error and cause, or no answer in time. */
export function recordedAnswer(entry: IntegrationEntry, clock: Clock): ResourceHandler {
  return async () => {
    // A result that is not a JSON object was stored as its JSON text.
    if (entry.outcome.endsWith('Succeeded'))
      return typeof entry.result === 'string' ? JSON.parse(entry.result) : entry.result;
    if (entry.outcome.endsWith('TimedOut')) {
      await clock.sleep(((entry.timeoutInSeconds ?? 60) + 1) * 1000);
      return {};
    }
    const cause =
      entry.causeAbsent || entry.cause === null || entry.cause === undefined
        ? undefined
        : typeof entry.cause === 'string'
          ? entry.cause
          : JSON.stringify(entry.cause);
    throw new StatesError(String(entry.error), cause);
  };
}
