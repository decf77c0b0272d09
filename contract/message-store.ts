/**
 * The message store's shape and timings, shared by the CDK construct (infra/constructs/message-store.ts), the
 * delivery definition's substitutions and the local pipeline. Dependency-free.
 *
 * One item per destination and execution: partition key `pk` = the channel as configured (or `webhook`), sort key
 * `sk` = the execution ARN. Other item kinds can share a channel's partition with their own sort-key prefix
 * (a storm digest `storm#<state machine>#<window>`, a pacing slot `pace`) without a new table.
 */

export const STORE_KEY = { partition: 'pk', sort: 'sk' } as const;
/** Epoch seconds; DynamoDB TTL deletes the item some time after. */
export const STORE_TTL_ATTRIBUTE = 'expiresAt';

const DAY = 86_400;
/** Kept this long after a final status: a duplicate or replay arriving within it is still recognised. */
export const ENDED_RETENTION_SECONDS = 30 * DAY;
/** Kept this long while running: a Standard execution runs for at most a year (plus redrives within 14 days). */
export const RUNNING_RETENTION_SECONDS = 400 * DAY;
/** A message delivered longer than this after the run ended says "Delayed: the run ended at …". */
export const DELAYED_AFTER_SECONDS = 15 * 60;

/** The Slack Web API methods the channel mode calls, and how (the delivery role may call nothing else). */
export const SLACK_API_METHODS = [
  { url: 'https://slack.com/api/chat.postMessage', method: 'POST', scope: 'chat:write' },
  { url: 'https://slack.com/api/chat.update', method: 'POST', scope: 'chat:write' },
  {
    url: 'https://slack.com/api/conversations.history',
    method: 'GET',
    scope: 'channels:history (groups:history for a private channel)',
  },
  {
    url: 'https://slack.com/api/conversations.replies',
    method: 'GET',
    scope: 'channels:history (groups:history for a private channel)',
  },
] as const;

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Seconds in an ISO 8601 duration of days, hours, minutes and seconds (`PT2H`, `P1DT30M`); undefined when the
 * text is not one or is zero. Years, months and weeks are refused: their length in seconds is ambiguous.
 */
export function isoDurationSeconds(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  const total = days * DAY + hours * 3600 + minutes * 60 + seconds;
  return total > 0 ? total : undefined;
}

