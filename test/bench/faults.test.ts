import { describe, expect, it } from 'vitest';
import {
  checkFaultTargets,
  FAULT_NAMES,
  type FaultEntry,
  type FaultName,
  faultMatrix,
  faultNamesOf,
  mergeFaultRun,
} from '../../bench/faults.js';

const FIELDS = [
  'notifications',
  'delivered',
  'lost',
  'duplicated',
  'deadLettered',
  'orderKept',
  'http429',
  'slackPosts',
  'maxPerChannelPerSecond',
  'drainSeconds',
  'alarms',
];

const good: FaultEntry = {
  notifications: 500,
  delivered: 500,
  lost: 0,
  duplicated: 0,
  deadLettered: 0,
  orderKept: true,
  http429: 25,
  slackPosts: 500,
  maxPerChannelPerSecond: 1,
  drainSeconds: 60,
};
type Entries = Partial<Record<FaultName, FaultEntry>>;
const allGood = Object.fromEntries(FAULT_NAMES.map((n) => [n, good])) as Entries;
const atLimits: {
  entries: Entries;
  poisonHoldSeconds: number;
  stormChannelMessages: number;
  webhookStormChannelMessages: number;
} = {
  entries: allGood,
  poisonHoldSeconds: 60,
  stormChannelMessages: 10,
  webhookStormChannelMessages: 10,
};

describe('fault targets', () => {
  it('pass exactly at their limits', () => {
    expect(checkFaultTargets(atLimits).filter((t) => !t.pass)).toEqual([]);
  });

  it('each misses just over its limit', () => {
    const over: Array<[string, Partial<typeof atLimits>]> = [
      ['lost-duplicated', { entries: { ...atLimits.entries, slackDown: { ...good, lost: 1 } } }],
      ['baseline-429', { entries: { ...atLimits.entries, baseline: { ...good, http429: 26 } } }],
      [
        'per-channel-rate',
        {
          entries: { ...atLimits.entries, storm: { ...good, maxPerChannelPerSecond: 1.01 } },
        },
      ],
      ['poison-hold', { poisonHoldSeconds: 61 }],
      ['storm', { entries: { ...atLimits.entries, storm: { ...good, delivered: 499 } } }],
      ['storm', { stormChannelMessages: 11 }],
      [
        'webhook-baseline-429',
        { entries: { ...atLimits.entries, webhookBaseline: { ...good, http429: 26 } } },
      ],
      ['webhook-storm', { entries: { ...atLimits.entries, webhookStorm: { ...good, delivered: 499 } } }],
      ['webhook-storm', { webhookStormChannelMessages: 11 }],
    ];
    for (const [id, change] of over) {
      const missed = checkFaultTargets({ ...atLimits, ...change }).filter((t) => !t.pass);
      expect(missed.map((t) => t.id)).toEqual([id]);
    }
  });

  it('fail when the matrix lacks entries', () => {
    const { baseline: _b, storm: _s, webhookBaseline: _wb, webhookStorm: _ws, ...rest } = atLimits.entries;
    const missed = checkFaultTargets({
      entries: rest,
      poisonHoldSeconds: Number.NaN,
      stormChannelMessages: Number.NaN,
      webhookStormChannelMessages: Number.NaN,
    }).filter((t) => !t.pass);
    expect(missed.map((t) => t.id)).toEqual([
      'lost-duplicated',
      'baseline-429',
      'poison-hold',
      'storm',
      'webhook-baseline-429',
      'webhook-storm',
    ]);
  });
});

describe('the fault matrix on the local pipeline (a small plan)', () => {
  it('measures each entry with exactly the issue’s fields, and the notifier never drops on its faults', async () => {
    const run = await faultMatrix({ notifications: 4, channels: 2, stormNotifications: 6 }, undefined, [
      'baseline',
      'formatterThrows',
      'historyDeleted',
      'poisonMessages',
      'webhookBaseline',
      'webhookStorm',
    ]);
    for (const entry of Object.values(run.entries)) {
      expect(Object.keys(entry)).toEqual(FIELDS);
      expect(entry.delivered + entry.lost).toBeLessThanOrEqual(entry.notifications);
      expect(entry.slackPosts).toBeGreaterThanOrEqual(entry.delivered);
    }
    // The notifier's own faults degrade to a message built from the event: nothing is lost.
    for (const name of ['baseline', 'formatterThrows', 'historyDeleted'] as const) {
      expect(run.entries[name]).toMatchObject({ notifications: 4, delivered: 4, lost: 0, deadLettered: 0 });
    }
    // Three bodies that are not delivery messages end in the dead-letter queue at once; the good ones go out
    // within the minute.
    expect(run.entries.poisonMessages).toMatchObject({ delivered: 4, lost: 0, deadLettered: 3 });
    expect(run.poisonHoldSeconds).toBeGreaterThanOrEqual(0);
    expect(run.poisonHoldSeconds).toBeLessThanOrEqual(60);
    // Webhook mode: every notification posted once; the storm's 6th of one state machine waits for the digest
    // post a minute later (the first five went out on their own), so the channel shows six messages.
    expect(run.entries.webhookBaseline).toMatchObject({
      delivered: 4,
      lost: 0,
      duplicated: 0,
      deadLettered: 0,
    });
    expect(run.entries.webhookStorm).toMatchObject({ delivered: 6, lost: 0, duplicated: 0, slackPosts: 6 });
    expect(run.webhookStormChannelMessages).toBe(6);
    expect(run.entries.webhookStorm?.drainSeconds).toBeGreaterThanOrEqual(60);
  }, 60_000);
});

