/**
 * The one-message-per-execution figures: many executions, each failing, redriven and succeeding, their events
 * shuffled, duplicated seconds and hours apart, with answers lost and a dead-letter replay, on the local
 * pipeline (real definitions, DynamoDB API on dynalite, local Slack server). Also long runs against
 * runningLongerThan, and what the store costs per 1,000 notifications.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../contract/formatter.js';
import { parseEnvironment } from '../contract/settings.js';
import { DEFAULT_STATUSES } from '../contract/statuses.js';
import type { Scenario, ScenarioStep } from '../local/scenario.js';
import { runScenario, SCENARIO_CHANNEL } from '../local/scenario.js';
import type { ConversationMessage } from '../local/slack-server/index.js';
import type { HistoryPage } from '../local/stand-ins/history.js';
import { repoRoot } from './bundle.js';
import { prices } from './cost.js';
import { seededRandom } from './sim-clock.js';

/** DynamoDB on-demand list prices, from bench/cost.ts (one price list, one date). */
export const dynamoDbPrices = {
  date: prices.date,
  writeRequestUnit: prices.dynamoDbWriteUnit,
  readRequestUnit: prices.dynamoDbReadUnit,
} as const;

export interface LifecycleResult {
  readonly executions: number;
  /** Status-change events sent, duplicates included. */
  readonly events: number;
  readonly duplicatesSent: number;
  readonly answersLost: number;
  /** Most top-level messages for one execution in the channel (the goal: 1). */
  readonly maxParentsPerExecution: number;
  /** Executions whose message does not show their final status. */
  readonly wrongFinalStatus: number;
  /** Posts beyond one per news (parents and replies). */
  readonly duplicated: number;
  /** Executions with no message at all. */
  readonly lost: number;
  readonly deadLettered: number;
  /** Finished-before-the-limit runs that got a "still running" (the goal: 0). */
  readonly lateStillRunning: number;
  /** Runs past the limit that got their "still running" exactly once. */
  readonly stillRunningOnce: number;
  readonly longRuns: number;
  readonly store: {
    readonly readsPerDelivery: number;
    readonly writesPerDelivery: number;
    readonly maxItemBytes: number;
    readonly dollarsPerThousandNotifications: number;
  };
}

interface Lifecycle {
  readonly running: StatusChangeEvent;
  readonly failed: StatusChangeEvent;
  readonly redriven: StatusChangeEvent;
  readonly succeeded: StatusChangeEvent;
  readonly histories: Record<'running' | 'failed' | 'redriven' | 'succeeded', HistoryPage[]>;
}

const dir = path.join(repoRoot, 'examples', 'scenarios');
const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;

function lifecycleOf(name: string): Lifecycle {
  const rename = (e: StatusChangeEvent): StatusChangeEvent => {
    const executionArn = e.detail.executionArn.replace(/:[^:]+$/, `:${name}`);
    return {
      ...e,
      resources: [executionArn],
      detail: { ...e.detail, executionArn, name },
    } as StatusChangeEvent;
  };
  const pages = (file: string) => [read<HistoryPage>(file)];
  return {
    running: rename(read('redrive.running.event.json')),
    failed: rename(read('redrive.failed.event.json')),
    redriven: rename(read('redrive.redriven.event.json')),
    succeeded: rename(read('redrive.succeeded.event.json')),
    histories: {
      running: pages('redrive.started.history.json'),
      failed: pages('redrive.failed.history.json'),
      redriven: pages('redrive.redriven.history.json'),
      succeeded: pages('redrive.succeeded.history.json'),
    },
  };
}

const current = (m: ConversationMessage) => m.edits.at(-1)?.text ?? m.text ?? '';
const executionOf = (m: ConversationMessage) =>
  String((m.metadata?.event_payload as { execution_arn?: unknown } | undefined)?.execution_arn ?? '');

