/**
 * The daily digest (issue 24): its settings, validated; which destinations get one and which machines each sums
 * up; the schedule's cron expression; the message's deduplication id. Shared by the settings parser, the stack
 * (infra/constructs/digest.ts), the formatter's `digest` operation and the CLI.
 */
import { ConfigError } from './errors.js';
import type { Route, RouteDestination } from './routes.js';

export const DIGEST_QUIET = ['line', 'skip'] as const;
/** A quiet day (no failure, nothing running long): one short line, or no message at all. */
export type DigestQuiet = (typeof DIGEST_QUIET)[number];

/** `digest` on an environment or a route. */
export interface DigestSettings {
  /** Local time of day, `HH:MM` (24 h). */
  readonly at: string;
  /** IANA time zone the time is in, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** @default 'line' */
  readonly quiet: DigestQuiet;
}

/** The hours a digest sums up, before the time it is sent. */
export const DIGEST_WINDOW_HOURS = 24;

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the runtime knows `zone` as an IANA time zone (as EventBridge Scheduler's `ScheduleExpressionTimezone`). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates a `digest` value; `where` names it in the error. */
export function parseDigest(where: string, raw: unknown): DigestSettings {
  if (!isRecord(raw)) {
    throw new ConfigError(`${where} must be an object like {"at": "09:00", "timeZone": "Europe/Berlin"}`);
  }
  for (const key of Object.keys(raw)) {
    if (!['at', 'timeZone', 'quiet'].includes(key)) {
      throw new ConfigError(`${where}.${key} is not a digest setting; use at, timeZone, quiet`);
    }
  }
  if (typeof raw.at !== 'string' || !TIME_OF_DAY.test(raw.at)) {
    throw new ConfigError(
      `${where}.at is ${JSON.stringify(raw.at)}; use a time of day as HH:MM on 24 hours, like "09:00" or "17:30"`
    );
  }
  if (typeof raw.timeZone !== 'string' || !isTimeZone(raw.timeZone)) {
    throw new ConfigError(
      `${where}.timeZone is ${JSON.stringify(raw.timeZone)}; use an IANA time zone name like "Europe/Berlin", "America/New_York" or "UTC"`
    );
  }
  if (raw.quiet !== undefined && !DIGEST_QUIET.includes(raw.quiet as DigestQuiet)) {
    throw new ConfigError(
      `${where}.quiet is ${JSON.stringify(raw.quiet)}; use "line" (a quiet day gets one short line, the default) or "skip" (no message)`
    );
  }
  return { at: raw.at, timeZone: raw.timeZone, quiet: (raw.quiet as DigestQuiet | undefined) ?? 'line' };
}

/** One destination's digest: when, and the machines of the routes that post there. */
export interface DigestPlan {
  readonly destination: RouteDestination;
  readonly digest: DigestSettings;
  /** The routes that post to this destination, by name. */
  readonly routes: readonly string[];
  readonly stateMachineArns: readonly string[];
  readonly stateMachineNamePrefixes: readonly string[];
}

/** `C0123…`, `#alerts` or `webhook`: a destination as one word. */
export function destinationKey(destination: RouteDestination): string {
  return destination.type === 'channel' ? destination.channel : 'webhook';
}

/**
 * One plan per destination that has a digest: a route's own `digest`, else the environment's. The first route
 * with a digest decides the time of its destination; the machines are those of every route posting there with
 * a digest. Routes matched by tags only are summed up by their ARNs and prefixes (tags are not read for it).
 */
export function digestPlans(
  routes: readonly Route[],
  environmentDigest: DigestSettings | undefined,
  routeDigests: readonly (DigestSettings | undefined)[]
): DigestPlan[] {
  const plans = new Map<string, DigestPlan>();
  for (const [index, route] of routes.entries()) {
    const digest = routeDigests[index] ?? environmentDigest;
    if (!digest) continue;
    const key = destinationKey(route.destination);
    const plan = plans.get(key);
    plans.set(key, {
      destination: route.destination,
      digest: plan?.digest ?? digest,
      routes: [...(plan?.routes ?? []), route.name],
      stateMachineArns: [...new Set([...(plan?.stateMachineArns ?? []), ...route.match.stateMachineArns])],
      stateMachineNamePrefixes: [
        ...new Set([...(plan?.stateMachineNamePrefixes ?? []), ...route.match.stateMachineNamePrefixes]),
      ],
    });
  }
  return [...plans.values()];
}

/** EventBridge Scheduler's cron for every day at `HH:MM` (the time zone goes in `ScheduleExpressionTimezone`). */
export function digestCron(at: string): string {
  const [hours, minutes] = at.split(':').map(Number);
  return `cron(${minutes} ${hours} * * ? *)`;
}

/** What the digest's FIFO deduplication id is the SHA-256 hex of: one digest per destination and day. */
export function digestDeduplicationKey(environment: string, destination: string, day: string): string {
  return `digest|${environment}|${destination}|${day}`;
}

/** What the schedule sends the digest state machine, and the machine the formatter's `digest` operation. */
export interface DigestRequest {
  readonly environment: string;
  readonly destination: RouteDestination;
  readonly timeZone: string;
  readonly quiet: DigestQuiet;
  readonly stateMachineArns: readonly string[];
  readonly stateMachineNamePrefixes: readonly string[];
  /** Read the `sfn-slack:mute-until` tag of each machine (the environment can mute). @default false */
  readonly mute?: boolean;
  /** The end of the window (ISO 8601); the schedule's time. @default - now */
  readonly until?: string;
  /** The window's length in hours. @default DIGEST_WINDOW_HOURS */
  readonly hours?: number;
  /** The template (`digest`, or a custom file id). @default 'digest' */
  readonly template?: string;
}

/** What a plan's schedule sends the digest machine (the machine adds `until`, its start). */
export function digestRequest(environment: string, plan: DigestPlan, mute: boolean): DigestRequest {
  return {
    environment,
    destination: plan.destination,
    timeZone: plan.digest.timeZone,
    quiet: plan.digest.quiet,
    stateMachineArns: plan.stateMachineArns,
    stateMachineNamePrefixes: plan.stateMachineNamePrefixes,
    ...(mute ? { mute: true } : {}),
  };
}
