/**
 * "Is this normal?" end to end (issue 24): examples/scenarios/is-this-normal runs two weeks of nightly runs through
 * the local pipeline; the formatter reads ListExecutions and the earlier failure's history from the local SFN
 * endpoint, which serves what the scenario has run so far.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../formatters/formatter/handler.js';
import { readScenario, runScenario, type ScenarioReport } from '../../local/scenario.js';
import { contextLines, quiet, repoRoot } from './helpers.js';

const file = path.join(repoRoot, 'examples', 'scenarios', 'is-this-normal.scenario.json');
const console = (arn: string) =>
  `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`;
const execution = (machine: string, day: number) =>
  `arn:aws:states:eu-west-1:123456789012:execution:${machine}:${machine}-2026-11-${String(day).padStart(2, '0')}`;

const BUDGET_MS = 500;

type Message = ScenarioReport['channels'][string][number];
let messages: Message[];
let stepTimes: number[];

/** The message of a run, by its execution's name. */
function of(name: string): Message {
  const found = messages.find((m) => JSON.stringify(m.blocks).includes(`${name}`));
  if (!found) throw new Error(`no message for ${name}`);
  return found;
}

beforeAll(async () => {
  const scenario = await readScenario(file);
  stepTimes = scenario.steps.map((s) => s.at);
  const started = Date.now();
  // The throttled night waits out the context's budget of real time (CONTEXT_BUDGET_MS by default; how a budget
  // bounds a throttled read is checked in test/formatters/formatter/context/read.test.ts): a short one keeps the
  // suite from idling through it.
  const formatter = quiet(createHandler({ runContext: { budgetMs: BUDGET_MS } }));
  // The reads load the SFN client on first use, within the budget: loaded here, a busy machine's slow first import
  // cannot leave an ordinary night's context out.
  await import('@aws-sdk/client-sfn');
  const { report } = await runScenario(scenario, { formatter });
  messages = report.channels.C0LOCAL001 ?? [];
  // One throttled night costs about the context's budget of real time, not a retry storm.
  expect(Date.now() - started).toBeLessThan(30_000);
}, 60_000);

describe('is-this-normal scenario', () => {
  it('posts every run once', () => {
    expect(messages).toHaveLength(17);
  });

  it('flags the slow night with the median of the eight ordinary ones', () => {
    expect(contextLines(of('nightly-orders-2026-11-09'))).toEqual([
      ':snail: took 2h 14m — usually about 35m 30s (median of the last 8 successful runs)',
    ]);
    // An ordinary night says nothing.
    expect(contextLines(of('nightly-orders-2026-11-08'))).toEqual([]);
  });

  it('says the first failure after nine successes, then the streak and the same error, linked', () => {
    expect(contextLines(of('nightly-orders-2026-11-10'))).toContain(':new: first failure after 9 successes');
    const third = contextLines(of('nightly-orders-2026-11-12'));
    expect(third).toContain(
      `:repeat: 3rd failure in a row — <${console(execution('nightly-orders', 9))}|last success> 3 days ago`
    );
    expect(third.find((l) => l.startsWith(':recycle:'))).toBe(
      `:recycle: same \`States.TaskFailed\` in *Load* as the <${console(execution('nightly-orders', 11))}|previous failure> (<!date^1794362700^{date_short_pretty} {time_secs}|2026-11-11T02:05:00Z>)`
    );
    expect(contextLines(of('nightly-orders-2026-11-11'))).toContain(
      `:recycle: same \`States.TaskFailed\` in *Load* as the <${console(execution('nightly-orders', 10))}|previous failure> (<!date^1794276360^{date_short_pretty} {time_secs}|2026-11-10T02:06:00Z>)`
    );
  });

  it('says nothing about the usual of a machine with fewer than 5 earlier runs', () => {
    expect(contextLines(of('weekly-report-2026-11-12'))).toEqual([':new: first failure after 3 successes']);
  });

  it('leaves the context out when ListExecutions is throttled, and the message is on time', () => {
    const last = of('nightly-orders-2026-11-13');
    // Without the throttle this success would say "first success after 3 failures in a row".
    expect(contextLines(last)).toEqual([]);
    const firstEventMs = Date.UTC(2026, 10, 1, 2, 33);
    const due = firstEventMs / 1000 + (stepTimes.at(-1) ?? 0);
    expect(Number(last.ts)).toBeGreaterThanOrEqual(due);
    expect(Number(last.ts)).toBeLessThan(due + 1);
  });
});