/** `2 h`, `1 d 6 h`, `45 min`: how the "still running after …" line says a duration. */
export function durationText(totalSeconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(totalSeconds);
  for (const [unit, size] of [
    ['d', DAY],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${unit}`);
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

/** Delivery-definition settings of the lifecycle, as DefinitionSubstitutions (plain strings). */
export interface LifecycleSettings {
  /** Post a "running" message at the start. */
  readonly startNotices: boolean;
  /** Show failure replies in the channel too. */
  readonly replyBroadcast: boolean;
  /** 0: no runningLongerThan checks. */
  readonly runningLongerThanSeconds: number;
  /** 0: no storm digests. @default STORM_THRESHOLD */
  readonly stormThreshold?: number;
  /** @default STORM_WINDOW_SECONDS */
  readonly stormWindowSeconds?: number;
}

/**
 * Pacing: every chat.postMessage to a channel takes a slot from a per-channel token bucket kept in the store (the
 * `pace` item). Slack allows about one message a second per channel with short bursts: a burst of
 * PACE_BURST posts, then one every PACE_INTERVAL_MS.
 */
export const PACE_INTERVAL_MS = 1000;
export const PACE_BURST = 3;
/** The pacing item's sort key in a channel's partition (or the webhook's). */
export const PACE_SORT_KEY = 'pace';

/** Storm digests: more than STORM_THRESHOLD new executions of one state machine in a channel within the window. */
export const STORM_THRESHOLD = 5;
export const STORM_WINDOW_SECONDS = 5 * 60;
/** A digest's thread gets the executions appended since the last flush, at most this often. */
export const STORM_FLUSH_SECONDS = 10;
/**
 * The executions one digest lists. The storm's next ones start a new digest (`…#<window start>#<page>`, a new
 * message): a digest item holds each line (up to about 1 KB with a long escaped name) and id, and DynamoDB items
 * stop at 400 KB, so a storm that never pauses must not grow one item for ever.
 */
export const STORM_DIGEST_MAX_ENTRIES = 300;
/**
 * A storm's counting item is `<prefix><state machine ARN>`; its digests `<prefix><state machine ARN>#<window start>`,
 * then `…#<window start>#<page>` past STORM_DIGEST_MAX_ENTRIES executions.
 */
export const STORM_SORT_KEY_PREFIX = 'storm#';
/**
 * Webhook mode: a webhook message cannot be edited or threaded, so a storm's digest is a new post listing the
 * notifications since the last one, at most this often per state machine (a 5-minute storm: the first
 * STORM_THRESHOLD posts, then about five digests).
 */
export const WEBHOOK_STORM_FLUSH_SECONDS = 60;
/**
 * Webhook mode: the listed notifications a digest post may carry, in characters. Slack truncates a message's
 * text past 40,000 characters; the rest is room for the digest's header. A flush that does not fit is split.
 */
export const WEBHOOK_DIGEST_MAX_CHARS = 36_000;

/**
 * Mute holds (the notifier): the notifications a mute holds are counted on one item per watched state machine and
 * mute, partition `<MUTE_PARTITION_PREFIX><state machine ARN>`, sort key the `sfn-slack:mute-until` tag value
 * (a new or longer mute starts a new count). `held` is added to atomically; `summarized` is set once, by the run
 * that posts the summary. The notifier role may touch only partitions with this prefix (dynamodb:LeadingKeys).
 */
export const MUTE_PARTITION_PREFIX = 'mute#';
/** A mute's count item is kept this long after the mute's end (the summary is claimed right at the end). */
export const MUTE_RETENTION_SECONDS = DAY;

/** The notifier definition's substitutions for the mute count (besides TableName). */
export function muteSubstitutions(): Record<string, string> {
  return {
    MutePartitionPrefix: MUTE_PARTITION_PREFIX,
    MuteRetentionSeconds: String(MUTE_RETENTION_SECONDS),
  };
}

export function lifecycleSubstitutions(settings: LifecycleSettings): Record<string, string> {
  return {
    StartNotices: String(settings.startNotices),
    ReplyBroadcast: String(settings.replyBroadcast),
    RunningLongerThanSeconds: String(settings.runningLongerThanSeconds),
    RunningLongerThanText:
      settings.runningLongerThanSeconds > 0 ? durationText(settings.runningLongerThanSeconds) : '',
    DelayedAfterSeconds: String(DELAYED_AFTER_SECONDS),
    EndedRetentionSeconds: String(ENDED_RETENTION_SECONDS),
    RunningRetentionSeconds: String(RUNNING_RETENTION_SECONDS),
    PaceIntervalMs: String(PACE_INTERVAL_MS),
    PaceBurst: String(PACE_BURST),
    StormThreshold: String(settings.stormThreshold ?? STORM_THRESHOLD),
    StormWindowSeconds: String(settings.stormWindowSeconds ?? STORM_WINDOW_SECONDS),
    StormFlushSeconds: String(STORM_FLUSH_SECONDS),
    StormDigestMaxEntries: String(STORM_DIGEST_MAX_ENTRIES),
    PaceSortKey: PACE_SORT_KEY,
    StormSortKeyPrefix: STORM_SORT_KEY_PREFIX,
    WebhookStormFlushSeconds: String(WEBHOOK_STORM_FLUSH_SECONDS),
    WebhookDigestMaxChars: String(WEBHOOK_DIGEST_MAX_CHARS),
  };
}

/**
 * The substitutions whose `${Name}` placeholder the definition text holds: the webhook machine uses part of the
 * store's settings, and a DefinitionSubstitutions entry no placeholder uses is a deploy-time mistake locally.
 */
export function substitutionsUsedBy(
  definition: string,
  substitutions: Readonly<Record<string, string>>
): Record<string, string> {
  const used = new Set([...definition.matchAll(/\$\{([^{}]+)\}/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(substitutions).filter(([name]) => used.has(name)));
}

/** The formatter Lambda's environment variable naming the message store table (the mute counts live there). */
export const MESSAGE_STORE_TABLE_ENV = 'SFN_SLACK_MESSAGE_TABLE';
/** How long a held notification waits before the formatter reads the mute tag again. */
export const MUTE_RECHECK_SECONDS = 15 * 60;