describe('the Slack fault entries (bench/faults-slack.ts, a small plan)', () => {
  it('lose nothing and say nothing twice: edits refused, a channel archived then replayed, Slack hanging', async () => {
    const run = await faultMatrix({ notifications: 4, channels: 2, stormNotifications: 6 }, undefined, [
      'chatUpdateTier3',
      'slackEditRefused',
      'channelArchivedThenReplay',
      'slackHang',
    ]);
    for (const [name, entry] of Object.entries(run.entries)) {
      expect(Object.keys(entry), name).toEqual(FIELDS);
      expect(entry, name).toMatchObject({ lost: 0, duplicated: 0 });
      expect(entry.notifications, name).toBeGreaterThanOrEqual(4);
      expect(entry.delivered, name).toBe(entry.notifications);
    }
    // Start notices on, one environment: every result is an edit under the workspace bucket, never a 429.
    expect(run.entries.chatUpdateTier3).toMatchObject({ http429: 0, deadLettered: 0 });
    // RUNNING posts, then an edit and a reply per result.
    expect(run.entries.chatUpdateTier3?.slackPosts).toBe(12);
    // Archived for 5 minutes: each failure dead-lettered at once, replayed after the fix, none left.
    expect(run.entries.channelArchivedThenReplay?.deadLettered).toBe(0);
    // A 5-minute hang: delivered within 10 minutes of the first notification.
    expect(run.entries.slackHang?.drainSeconds).toBeGreaterThan(300);
    expect(run.entries.slackHang?.drainSeconds).toBeLessThanOrEqual(600);
  }, 120_000);
});

describe('the AWS entries of the fault matrix (issue 21, a small plan)', () => {
  it('lose nothing, say nothing twice, and fire the alarm only where news waits', async () => {
    const run = await faultMatrix({ notifications: 4, channels: 2, stormNotifications: 8 }, undefined, [
      'schedulerRefuses',
      'storeOutage10min',
      'storeThrottled5min',
      'formatterSlow',
      'stormReplayAfterTwoDays',
    ]);
    for (const [name, entry] of Object.entries(run.entries)) {
      expect(Object.keys(entry), name).toEqual(FIELDS);
      expect(entry, name).toMatchObject({ lost: 0, duplicated: 0, deadLettered: 0 });
      expect(entry.delivered, name).toBe(entry.notifications);
    }
    // The news goes out on time: no alarm.
    expect(run.entries.schedulerRefuses?.alarms).toEqual([]);
    expect(run.entries.formatterSlow?.alarms).toEqual([]);
    // A 10-minute store outage: the delivery alarm within the first 5 minutes, the stalled queue after.
    expect(run.entries.storeOutage10min?.alarms?.[0]).toEqual({
      name: 'DeliveryFailedAlarm',
      afterSeconds: 300,
    });
    expect(run.entries.storeOutage10min?.alarms?.map((a) => a.name)).toContain('QueueStalledAlarm');
    // 5 minutes of throttling: everything delivered within 10 minutes.
    expect(run.entries.storeThrottled5min?.drainSeconds).toBeLessThanOrEqual(600);
    // The storm's dead letters, replayed two days later, all delivered (the dead-letter alarm fired meanwhile).
    expect(run.entries.stormReplayAfterTwoDays?.alarms?.map((a) => a.name)).toContain(
      'DeadLetterQueueNotEmptyAlarm'
    );
    expect(run.entries.stormReplayAfterTwoDays?.drainSeconds).toBeGreaterThan(2 * 86_400);
  }, 120_000);
});

describe('npm run bench:faults', () => {
  it('takes fault names from the command line (none: all) and refuses an unknown one with the list', () => {
    expect(faultNamesOf([])).toEqual([...FAULT_NAMES]);
    expect(faultNamesOf(['webhookStorm', 'baseline'])).toEqual(['webhookStorm', 'baseline']);
    expect(() => faultNamesOf(['webhookStrom'])).toThrow(
      /unknown fault webhookStrom: choose among baseline, /
    );
  });

  it('merges the entries it ran into the last run and checks the targets over the merged matrix', () => {
    const previous = {
      date: 'then',
      faults: { ...allGood, webhookStorm: { ...good, delivered: 499 } },
      faultRun: {
        plan: { notifications: 500, channels: 10, stormNotifications: 500, seed: 1 },
        clock: 'simulated',
        poisonHoldSeconds: 1,
        stormChannelMessages: 6,
        webhookStormChannelMessages: 12,
      },
    };
    const run = {
      plan: previous.faultRun.plan,
      clock: 'simulated',
      entries: { webhookStorm: good },
      poisonHoldSeconds: Number.NaN,
      stormChannelMessages: Number.NaN,
      webhookStormChannelMessages: 10,
    };
    const merged = mergeFaultRun(previous, run);
    expect(merged.date).toBe('then');
    expect(merged.faults.webhookStorm).toEqual(good);
    expect(merged.faults.baseline).toEqual(good);
    // Figures of entries not run stay; the ones measured replace them.
    expect(merged.faultRun).toMatchObject({
      poisonHoldSeconds: 1,
      stormChannelMessages: 6,
      webhookStormChannelMessages: 10,
    });
    expect(merged.faultTargets.filter((t) => !t.pass)).toEqual([]);
    expect(
      mergeFaultRun(previous, { ...run, entries: {} }).faultTargets.find((t) => t.id === 'webhook-storm')
        ?.pass
    ).toBe(false);
  });
});
