/**
 * The delivery's retry budget, computed from deliver.asl.json and deliver-webhook.asl.json themselves: the longest an execution can run must fit
 * in the Express machine's TimeoutSeconds, so a delivery never times out half-way (a timed-out Express execution
 * would leave the Pipe guessing while Slack may have the message).
 *
 * Worst case per state: a Task runs 1 + Σ MaxAttempts attempts of TimeoutSeconds each, plus every backoff at its
 * cap; a Wait its largest delay. Every Slack call starts behind a guard Choice (elapsed ≤ slackBudgetSeconds, else
 * the execution fails and the message returns to the queue), so the longest run is the budget plus the longest
 * stretch after a guard, or the longest stretch from the start to an end that passes no guard.
 */
import { describe, expect, it } from 'vitest';
import { lifecycleSubstitutions } from '../../infra/message-store-schema.js';
import { type Definition, readAsl, type State } from './asl-helpers.js';

const settings = lifecycleSubstitutions({
  startNotices: false,
  replyBroadcast: true,
  runningLongerThanSeconds: 0,
});

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
}

function taskSeconds(name: string, state: State): number {
  const timeout = state.TimeoutSeconds;
  if (typeof timeout !== 'number')
    throw new Error(`${name} has no TimeoutSeconds: its worst case is unbounded`);
  const retriers = (state.Retry as Retrier[] | undefined) ?? [];
  let attempts = 1;
  let backoff = 0;
  for (const r of retriers) {
    const max = r.MaxAttempts ?? 3;
    attempts += max;
    for (let k = 0; k < max; k += 1) {
      const delay = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** k;
      backoff += Math.min(delay, r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    }
  }
  return attempts * timeout + backoff;
}

/** The budget analysis of one delivery definition. */
function budgetOf(file: string) {
  const definition = JSON.parse(readAsl(file)) as Definition & { TimeoutSeconds: number };
  const states = definition.States as Record<string, State>;
  const read = states.Read?.Assign as Record<string, unknown>;
  /** A Wait's bound: its Seconds expression is `$min([<bound>, …])`, the bound a variable or a setting. */
  function waitSeconds(name: string, state: State): number {
    const bound = /^\{% \$min\(\[(.+?), /.exec(String(state.Seconds))?.[1];
    if (bound === '$paceMaxWaitSeconds') return Number(read.paceMaxWaitSeconds);
    if (bound === '$number($config.stormFlushSeconds)') return Number(settings.StormFlushSeconds);
    throw new Error(`${name}: no known upper bound for its Seconds (${String(state.Seconds)})`);
  }

  function stateSeconds(name: string): number {
    const state = states[name] as State;
    if (state.Type === 'Task') return taskSeconds(name, state);
    if (state.Type === 'Wait') return waitSeconds(name, state);
    return 0;
  }

  function successors(state: State): string[] {
    const next = [state.Next, state.Default].filter((n): n is string => typeof n === 'string');
    for (const rule of (state.Choices as Array<{ Next: string }> | undefined) ?? []) next.push(rule.Next);
    for (const c of (state.Catch as Array<{ Next: string }> | undefined) ?? []) next.push(c.Next);
    return next;
  }

  const isGuard = (name: string) =>
    (states[name]?.Choices as Array<{ Condition: string }> | undefined)?.some((r) =>
      r.Condition.includes('$slackBudgetSeconds')
    ) ?? false;

  /** The longest stretch from `start` to an end or the next guard; a state may repeat once (the store's re-read loops). */
  function longestFrom(start: string): { seconds: number; path: string[] } {
    let best = { seconds: 0, path: [] as string[] };
    const visits = new Map<string, number>();
    const walk = (name: string, seconds: number, path: string[]) => {
      const count = visits.get(name) ?? 0;
      if (count >= 2) return;
      visits.set(name, count + 1);
      const total = seconds + stateSeconds(name);
      const here = [...path, name];
      if (total > best.seconds) best = { seconds: total, path: here };
      for (const next of successors(states[name] as State)) {
        if (!isGuard(next)) walk(next, total, here);
      }
      visits.set(name, count);
    };
    walk(start, 0, []);
    return best;
  }

  return { definition, states, read, successors, isGuard, longestFrom };
}

describe.each([
  ['deliver.asl.json', ['Paced', 'Send', 'WhereLost', 'FlushSend']],
  ['deliver-webhook.asl.json', ['Paced']],
])('%s: the retry budget fits the Express timeout', (file, postFrom) => {
  const { definition, states, read, successors, isGuard, longestFrom } = budgetOf(file);
  const budget = Number(read.slackBudgetSeconds);
  const guards = Object.keys(states).filter(isGuard);

  it('every Slack call is behind a guard', () => {
    expect(guards.length).toBeGreaterThan(0);
    for (const [name, state] of Object.entries(states)) {
      if (state.Resource !== 'arn:aws:states:::http:invoke') continue;
      const before = Object.entries(states).filter(([, s]) => successors(s).includes(name));
      // Reached only from pacing (itself behind a guard) or from a guard directly.
      for (const [from] of before) expect([...postFrom, ...guards]).toContain(from);
    }
  });

  it('the worst case (budget + the longest stretch after a guard, or a stretch with no guard) is under TimeoutSeconds', () => {
    const afterGuard = guards.flatMap((g) =>
      successors(states[g] as State)
        .filter((n) => n !== 'OutOfTime')
        .map((n) => longestFrom(n))
    );
    const worstAfter = afterGuard.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const fromStart = longestFrom(definition.StartAt);
    const worst = Math.max(budget + worstAfter.seconds, fromStart.seconds);
    expect(definition.TimeoutSeconds).toBe(240);
    expect(worst, `after a guard: ${worstAfter.path.join(' → ')}`).toBeLessThanOrEqual(
      definition.TimeoutSeconds
    );
    // And the budget leaves room for a usual delivery (a few seconds) many times over.
    expect(budget).toBeGreaterThanOrEqual(30);
  });
});

describe('the budget check', () => {
  it('a task without TimeoutSeconds would make the worst case unbounded (the check can fail)', () => {
    expect(() => taskSeconds('X', { Type: 'Task' })).toThrow(/no TimeoutSeconds/);
    expect(
      taskSeconds('X', {
        Type: 'Task',
        TimeoutSeconds: 10,
        Retry: [{ ErrorEquals: ['a'], MaxAttempts: 2, IntervalSeconds: 2, BackoffRate: 2 }],
      })
    ).toBe(3 * 10 + 2 + 4);
  });
});
