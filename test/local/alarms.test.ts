import { describe, expect, it } from 'vitest';
import {
  ALARM_NAMES,
  ALARM_PERIOD_SECONDS,
  DEFAULT_STALLED_QUEUE_AGE_SECONDS,
} from '../../contract/alarms.js';
import { type AlarmObservations, firedAlarms } from '../../local/alarms.js';

const START = Date.UTC(2026, 10, 24, 2, 0);
const s = (seconds: number) => START + seconds * 1000;
const none: AlarmObservations = {
  deliveryFailures: [],
  notifierFailures: [],
  queueMessages: [],
  deadLetters: [],
};

describe('the alarms a local run would fire', () => {
  it('none when nothing failed and no message waited', () => {
    expect(firedAlarms({ ...none, queueMessages: [{ sentAt: s(0), goneAt: s(299) }] }, START)).toEqual([]);
  });

  it('a failed delivery fires DeliveryFailedAlarm when its 5-minute period ends', () => {
    const [alarm, ...others] = firedAlarms({ ...none, deliveryFailures: [s(301)] }, START);
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({
      name: ALARM_NAMES.deliveryFailed,
      afterSeconds: 2 * ALARM_PERIOD_SECONDS,
      firesAt: new Date(s(600)).toISOString(),
    });
  });

  it('a message older than the stalled-queue age fires QueueStalledAlarm at the end of the period of the first minute sample past it', () => {
    // Sent at 100 s: older than 300 s from 400 s on; the next minute sample is 420 s, in the period ending at 600 s.
    const stalled = firedAlarms({ ...none, queueMessages: [{ sentAt: s(100) }] }, START);
    expect(stalled).toEqual([expect.objectContaining({ name: ALARM_NAMES.queueStalled, afterSeconds: 600 })]);
    // Delivered before that sample: no alarm; a custom age moves the breach.
    expect(firedAlarms({ ...none, queueMessages: [{ sentAt: s(100), goneAt: s(420) }] }, START)).toEqual([]);
    const custom = firedAlarms(
      { ...none, queueMessages: [{ sentAt: s(100), goneAt: s(1000) }], stalledQueueAgeSeconds: 600 },
      START
    );
    expect(custom[0]?.afterSeconds).toBe(900);
    expect(DEFAULT_STALLED_QUEUE_AGE_SECONDS).toBe(300);
  });

  it('a dead letter and a failed notifier each fire theirs; the alarms come soonest first, each once', () => {
    const alarms = firedAlarms(
      {
        ...none,
        deadLetters: [{ sentAt: s(1000) }, { sentAt: s(10) }],
        notifierFailures: [s(700), s(710)],
        deliveryFailures: [s(5), s(6), s(2000)],
      },
      START
    );
    expect(alarms.map((a) => [a.name, a.afterSeconds])).toEqual([
      [ALARM_NAMES.deliveryFailed, 300],
      [ALARM_NAMES.deadLetterQueueNotEmpty, 300],
      [ALARM_NAMES.notifierFailed, 900],
    ]);
  });
});
