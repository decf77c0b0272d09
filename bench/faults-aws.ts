/**
 * The fault matrix's entries for the AWS pieces (issue 21): EventBridge Scheduler refusing CreateSchedule, the
 * message store slow, down or throttled, the formatter Lambda answering late, and a storm whose dead letters are
 * replayed two days later. Each runs on the same local pipelines as the rest of the matrix (bench/faults.ts), the
 * fault injected through the stand-ins a scenario uses (local/stand-ins/dynamodb.ts, scheduler.ts,
 * function-faults.ts).
 */
import type { Example } from '../local/examples.js';
import { renamed } from '../local/examples.js';
import type { Scenario as FaultScenario, World as FaultWorld } from './faults.js';
import { failedExample } from './pipeline.js';

export const AWS_FAULT_NAMES = [
  'schedulerRefuses',
  'storeSlowCalls',
  'storeOutage10min',
  'storeThrottled5min',
  'formatterSlow',
  'stormReplayAfterTwoDays',
] as const;
export type AwsFaultName = (typeof AWS_FAULT_NAMES)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Enough requests that a fault lasts the whole run. */
const ALWAYS = 1_000_000;

/** The example as the start of its run (a RUNNING event: a start notice, and its "still running" check). */
function started(example: Example): Example {
  const { detail } = example.event;
  return {
    ...example,
    event: {
      ...example.event,
      detail: { ...detail, status: 'RUNNING', stopDate: null, error: null, cause: null },
    },
  };
}

/** Every store answers that way until `ms` from now. */
function storeOutage(world: FaultWorld, fail: 'internal_error' | 'throttled', ms: number): void {
  const untilMs = world.clock.now() + ms;
  for (const p of world.pipelines) p.store.injectFault({ fail, count: ALWAYS, untilMs });
}

export function awsFaultScenarios(plan: {
  readonly notifications: number;
  readonly channels: number;
  readonly stormNotifications: number;
}): Record<AwsFaultName, FaultScenario> {
  const n = plan.notifications;
  const c = plan.channels;
  return {
    // Start notices with runningLongerThan: every CreateSchedule refused for a quota (not retried by the Schedule
    // state): each notice is posted at once without its check.
    schedulerRefuses: {
      notifications: n,
      channels: c,
      examples: (names, own) => names.map((name) => started(own(renamed(failedExample(), name), name))),
      pipeline: { lifecycle: { startNotices: true, runningLongerThanSeconds: 7200 } },
      before: (w) => {
        for (const p of w.pipelines) p.scheduler.refuse('quota', ALWAYS);
      },
    },
    // 1 store request in 200 takes 30 s: the client gives up after 2 s and tries again.
    storeSlowCalls: {
      notifications: n,
      channels: c,
      before: (w) => {
        for (const p of w.pipelines)
          p.store.injectFault({ fail: 'slow', count: ALWAYS, seconds: 30, every: 200 });
      },
    },
    storeOutage10min: {
      notifications: n,
      channels: c,
      before: (w) => storeOutage(w, 'internal_error', 10 * MINUTE),
    },
    storeThrottled5min: {
      notifications: n,
      channels: c,
      before: (w) => storeOutage(w, 'throttled', 5 * MINUTE),
    },
    // 1 formatter invocation in 10 answers after 120 s, past the Format task's 65 s: the event-only message.
    formatterSlow: {
      notifications: n,
      channels: c,
      before: (w) => {
        for (const p of w.pipelines)
          p.formatterFaults.inject({ fail: 'slow', count: ALWAYS, seconds: 120, every: 10 });
      },
    },
    // A storm of one state machine into one channel; the channel goes missing after the first minute (its posts
    // are dead-lettered with channel_not_found), is back two days later, and the dead letters are replayed then:
    // DynamoDB TTL has run, the storm digest items (15 days) are still there.
    stormReplayAfterTwoDays: {
      notifications: plan.stormNotifications,
      channels: 1,
      examples: (names) => names.map((name) => renamed(failedExample(), name)),
      spacingMs: Math.floor((5 * MINUTE) / plan.stormNotifications),
      during: async (w) => {
        await w.clock.sleep(MINUTE);
        w.server.removeChannel(w.channelIds[0] as string);
      },
      after: async (w) => {
        await w.clock.sleep(2 * DAY);
        w.server.addChannel({ id: w.channelIds[0] as string, name: 'fault-1' });
        for (const p of w.pipelines) {
          await p.store.expire(w.clock.now());
          p.deadLetterQueue.startMessageMoveTask(p.queue);
        }
        await w.drain();
      },
    },
  };
}
