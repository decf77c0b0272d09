/**
 * Per-channel delivery rate from the Slack server's received timestamps, in sliding 1 s windows. Slack allows
 * about one message a second per channel with short bursts; the local server's token bucket (burst 3, then
 * 1/s) models that, so a 1 s window may hold up to the burst: the sustained rate is measured after it.
 */

/** The most timestamps in any half-open window [t, t + windowMs) that starts at one of them. */
export function maxInWindow(timestamps: readonly number[], windowMs = 1000): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start += 1) {
    const limit = (sorted[start] as number) + windowMs;
    if (end < start) end = start;
    while (end < sorted.length && (sorted[end] as number) < limit) end += 1;
    best = Math.max(best, end - start);
  }
  return best;
}

/**
 * Messages beyond what a token bucket (`burst`, then `perSecond`) allows over any interval between two
 * receipts: 0 when the channel never went over the limit.
 */
export function tokenBucketExcess(timestamps: readonly number[], burst: number, perSecond: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    for (let j = i; j < sorted.length; j += 1) {
      const seconds = ((sorted[j] as number) - (sorted[i] as number)) / 1000;
      const allowed = burst + Math.floor(seconds * perSecond + 1e-9);
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

export interface ChannelRate {
  readonly channel: string;
  readonly messages: number;
  /** Most messages in any 1 s window (a burst the limit allows included). */
  readonly maxPerSecond: number;
  /** Most messages in any 10 s window, per second. */
  readonly maxPer10s: number;
  /** Messages after the first `burst`, per second from the end of that burst to the last message. */
  readonly sustainedPerSecond: number;
  /** See tokenBucketExcess (0 = within the limit). */
  readonly excess: number;
}

/** Rates per channel, busiest first. */
export function channelRates(
  messages: readonly { readonly channel: string; readonly receivedAt: number }[],
  limit: { readonly burst: number; readonly perSecond: number }
): ChannelRate[] {
  const byChannel = new Map<string, number[]>();
  for (const m of messages) {
    const list = byChannel.get(m.channel) ?? [];
    list.push(m.receivedAt);
    byChannel.set(m.channel, list);
  }
  return [...byChannel.entries()]
    .map(([channel, times]) => {
      const sorted = [...times].sort((a, b) => a - b);
      const burstEnd = sorted[Math.min(limit.burst, sorted.length) - 1] as number;
      const last = sorted[sorted.length - 1] as number;
      const after = sorted.length - limit.burst;
      return {
        channel,
        messages: sorted.length,
        maxPerSecond: maxInWindow(sorted, 1000),
        maxPer10s: maxInWindow(sorted, 10_000) / 10,
        sustainedPerSecond: after > 0 && last > burstEnd ? after / ((last - burstEnd) / 1000) : 0,
        excess: tokenBucketExcess(sorted, limit.burst, limit.perSecond),
      };
    })
    .sort((a, b) => b.sustainedPerSecond - a.sustainedPerSecond || a.channel.localeCompare(b.channel));
}

/** How many times each id was delivered: lost = expected ids never seen, duplicated = extra deliveries. */
export function deliveryCounts(
  expectedIds: readonly string[],
  deliveredIds: readonly string[]
): { delivered: number; lost: number; duplicated: number; unexpected: number } {
  const counts = new Map(expectedIds.map((id) => [id, 0]));
  let unexpected = 0;
  for (const id of deliveredIds) {
    const seen = counts.get(id);
    if (seen === undefined) unexpected += 1;
    else counts.set(id, seen + 1);
  }
  let delivered = 0;
  let duplicated = 0;
  for (const n of counts.values()) {
    if (n > 0) delivered += 1;
    if (n > 1) duplicated += n - 1;
  }
  return { delivered, lost: expectedIds.length - delivered, duplicated, unexpected };
}
