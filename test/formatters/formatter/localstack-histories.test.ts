/**
 * The formatter over real AWS histories recorded by LocalStack's parity tests (../shared/fixtures/aws, see
 * its README: "timestamp" strings instead of times, JSON causes stored as objects, placeholders in ARNs).
 * Each must render a valid message within Slack's limits with the recorded final status, and a failed run
 * must name the state it failed in whenever the history leads to one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { escapeText } from '../../../formatters/shared/escape.js';
import { repoRoot } from '../helpers/fixtures.js';
import { slackRejections } from '../helpers/slack-oracle.js';

const fixturesRoot = path.resolve(repoRoot, '../shared/fixtures/aws');
const present = existsSync(path.join(fixturesRoot, 'manifest.json'));

interface Entry {
  readonly file: string;
  readonly final_status: string;
}

interface RawEvent {
  id: unknown;
  previousEventId: unknown;
  type: string;
  [key: string]: unknown;
}

function entries(): Entry[] {
  const manifest = JSON.parse(readFileSync(path.join(fixturesRoot, 'manifest.json'), 'utf8')) as {
    entries: Entry[];
  };
  return manifest.entries.filter((e) => e.file.startsWith('sfn-history/localstack/'));
}

/** The wire shape: JSON members the recording parsed back into strings (README point 3). */
function toWire(value: unknown, key = ''): unknown {
  if (
    ['input', 'output', 'parameters', 'cause', 'result'].includes(key) &&
    typeof value === 'object' &&
    value
  ) {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return value.map((v) => toWire(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, k)]));
  }
  return value;
}

/** AWS's own rule: walk previousEventId back from the failure to the nearest *StateEntered. */
function failingStateByWalk(events: RawEvent[]): string | undefined {
  const byId = new Map(events.map((e) => [e.id, e]));
  const failed = events.find((e) => e.type === 'ExecutionFailed' || e.type === 'ExecutionTimedOut');
  let current = failed ? byId.get(failed.previousEventId) : undefined;
  for (let guard = 0; current && guard < events.length; guard++) {
    if (current.type.endsWith('StateEntered')) {
      return (current.stateEnteredEventDetails as { name?: string } | undefined)?.name;
    }
    current = byId.get(current.previousEventId);
  }
  return undefined;
}

if (!present) {
  console.log(
    `[skip] LocalStack-recorded histories: ${fixturesRoot} is absent (it is a design-time folder, not in the repo)`
  );
}

describe.runIf(present)('recorded AWS histories (../shared/fixtures/aws/sfn-history/localstack)', () => {
  const list = present ? entries() : [];

  it('the manifest lists the recorded histories', () => {
    expect(list.length).toBeGreaterThanOrEqual(80);
  });

  for (const entry of list) {
    it(`${path.basename(entry.file)}: valid message, status ${entry.final_status.split(' ')[0]}`, async () => {
      const recorded = JSON.parse(readFileSync(path.join(fixturesRoot, entry.file), 'utf8')) as {
        events: RawEvent[];
      };
      const expectedStatus = entry.final_status.split(' ')[0];
      for (const page of [recorded, toWire(recorded)]) {
        const { message, summary } = await formatExecution({
          pages: [page],
          settings: { environment: 'test' },
        });
        expect(slackLimitProblems(message)).toEqual([]);
        expect(slackRejections(message)).toEqual([]);
        expect(summary.execution.status).toBe(expectedStatus);
        expect(Buffer.byteLength(JSON.stringify(summary))).toBeLessThan(64 * 1024);
        const compact = await formatExecution({ pages: [page], settings: { template: 'compact' } });
        expect(slackLimitProblems(compact.message)).toEqual([]);
        expect(slackRejections(compact.message)).toEqual([]);
        const failing = failingStateByWalk(recorded.events);
        if (expectedStatus === 'FAILED' && failing !== undefined) {
          expect(summary.failedState).toBe(failing);
          expect(message.text).toContain(escapeText(failing));
        }
      }
    });
  }
});
