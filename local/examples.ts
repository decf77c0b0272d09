/**
 * The bundled example executions (examples/nightly-etl-*.json, in a checkout): the event and history pages that
 * `npm start` runs, and what the end-to-end tests and the bench build their runs from.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatusChangeEvent } from '../contract/formatter.js';
import { type HistoryPage, type HistorySource, recordedHistorySource } from './stand-ins/history.js';

const examplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples');

/** One execution: its status-change event and the GetExecutionHistory pages the notifier reads. */
export interface Example {
  readonly event: StatusChangeEvent;
  readonly pages: HistoryPage[];
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as T;

/** The nightly-etl run (48 events, one page at the notifier's MaxResults 200), failed or succeeded. */
export function bundledExample(outcome: 'failed' | 'succeeded'): Example {
  return {
    event: readJson(`nightly-etl-${outcome}.event.json`),
    pages: readJson(`nightly-etl-${outcome}.history.json`),
  };
}

/** The same execution under another name (a distinct ARN, so a distinct deduplication id). */
export function renamed(example: Example, name: string): Example {
  const arn = example.event.detail.executionArn.replace(/:[^:]+$/, `:${name}`);
  return {
    ...example,
    event: { ...example.event, detail: { ...example.event.detail, executionArn: arn, name } },
  };
}

/**
 * The execution as if it ran in another account and region, under another name: every ARN of the event and the
 * history, and the event's envelope, moved (a central environment's source executions).
 */
export function ranIn(example: Example, account: string, region: string, name: string): Example {
  const text = JSON.stringify(example)
    .replaceAll(example.event.account ?? '', account)
    .replaceAll(example.event.region ?? '', region);
  return renamed(JSON.parse(text) as Example, name);
}

/** A history source serving several executions by ARN; any other execution is an error. */
export function historiesOf(list: readonly Example[]): HistorySource {
  const sources = new Map(list.map((e) => [e.event.detail.executionArn, recordedHistorySource(e.pages)]));
  return async (request) => {
    const source = sources.get(request.executionArn);
    if (!source) throw new Error(`no history for ${request.executionArn}`);
    return source(request);
  };
}

/** The scenarios bundled with the package (examples/scenarios/<name>.scenario.json), by name. */
export function bundledScenarios(): string[] {
  try {
    return readdirSync(path.join(examplesDir, 'scenarios'))
      .filter((file) => file.endsWith('.scenario.json'))
      .map((file) => file.replace(/\.scenario\.json$/, ''))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A `--scenario` argument as a file: a path that exists, else a bundled scenario's name (so `npx sfn-slack start
 * --scenario fail-redrive-succeed` works from an install, where examples/ is inside the package); else the
 * argument as given (reading it reports the missing file).
 */
export function scenarioFile(argument: string): string {
  if (existsSync(argument)) return argument;
  const name = path.basename(argument).replace(/\.scenario\.json$/, '');
  const bundled = path.join(examplesDir, 'scenarios', `${name}.scenario.json`);
  return existsSync(bundled) ? bundled : argument;
}