/** Shuffled lifecycles with duplicates and lost answers; returns the figures. */
export async function benchLifecycle(
  formatter: (input: FormatterInput) => Promise<FormatterOutput>,
  plan: { readonly executions: number; readonly seed: number; readonly longRuns?: number },
  log: (line: string) => void
): Promise<LifecycleResult> {
  const random = seededRandom(plan.seed);
  const steps: ScenarioStep[] = [];
  let duplicatesSent = 0;
  let answersLost = 0;
  const kinds = ['running', 'failed', 'redriven', 'succeeded'] as const;
  const timed: { at: number; step: ScenarioStep; index?: number }[] = [];
  for (let i = 0; i < plan.executions; i += 1) {
    const run = lifecycleOf(`bench-${i}`);
    const base = i * 20;
    // Each event lands at a random moment within 40 minutes: any order is possible.
    for (const kind of kinds) {
      timed.push({
        at: base + Math.floor(random() * 2400),
        step: { at: 0, event: run[kind], history: run.histories[kind] },
      });
    }
  }
  timed.sort((a, b) => a.at - b.at);
  for (const t of timed) steps.push({ ...t.step, at: t.at } as ScenarioStep);
  const eventSteps = steps.length;
  // Duplicates: every tenth event again 30 s later, every seventh 6 hours later (past the queue's window).
  const extra: { at: number; step: ScenarioStep }[] = [];
  steps.forEach((step, index) => {
    if (index % 10 === 0) extra.push({ at: step.at + 30, step: { at: 0, duplicate: index } });
    if (index % 7 === 0) extra.push({ at: step.at + 6 * 3600, step: { at: 0, duplicate: index } });
    if (index % 13 === 5)
      extra.push({ at: step.at, step: { at: 0, slack: { fail: 'lost_response', count: 1 } } });
  });
  duplicatesSent = extra.filter((e) => 'duplicate' in e.step).length;
  answersLost = extra.filter((e) => 'slack' in e.step).length;
  const all = [...steps.map((s) => ({ at: s.at, step: s })), ...extra].sort((a, b) => a.at - b.at);
  // Duplicate indexes point at the original order: re-map them after sorting.
  const originalIndex = new Map(steps.map((s, i) => [s, i]));
  const ordered: ScenarioStep[] = [];
  const newIndex = new Map<number, number>();
  for (const entry of all) {
    const step = { ...entry.step, at: entry.at } as ScenarioStep;
    const from = originalIndex.get(entry.step);
    if (from !== undefined) newIndex.set(from, ordered.length);
    ordered.push(step);
  }
  const remapped = ordered.map((s) =>
    'duplicate' in s ? ({ at: s.at, duplicate: newIndex.get(s.duplicate) as number } as ScenarioStep) : s
  );
  remapped.push({ at: (remapped.at(-1)?.at ?? 0) + 60, replayDeadLetters: true });
  const environment = parseEnvironment('bench', {
    stateMachineNamePrefixes: ['nightly-'],
    statuses: ['RUNNING', ...DEFAULT_STATUSES],
    destination: { type: 'channel', channel: SCENARIO_CHANNEL },
    // One message per execution is measured here; storm digests are measured by the fault matrix.
    storm: { threshold: 0 },
  });
  log(
    `lifecycle: ${plan.executions} executions, ${eventSteps} events, ${duplicatesSent} duplicates, ${answersLost} lost answers`
  );
  const run = await runScenario({ environment, steps: remapped } satisfies Scenario, {
    formatter,
    keepOpen: true,
  });
  const messages = run.report.channels[SCENARIO_CHANNEL] ?? [];
  const byExecution = new Map<string, ConversationMessage[]>();
  for (const m of messages) byExecution.set(executionOf(m), [...(byExecution.get(executionOf(m)) ?? []), m]);
  let duplicated = 0;
  for (const m of messages) {
    const texts = m.replies.map((r) => r.text ?? '');
    duplicated += texts.length - new Set(texts).size;
  }
  duplicated += [...byExecution.values()].reduce((n, list) => n + list.length - 1, 0);
  const executionsRun = run.pipeline.deliveries.length;
  // The delivery function's store calls (formatters/delivery/store.ts), counted by the local DynamoDB server
  // before the report's own scan: GetItem reads, UpdateItem/PutItem writes.
  const calls = run.pipeline.store.requestsByOperation();
  const items = await run.pipeline.store.items();
  const maxItemBytes = Math.max(0, ...items.map((item) => Buffer.byteLength(JSON.stringify(item))));
  await run.pipeline.close();
  const readsPerDelivery = (calls.GetItem ?? 0) / executionsRun;
  const writesPerDelivery = ((calls.UpdateItem ?? 0) + (calls.PutItem ?? 0)) / executionsRun;
  // A write costs one unit per started KB of the larger of the item before and after; a strongly consistent read
  // one unit per started 4 KB.
  const writeUnits = Math.ceil(maxItemBytes / 1024);
  const readUnits = Math.ceil(maxItemBytes / 4096);
  const perDelivery =
    writesPerDelivery * writeUnits * dynamoDbPrices.writeRequestUnit +
    readsPerDelivery * readUnits * dynamoDbPrices.readRequestUnit;

  const long = await benchLongRuns(formatter, plan.seed, plan.longRuns ?? 20, log);
  return {
    executions: plan.executions,
    events: eventSteps + duplicatesSent,
    duplicatesSent,
    answersLost,
    maxParentsPerExecution: Math.max(0, ...[...byExecution.values()].map((l) => l.length)),
    wrongFinalStatus: [...byExecution.values()].filter(
      (l) => !/succeeded/.test(current(l[0] as ConversationMessage))
    ).length,
    duplicated,
    lost: plan.executions - byExecution.size,
    deadLettered: run.report.deadLetters.length,
    lateStillRunning: long.late,
    stillRunningOnce: long.once,
    longRuns: long.runs,
    store: {
      readsPerDelivery,
      writesPerDelivery,
      maxItemBytes,
      dollarsPerThousandNotifications: perDelivery * 1000,
    },
  };
}

