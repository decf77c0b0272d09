/**
 * The fault matrix's Slack entries beyond issue 10's (issue 21): Slack refusing edits, archiving a channel during a
 * storm, `ratelimited` on HTTP 200, hanging requests, and chat.update's Tier 3 limit with start notices on. Each
 * fault is the scenario step's (local/slack-faults.ts), so a scenario and the matrix inject the same thing.
 */
import type { StatusChangeEvent } from '../contract/formatter.js';
import { deduplicationId } from '../formatters/formatter/handler.js';
import { renamed } from '../local/examples.js';
import type { LocalPipeline } from '../local/pipeline.js';
import { type SlackFaultStep, slackFault } from '../local/slack-faults.js';
import type { SlackServer } from '../local/slack-server/index.js';
import type { FaultPlan, Scenario, World } from './faults.js';
import { failedExample } from './pipeline.js';

export const SLACK_FAULT_NAMES = [
  'slackMsgTooLong',
  'slackEditRefused',
  'slackMessageDeleted',
  'channelArchivedThenReplay',
  'slackRatelimitedOk',
  'slackHang',
  'chatUpdateTier3',
  'chatUpdateTier3TenStacks',
] as const;
export type SlackFaultName = (typeof SLACK_FAULT_NAMES)[number];

const MINUTE = 60_000;
/** How long each fault lasts: the "a fault that lasts 5 minutes". */
export const SLACK_FAULT_MS = 5 * MINUTE;
/**
 * The entries with start notices: 200 executions over 10 channels, each RUNNING (its message posted) and then done
 * 10 minutes later (an edit and a thread reply), as the issue measured chat.update's limit.
 */
export const START_NOTICE_LIMITS = { notifications: 200, channels: 10, runningMs: 10 * MINUTE } as const;

/** The RUNNING event of an execution whose result is `event`. */
export function runningEvent(event: StatusChangeEvent): StatusChangeEvent {
  return {
    ...event,
    detail: { ...event.detail, status: 'RUNNING', stopDate: null, error: null, cause: null },
  } as StatusChangeEvent;
}

/** The deduplication id a post carries in its metadata (channel mode). */
const dedupOf = (body: Record<string, unknown>): string | undefined => {
  const metadata = (typeof body.metadata === 'string' ? JSON.parse(body.metadata) : body.metadata) as
    | { event_payload?: { dedup?: unknown } }
    | undefined;
  const dedup = metadata?.event_payload?.dedup;
  return typeof dedup === 'string' ? dedup : undefined;
};

/**
 * With start notices, what reached Slack for each result: delivered when a post (a parent or a thread reply)
 * carries the result's deduplication id, lost when neither posted nor in a dead letter; duplicated counts every
 * id (RUNNING or result) posted more than once.
 */
export function resultsPosted(
  server: SlackServer,
  notifications: readonly { readonly event: StatusChangeEvent }[],
  deadLetterBodies: readonly string[]
): { delivered: number; lost: number; duplicated: number } {
  const posted = new Map<string, number>();
  for (const m of server.messages()) {
    const dedup = dedupOf(m.body);
    if (dedup) posted.set(dedup, (posted.get(dedup) ?? 0) + 1);
  }
  const results = notifications.map(({ event }) =>
    deduplicationId(
      event.detail.executionArn,
      event.detail.status,
      (event.detail as { redriveCount?: number }).redriveCount ?? 0
    )
  );
  const delivered = results.filter((d) => posted.has(d)).length;
  const lost = results.filter((d) => !posted.has(d) && !deadLetterBodies.some((b) => b.includes(d))).length;
  const duplicated = [...posted.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  return { delivered, lost, duplicated };
}

/** The scenario step's fault, from now for SLACK_FAULT_MS on the simulated clock. */
function injectFor(world: World, step: Omit<SlackFaultStep, 'seconds'>): void {
  world.server.injectFault(slackFault({ ...step, seconds: SLACK_FAULT_MS / 1000 }, world.clock.now()));
}

/** With start notices, the fault begins with the first result (the RUNNING messages are out by then). */
const atFirstResult =
  (step: Omit<SlackFaultStep, 'seconds'>) =>
  async (world: World): Promise<void> => {
    await world.clock.sleep(START_NOTICE_LIMITS.runningMs);
    injectFor(world, step);
  };

async function replayAll(world: World): Promise<void> {
  for (const p of world.pipelines as LocalPipeline[]) p.deadLetterQueue.startMessageMoveTask(p.queue);
  await world.drain();
}

/**
 * Start notices on, 200 executions (at most) over 10 channels of one environment (one message store), all at once or
 * spread over `spreadMs`.
 */
const withStartNotices = (
  plan: Required<FaultPlan>,
  spreadMs: number,
  during?: Scenario['during']
): Scenario => {
  const notifications = Math.min(plan.notifications, START_NOTICE_LIMITS.notifications);
  return {
    notifications,
    channels: Math.min(plan.channels, START_NOTICE_LIMITS.channels),
    spacingMs: Math.floor(spreadMs / notifications),
    startNotices: { runningMs: START_NOTICE_LIMITS.runningMs },
    oneStack: true,
    ...(during ? { during } : {}),
  };
};

export function slackScenarios(plan: Required<FaultPlan>): Record<SlackFaultName, Scenario> {
  const n = plan.notifications;
  const c = plan.channels;
  return {
    // Every edit refused as too long for 5 minutes (the plain-text and the shorter edit too): the thread reply
    // still goes out.
    slackMsgTooLong: withStartNotices(
      plan,
      SLACK_FAULT_MS,
      atFirstResult({ fail: 'msg_too_long', method: 'chat.update' })
    ),
    // Edits refused (a message this app may not edit): the news goes out as a broadcast thread reply.
    slackEditRefused: withStartNotices(plan, SLACK_FAULT_MS, atFirstResult({ fail: 'cant_update_message' })),
    // The RUNNING messages deleted as their edits come (message_not_found): each result is posted anew.
    slackMessageDeleted: withStartNotices(plan, SLACK_FAULT_MS, atFirstResult({ fail: 'message_not_found' })),
    // A storm of 500 failures of one state machine into one channel, archived for its 5 minutes; the channel is
    // unarchived and the dead letters replayed at once (issue 21's two-day wait needs the clock to jump: not here).
    channelArchivedThenReplay: {
      notifications: plan.stormNotifications,
      channels: 1,
      examples: (names) => names.map((name) => renamed(failedExample(), name)),
      spacingMs: Math.floor(SLACK_FAULT_MS / plan.stormNotifications),
      during: async (w) => {
        const channel = w.channelIds[0] as string;
        w.server.setArchived(channel, true);
        await w.clock.sleep(SLACK_FAULT_MS);
        w.server.setArchived(channel, false);
      },
      after: replayAll,
    },
    // `ratelimited` with HTTP 200 on every call for 5 minutes.
    slackRatelimitedOk: {
      notifications: n,
      channels: c,
      before: (w) => injectFor(w, { fail: 'ratelimited_ok_false' }),
    },
    // Every call held unanswered past the HTTP Task's timeout for 5 minutes.
    slackHang: {
      notifications: n,
      channels: c,
      before: (w) => injectFor(w, { fail: 'hang' }),
    },
    // No fault: 200 results at once, each an edit under chat.update's Tier 3 limit (about 50 a minute).
    chatUpdateTier3: withStartNotices(plan, 0),
    // The same with a stack per channel: ten message stores pace their edits apart, and share Slack's one limit.
    chatUpdateTier3TenStacks: { ...withStartNotices(plan, 0), oneStack: false },
  };
}
