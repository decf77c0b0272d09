/**
 * The delivery's retry budget, computed from deliver.asl.json itself: the longest an execution can run must fit in
 * the Express machine's TimeoutSeconds (and so under the queue's visibility timeout), so a delivery never times
 * out half-way (a timed-out Express execution would leave the Pipe guessing while Slack may have the message).
 *
 * Worst case per Task: 1 + Σ MaxAttempts attempts of TimeoutSeconds each, plus every backoff at its cap. The
 * delivery function starts no Slack call past SLACK_BUDGET_SECONDS (contract/delivery.ts; the execution fails
 * and the message returns to the queue), and asks for no wait past PACE_MAX_WAIT_SECONDS, so the longest run is
 * the budget, then a wait, the webhook URL, the slowest Slack call, the record step, and the slowest way to end
 * (a schedule refused and recorded, a dead letter, a digest's flush queued).
 */
import { describe, expect, it } from 'vitest';
import { PACE_MAX_WAIT_SECONDS, SLACK_BUDGET_SECONDS } from '../../contract/delivery.js';
import { QUEUE_DEFAULTS } from '../../contract/queue.js';
import { type Definition, readAsl, type State } from './asl-helpers.js';

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
}

function taskSeconds(name: string, state: State | undefined): number {
  if (!state) throw new Error(`no state ${name}`);
  const timeout = state.TimeoutSeconds;
  if (typeof timeout !== 'number')
    throw new Error(`${name} has no TimeoutSeconds: its worst case is unbounded`);
  let attempts = 1;
  let backoff = 0;
  for (const r of (state.Retry as Retrier[] | undefined) ?? []) {
    const max = r.MaxAttempts ?? 3;
    attempts += max;
    for (let k = 0; k < max; k += 1) {
      const delay = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** k;
      backoff += r.MaxDelaySeconds === undefined ? delay : Math.min(delay, r.MaxDelaySeconds);
    }
  }
  return attempts * timeout + backoff;
}

const definition = JSON.parse(readAsl('deliver.asl.json')) as Definition;
const states = definition.States as Record<string, State>;
const t = (name: string) => taskSeconds(name, states[name]);

describe('deliver.asl.json: the retry budget fits the Express timeout', () => {
  it('every Task has a timeout', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') expect(typeof state.TimeoutSeconds, name).toBe('number');
    }
  });

  it('budget + wait + webhook URL + slowest Slack call + record + slowest end < TimeoutSeconds < visibility timeout', () => {
    const slack = Math.max(t('Post'), t('Edit'), t('LookUp'));
    const end = Math.max(t('Schedule') + t('Record'), t('DeadLetter'), t('Digest'));
    const worst = SLACK_BUDGET_SECONDS + PACE_MAX_WAIT_SECONDS + t('WebhookUrl') + slack + t('Record') + end;
    const timeout = definition.TimeoutSeconds as number;
    expect(worst).toBeLessThan(timeout);
    expect(timeout).toBeLessThan(QUEUE_DEFAULTS.visibilityTimeoutSeconds);
  });

  it('the computation sees a change: one more retry on the slowest call would break it', () => {
    const edit = states.Edit as State;
    const more = {
      ...edit,
      Retry: [...((edit.Retry as Retrier[]) ?? []), { ErrorEquals: ['States.ALL'], MaxAttempts: 6 }],
    };
    expect(taskSeconds('Edit', more)).toBeGreaterThan(t('Edit') + 60);
  });
});
