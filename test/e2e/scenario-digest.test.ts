/**
 * The daily digest end to end (issue 24): examples/scenarios/digest-day routes nightly-/hourly- machines to one
 * channel and weekly- to another, each with a digest at 09:00 Berlin time; its `digest` step runs
 * statemachines/digest.asl.json on the local runner, the formatter reads the local SFN endpoint, and the digest is
 * delivered through the queue and the delivery machine like any message.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { readScenario, runScenario, type Scenario, type ScenarioReport } from '../../local/scenario.js';
import { quietFormatter, repoRoot } from './helpers.js';

const file = path.join(repoRoot, 'examples', 'scenarios', 'digest-day.scenario.json');
const UNTIL = Date.UTC(2026, 10, 12, 8, 0); // 09:00 in Berlin
const SINCE = UNTIL - 86_400_000;

let scenario: Scenario;
let report: ScenarioReport;

beforeAll(async () => {
  scenario = await readScenario(file);
  ({ report } = await runScenario(scenario, { formatter: quietFormatter }));
}, 60_000);

function digestOf(channel: string) {
  const digests = (report.channels[channel] ?? []).filter((m) => (m.text ?? '').startsWith('Daily digest'));
  expect(digests).toHaveLength(1);
  return digests[0] as NonNullable<(typeof digests)[number]>;
}

/** The executions the scenario ended in the digest's window, for machines whose names start with a prefix. */
function endedInWindow(prefixes: readonly string[]): StatusChangeEvent['detail'][] {
  return scenario.steps.flatMap((step) => {
    if (!('event' in step)) return [];
    const d = step.event.detail;
    const machine = d.stateMachineArn?.split(':').at(-1) ?? '';
    const stop = Number(d.stopDate);
    return prefixes.some((p) => machine.startsWith(p)) && stop >= SINCE && stop < UNTIL ? [d] : [];
  });
}

describe('digest-day scenario', () => {
  it('posts one digest per destination, at the digest time, in its own channel', () => {
    for (const channel of ['C0DATA0001', 'C0REPORTS1']) {
      const digest = digestOf(channel);
      expect(Math.floor(Number(digest.ts))).toBe(UNTIL / 1000);
    }
    expect(report.channels.C0OPS00001).toBeUndefined();
  });

  it('counts every run of its routes once, and lists each failure, linked', () => {
    for (const [channel, prefixes] of [
      ['C0DATA0001', ['nightly-', 'hourly-']],
      ['C0REPORTS1', ['weekly-']],
    ] as const) {
      const runs = endedInWindow(prefixes);
      const failed = runs.filter((d) => d.status === 'FAILED');
      const succeeded = runs.length - failed.length;
      const digest = digestOf(channel);
      expect(digest.text).toContain(`${runs.length} run${runs.length === 1 ? '' : 's'} of `);
      expect(digest.text).toContain(`${failed.length} failed`);
      if (succeeded > 0) expect(digest.text).toContain(`${succeeded} succeeded`);
      const blocks = JSON.stringify(digest.blocks);
      for (const d of failed) {
        expect(blocks.split(`details/${d.executionArn}|${d.name}>`)).toHaveLength(2);
      }
      // Nothing of the other route's machines.
      const others = channel === 'C0DATA0001' ? 'weekly-report' : 'nightly-orders';
      expect(blocks).not.toContain(others);
    }
    expect(endedInWindow(['nightly-', 'hourly-'])).toHaveLength(24);
  });
});
