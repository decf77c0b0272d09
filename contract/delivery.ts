/**
 * The delivery function's configuration (formatters/delivery/): one JSON environment variable the stack and the
 * local pipeline fill from the same settings, so the Lambda never guesses a default the definition disagrees
 * with. Dependency-free.
 */
import { STORM_THRESHOLD, STORM_WINDOW_SECONDS } from './message-store.js';

/** The environment variable holding `DeliveryConfig` as JSON. */
export const DELIVERY_CONFIG_ENV = 'SFN_SLACK_DELIVERY';

/** How the delivery reaches Slack: a bot token (channel mode) or an incoming webhook. */
export type DeliveryTransport = 'channel' | 'webhook';

export interface DeliveryConfig {
  /** The message store (contract/message-store.ts). */
  readonly tableName: string;
  readonly transport: DeliveryTransport;
  /** Channels the environment posts to (channel mode; defence in depth). Empty in webhook mode. */
  readonly allowedChannels: readonly string[];
  /** Post a "running" message at the start. */
  readonly startNotices: boolean;
  /** Failure replies are also shown in the channel. */
  readonly replyBroadcast: boolean;
  /** 0: no "still running" checks. */
  readonly runningLongerThanSeconds: number;
  /** The environment's mention for a "still running" check that carries none. */
  readonly mention: string;
  /** 0: no storm digests. @default STORM_THRESHOLD */
  readonly stormThreshold: number;
  /** @default STORM_WINDOW_SECONDS */
  readonly stormWindowSeconds: number;
  /** The delivery queue (the target of the schedules the delivery creates). */
  readonly queueArn: string;
  /** The schedule group and the role EventBridge Scheduler sends with. */
  readonly scheduleGroup: string;
  readonly schedulerRoleArn: string;
}

export interface DeliveryConfigInput {
  readonly tableName: string;
  readonly transport: DeliveryTransport;
  readonly allowedChannels?: readonly string[];
  readonly startNotices?: boolean;
  readonly replyBroadcast?: boolean;
  readonly runningLongerThanSeconds?: number;
  readonly mention?: string;
  readonly stormThreshold?: number;
  readonly stormWindowSeconds?: number;
  readonly queueArn: string;
  readonly scheduleGroup: string;
  readonly schedulerRoleArn: string;
}

/** The configuration with the documented defaults filled in. */
export function deliveryConfig(input: DeliveryConfigInput): DeliveryConfig {
  return {
    tableName: input.tableName,
    transport: input.transport,
    allowedChannels: input.transport === 'webhook' ? [] : [...(input.allowedChannels ?? [])],
    startNotices: input.startNotices ?? false,
    replyBroadcast: input.replyBroadcast ?? true,
    runningLongerThanSeconds: input.runningLongerThanSeconds ?? 0,
    mention: input.mention ?? '',
    stormThreshold: input.stormThreshold ?? STORM_THRESHOLD,
    stormWindowSeconds: input.stormWindowSeconds ?? STORM_WINDOW_SECONDS,
    queueArn: input.queueArn,
    scheduleGroup: input.scheduleGroup,
    schedulerRoleArn: input.schedulerRoleArn,
  };
}

/**
 * The actions the decision step returns; the definition's `Action` Choice routes each to the state of the same
 * name, so the console shows the decision as the path taken.
 */
export const DELIVERY_ACTIONS = [
  'Post',
  'Edit',
  'LookUp',
  'Schedule',
  'Digest',
  'DeadLetter',
  'Duplicate',
  'Stale',
  'Done',
  'Failed',
] as const;
export type DeliveryAction = (typeof DELIVERY_ACTIONS)[number];

/**
 * Every Slack call starts within this many seconds of the execution's start, so retries and waits end inside the
 * Express timeout; past it the message returns to the queue (the claim makes the retry look before posting).
 */
export const SLACK_BUDGET_SECONDS = 60;
/** The longest pacing wait the decision asks for. */
export const PACE_MAX_WAIT_SECONDS = 30;
/**
 * chat.update is limited per workspace (Tier 3, about 50 a minute): edits take a slot of one workspace-wide
 * bucket, one every this many milliseconds after a short burst.
 */
export const EDIT_PACE_INTERVAL_MS = 1200;
export const EDIT_PACE_BURST = 5;
/** The edit bucket's item: partition and sort key. */
export const EDIT_PACE_KEY = { pk: 'workspace', sk: 'pace#chat.update' } as const;
/**
 * The lost-answer look-up reads at most this many messages: Slack serves conversations.history/replies at
 * 15 messages (1 request a minute) to apps distributed outside the Slack Marketplace (reference: Slack's
 * 2025 rate-limit change for non-Marketplace apps).
 */
export const LOOKUP_LIMIT = 15;
