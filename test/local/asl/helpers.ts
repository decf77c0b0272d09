import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryEvent } from '../../../local/asl/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');

/** A fixture from test/fixtures/local-asl, parsed. */
export function fixture(name: string): object {
  return JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/local-asl', name), 'utf8')) as object;
}

/** A JSONata state machine around the given states. */
export function machine(states: Record<string, unknown>, startAt = Object.keys(states)[0] ?? ''): object {
  return { QueryLanguage: 'JSONata', StartAt: startAt, States: states };
}

export const LAMBDA = 'arn:aws:states:::lambda:invoke';
export const START_MS = Date.UTC(2026, 0, 1);

/** Seconds since the start of the run (the VirtualClock default start) at which each event of `type` happened. */
export function secondsOf(events: HistoryEvent[], type: string): number[] {
  return events.filter((e) => e.type === type).map((e) => (Date.parse(e.timestamp) - START_MS) / 1000);
}

export function types(events: HistoryEvent[]): string[] {
  return events.map((e) => e.type);
}