/** Half the runs end before runningLongerThan (PT2H), half after; counts late and repeated "still running". */
async function benchLongRuns(
  formatter: (input: FormatterInput) => Promise<FormatterOutput>,
  seed: number,
  runs: number,
  log: (line: string) => void
): Promise<{ runs: number; late: number; once: number }> {
  const random = seededRandom(seed + 1);
  const steps: { at: number; event: StatusChangeEvent; history: HistoryPage[] }[] = [];
  const endsLate = new Set<string>();
  for (let i = 0; i < runs; i += 1) {
    const life = lifecycleOf(`long-${i}`);
    const start = i * 60;
    const late = i % 2 === 0;
    const end = start + (late ? 7200 + 600 + Math.floor(random() * 3600) : 600 + Math.floor(random() * 6000));
    if (late) endsLate.add(life.running.detail.executionArn);
    steps.push({ at: start, event: life.running, history: life.histories.running });
    steps.push({ at: end, event: life.succeeded, history: life.histories.succeeded });
  }
  steps.sort((a, b) => a.at - b.at);
  const environment = parseEnvironment('bench', {
    stateMachineNamePrefixes: ['nightly-'],
    destination: { type: 'channel', channel: SCENARIO_CHANNEL },
    runningLongerThan: 'PT2H',
    storm: { threshold: 0 },
  });
  log(`lifecycle: ${runs} long runs against runningLongerThan PT2H`);
  const run = await runScenario({ environment, steps }, { formatter });
  const messages = run.report.channels[SCENARIO_CHANNEL] ?? [];
  let late = 0;
  let once = 0;
  for (const m of messages) {
    const shown = [m.text ?? '', ...m.edits.map((e) => e.text ?? ''), ...m.replies.map((r) => r.text ?? '')];
    const count = shown.filter((t) => /Still running/.test(t)).length;
    if (endsLate.has(executionOf(m))) {
      if (count === 1) once += 1;
    } else if (count > 0) late += 1;
  }
  return { runs, late, once };
}
