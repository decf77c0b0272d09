/**
 * The daily digest (issue 24): its settings, validated; which destinations get one and which machines each sums
 * up; the schedule's cron expression; the message's deduplication id. Shared by the settings parser, the stack
 * (infra/constructs/digest.ts), the formatter's `digest` operation and the CLI.
 */
import { parseArn, stateMachineNameOf } from './arns.js';
import { ConfigError } from './errors.js';
import {
  destinationKey,
  type Route,
  type RouteDestination,
  routeDeliveries,
  routesReadTags,
  routesWithoutTags,
} from './routes.js';

// `C0123…`, `#alerts` or `webhook`: a destination as one word (the FIFO message group, contract/routes.ts).
export { destinationKey };

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

/**
 * One plan per destination that has a digest: a route's own `digest`, else the environment's. The first route
 * with a digest decides the time of its destination; the machines named are those of every route posting there
 * with a digest. Which of them (and of the other routes' machines) the digest sums up is decided at digest time by
 * the notifier's own route matching (digestTakes), so a route's tag, account and region conditions apply.
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

/** The routes as the notifier matches them (contract/routes.ts), for a digest to choose its machines with. */
export interface DigestRouting {
  /** Every route of the environment, in order (`stop` and tag overrides depend on the others). */
  readonly routes: readonly Route[];
  readonly allowedChannels: readonly string[];
}

/** A central environment's sources, where a digest looks for machines by name prefix (contract/sources.ts). */
export interface DigestSources {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

/** What the schedule sends the digest state machine, and the machine the formatter's `digest` operation. */
export interface DigestRequest {
  readonly environment: string;
  readonly destination: RouteDestination;
  readonly timeZone: string;
  readonly quiet: DigestQuiet;
  /** Machines that may post here (by ARN): each is summed up when digestTakes says so. */
  readonly stateMachineArns: readonly string[];
  /** Name prefixes of machines that may post here (`""`: any machine). */
  readonly stateMachineNamePrefixes: readonly string[];
  /**
   * The environment's routes: a machine is summed up when the notifier would send some of its news to this
   * destination (digestTakes). @default - every machine named by `stateMachineArns` / `stateMachineNamePrefixes`
   */
  readonly routing?: DigestRouting;
  /**
   * A central environment: name prefixes are looked for in each of these accounts and regions, and every machine is
   * read with its account's read role in its region (formatters/formatter/source-client.ts).
   * @default - one account: the formatter's own
   */
  readonly sources?: DigestSources;
  /** The partition the read roles are in (the digest machine sets its own). @default 'aws' */
  readonly partition?: string;
  /** Read the `sfn-slack:mute-until` tag of each machine (the environment can mute). @default false */
  readonly mute?: boolean;
  /** The end of the window (ISO 8601); the schedule's time. @default - now */
  readonly until?: string;
  /** The window's length in hours. @default DIGEST_WINDOW_HOURS */
  readonly hours?: number;
  /** The template (`digest`, or a custom file id). @default 'digest' */
  readonly template?: string;
}

export interface DigestRequestOptions {
  /** The environment can mute. @default false */
  readonly mute?: boolean;
  /** The environment's routes: machines are chosen with the notifier's matching. @default - by ARN and prefix */
  readonly routing?: DigestRouting;
  /**
   * A central environment's sources. With an organization, the accounts the routes to this destination name are
   * looked in too (member accounts are not known at synth). @default - a single-account environment
   */
  readonly sources?: DigestSources & { readonly organizationId?: string };
}

/**
 * What a plan's schedule sends the digest machine (the machine adds `until` and `partition`). With `routing`, the
 * machines named are those of every route that can post to the plan's destination: routes sending there, and routes
 * whose `sfn-slack:channel` tag may send there (tagOverrides, the channel allowed).
 */
export function digestRequest(
  environment: string,
  plan: DigestPlan,
  options: DigestRequestOptions = {}
): DigestRequest {
  const key = destinationKey(plan.destination);
  const reaching = (options.routing?.routes ?? []).filter(
    (route) =>
      destinationKey(route.destination) === key ||
      (route.tagOverrides &&
        route.destination.type === 'channel' &&
        plan.destination.type === 'channel' &&
        (options.routing?.allowedChannels ?? []).includes(plan.destination.channel))
  );
  const anyMachine = reaching.some(
    (r) => r.match.stateMachineArns.length === 0 && r.match.stateMachineNamePrefixes.length === 0
  );
  const unique = (values: readonly string[]) => [...new Set(values)];
  return {
    environment,
    destination: plan.destination,
    timeZone: plan.digest.timeZone,
    quiet: plan.digest.quiet,
    stateMachineArns: unique([
      ...plan.stateMachineArns,
      ...reaching.flatMap((r) => r.match.stateMachineArns),
    ]),
    stateMachineNamePrefixes: anyMachine
      ? ['']
      : unique([
          ...plan.stateMachineNamePrefixes,
          ...reaching.flatMap((r) => r.match.stateMachineNamePrefixes),
        ]),
    ...(options.routing
      ? {
          routing: {
            routes: options.routing.routes,
            allowedChannels: options.routing.allowedChannels,
          },
        }
      : {}),
    ...(options.sources
      ? {
          sources: {
            accounts: unique([
              ...options.sources.accounts,
              ...(options.sources.organizationId === undefined
                ? []
                : reaching.flatMap((r) => r.match.accounts)),
            ]),
            regions: options.sources.regions,
          },
        }
      : {}),
    ...(options.mute ? { mute: true } : {}),
  };
}

/**
 * Whether some destination's digest looks for machines by name prefix (ListStateMachines, which IAM grants only on
 * `*`): the stack grants it only then, to the formatter or, in a central environment, to the source read roles.
 */
export function digestsListMachines(
  environment: string,
  plans: readonly DigestPlan[],
  routing?: DigestRouting
): boolean {
  return plans.some(
    (plan) => digestRequest(environment, plan, routing ? { routing } : {}).stateMachineNamePrefixes.length > 0
  );
}

/** Whether a digest must read each machine's tags to choose it: some route matches on tags or lets a tag redirect. */
export function digestReadsTags(request: Pick<DigestRequest, 'routing'>): boolean {
  return request.routing !== undefined && routesReadTags(request.routing.routes);
}

/**
 * Whether a destination's digest sums up this machine: with `routing`, exactly when the notifier would send some of
 * its news there (contract/routes.ts routeDeliveries for any status a route takes, with the machine's account and
 * region from its ARN and its tags; unreadable tags, `undefined`, count as the notifier counts them: conditions met,
 * no override). Without `routing`, when the request names it by ARN or name prefix.
 */
export function digestTakes(
  request: Pick<
    DigestRequest,
    'environment' | 'destination' | 'routing' | 'stateMachineArns' | 'stateMachineNamePrefixes'
  >,
  machine: { readonly stateMachineArn: string; readonly tags?: Readonly<Record<string, string>> }
): boolean {
  const { region = '', account = '' } = parseArn(machine.stateMachineArn) ?? {};
  const name = stateMachineNameOf(machine.stateMachineArn) ?? '';
  if (!request.routing) {
    return (
      request.stateMachineArns.includes(machine.stateMachineArn) ||
      request.stateMachineNamePrefixes.some((p) => name.startsWith(p))
    );
  }
  const routes =
    machine.tags === undefined ? routesWithoutTags(request.routing.routes) : request.routing.routes;
  const settings = {
    environment: request.environment,
    routes,
    allowedChannels: request.routing.allowedChannels,
  };
  const key = destinationKey(request.destination);
  const statuses = new Set(routes.flatMap((r) => r.statuses));
  return [...statuses].some((status) =>
    routeDeliveries(settings, {
      stateMachineArn: machine.stateMachineArn,
      status,
      account,
      region,
      ...(machine.tags === undefined ? {} : { tags: machine.tags }),
    }).some((d) => destinationKey(d.destination) === key)
  );
}
