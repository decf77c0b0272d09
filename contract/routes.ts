/**
 * Routes: which executions go where. One rule set, used by the deployed notifier's decision
 * (formatters/formatter/notify.ts), the daily digest (contract/digest.ts), `sfn-slack routes` and the local runner;
 * the EventBridge rule is derived from the union of the routes below. Pure functions, no dependencies.
 */
import { parseArn, stateMachineNameOf } from './arns.js';
import { type ExecutionStatus, isFailingStatus } from './statuses.js';

/** Tags on a watched state machine that the notifier reads (only when some route needs them). */
export const TAG_KEYS = {
  /** A channel for this machine's messages; honoured only by routes with `tagOverrides` and in `allowedChannels`. */
  channel: 'sfn-slack:channel',
  /** A mention for this machine's failures; honoured only by routes with `tagOverrides`, and only a user or user group (contract/settings.ts TAG_MENTION). */
  mention: 'sfn-slack:mention',
  /** ISO 8601 time until which this machine's notifications are held and counted (`sfn-slack mute`). */
  muteUntil: 'sfn-slack:mute-until',
} as const;

/**
 * The settings the notifier runs with: one JSON value written into notifier.asl.json at deploy (the Format
 * state's payload, for formatters/formatter/notify.ts), never pasted into an expression.
 */
export interface DeployedSettings {
  readonly environment: string;
  readonly destinationType: 'channel' | 'webhook';
  readonly routes: readonly Route[];
  readonly allowedChannels: readonly string[];
  /** Read the watched machine's tags (readsTags: some route needs them, `mute` is on, or a Mute button is shown). */
  readonly readTags: boolean;
  /** Pass the execution's input and output to the formatter (a route's template reads them). */
  readonly executionData: boolean;
  /**
   * runningLongerThan is set: a RUNNING event goes to every matching route's destination whatever its
   * statuses, so the delivery can schedule the check there. @default false
   */
  readonly checksRunning?: boolean;
  /** The Slack actions whose buttons the formatter adds (`redrive`, `stop`, `mute`), channel routes only. @default [] */
  readonly actions?: readonly string[];
  /**
   * A muted machine's notifications are held (the `sfn-slack:mute-until` tag): false for an Express notifier, which
   * cannot wait for a mute's end (5 minutes at most), so the formatter ignores the tag there. @default true
   */
  readonly holdsMutes?: boolean;
}

/** Where one route's messages go. A channel route posts with the environment's bot token. */
export type RouteDestination =
  | { readonly type: 'channel'; readonly channel: string }
  | { readonly type: 'webhook' };

export interface RouteMatch {
  /** Full ARNs of state machines. @default [] */
  readonly stateMachineArns: readonly string[];
  /** Name prefixes (in the stack's account and region). @default [] */
  readonly stateMachineNamePrefixes: readonly string[];
  /** Every tag listed must be on the state machine with this value. @default {} (no tag condition) */
  readonly tags: Readonly<Record<string, string>>;
  /** Accounts the execution may run in (from the event). @default [] (any the rule lets through) */
  readonly accounts: readonly string[];
  /** Regions the execution may run in (from the event). @default [] (any the rule lets through) */
  readonly regions: readonly string[];
}

/** One route, validated and with every default filled in (contract/settings.ts builds it from cdk.json). */
export interface Route {
  readonly name: string;
  readonly match: RouteMatch;
  /** @default the environment's statuses, else FAILED, TIMED_OUT, ABORTED, SUCCEEDED */
  readonly statuses: readonly ExecutionStatus[];
  /** @default the environment's destination */
  readonly destination: RouteDestination;
  /** Added to failed, timed-out and aborted messages. @default the environment's mentionOnFailure, else none */
  readonly mention?: string;
  /** Template name (or `custom/<id>` for a bundled custom template). @default the environment's, else detailed */
  readonly template: string;
  /** No route after this one is considered when this one matches. @default false */
  readonly stop: boolean;
  /** The machine's `sfn-slack:channel` and `sfn-slack:mention` tags override this route's. @default false */
  readonly tagOverrides: boolean;
}

/** What a route is matched against: the event's facts and the machine's tags (when read). */
export interface RouteSubject {
  readonly stateMachineArn: string;
  readonly status: string;
  readonly account?: string;
  readonly region?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** One route's verdict, with the reason in words (for `sfn-slack routes`). */
export interface RouteVerdict {
  readonly route: Route;
  readonly matches: boolean;
  /** Why it matches, or the first reason it does not. */
  readonly reason: string;
  /** True when an earlier matching route had `stop`. */
  readonly skipped: boolean;
}

/**
 * A matched route with what it resolved to (the channel and mention after tag overrides): exactly the settings
 * the formatter gets (contract/formatter.ts `NotifierSettings`), built by `routeDeliveries` for each destination.
 */
export interface RoutedDelivery {
  readonly environment: string;
  readonly route: string;
  readonly destination: RouteDestination;
  readonly template: string;
  /** The mention for this status (none for a success). */
  readonly mentionOnFailure?: string;
  /** Why a tag did not apply (a channel outside `allowedChannels`). */
  readonly refused?: string;
}

function nameOf(stateMachineArn: string): string {
  return stateMachineNameOf(stateMachineArn) ?? '';
}

/** Whether one route matches, and why (or why not). */
export function matchRoute(
  route: Route,
  subject: RouteSubject,
  checksRunning = false
): { matches: boolean; reason: string } {
  const m = route.match;
  const running = checksRunning && subject.status === 'RUNNING';
  if (!running && !route.statuses.includes(subject.status as ExecutionStatus)) {
    return { matches: false, reason: `status ${subject.status} is not in ${route.statuses.join(', ')}` };
  }
  let machine = 'any state machine';
  if (m.stateMachineArns.length > 0 || m.stateMachineNamePrefixes.length > 0) {
    const name = nameOf(subject.stateMachineArn);
    const byArn = m.stateMachineArns.includes(subject.stateMachineArn);
    const prefix = m.stateMachineNamePrefixes.find((p) => name.startsWith(p));
    if (!byArn && prefix === undefined) {
      return {
        matches: false,
        reason: `${name || subject.stateMachineArn} is neither listed nor under a prefix`,
      };
    }
    machine = byArn ? 'the ARN is listed' : `the name starts with "${prefix}"`;
  }
  if (m.accounts.length > 0 && !m.accounts.includes(subject.account ?? '')) {
    return {
      matches: false,
      reason: `account ${subject.account ?? '(unknown)'} is not in ${m.accounts.join(', ')}`,
    };
  }
  if (m.regions.length > 0 && !m.regions.includes(subject.region ?? '')) {
    return {
      matches: false,
      reason: `region ${subject.region ?? '(unknown)'} is not in ${m.regions.join(', ')}`,
    };
  }
  const tags = subject.tags ?? {};
  for (const [key, value] of Object.entries(m.tags)) {
    if (tags[key] !== value) {
      const actual = tags[key] === undefined ? 'absent' : `"${tags[key]}"`;
      return { matches: false, reason: `tag ${key} is ${actual}, not "${value}"` };
    }
  }
  const tagText =
    Object.keys(m.tags).length > 0
      ? `, tags ${Object.entries(m.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`
      : '';
  return { matches: true, reason: `${machine}, status ${subject.status}${tagText}` };
}

/** Every route's verdict, in order, honouring `stop`. */
export function explainRoutes(
  routes: readonly Route[],
  subject: RouteSubject,
  checksRunning = false
): RouteVerdict[] {
  let stopped: string | undefined;
  return routes.map((route) => {
    if (stopped !== undefined) {
      return {
        route,
        matches: false,
        skipped: true,
        reason: `not considered: route "${stopped}" matched with stop`,
      };
    }
    const verdict = matchRoute(route, subject, checksRunning);
    if (verdict.matches && route.stop) stopped = route.name;
    return { route, ...verdict, skipped: false };
  });
}

/**
 * The deliveries for a subject: one per matching destination, in route order (a later route to a destination
 * already served adds nothing: one message per destination). Tag overrides apply on routes that allow them; a
 * channel tag outside `allowedChannels` is refused and the route's own channel kept.
 */
export function routeDeliveries(
  settings: Pick<DeployedSettings, 'environment' | 'routes' | 'allowedChannels' | 'checksRunning'>,
  subject: RouteSubject
): RoutedDelivery[] {
  const { routes, allowedChannels, environment } = settings;
  const tags = subject.tags ?? {};
  const seen = new Set<string>();
  const out: RoutedDelivery[] = [];
  for (const verdict of explainRoutes(routes, subject, settings.checksRunning === true)) {
    if (!verdict.matches) continue;
    const route = verdict.route;
    let destination = route.destination;
    let mention = route.mention;
    let refused: string | undefined;
    if (route.tagOverrides) {
      const channel = tags[TAG_KEYS.channel];
      if (channel !== undefined && destination.type === 'channel') {
        if (allowedChannels.includes(channel)) destination = { type: 'channel', channel };
        else refused = `tag ${TAG_KEYS.channel}=${channel} is not in allowedChannels`;
      }
      if (tags[TAG_KEYS.mention] !== undefined) mention = tags[TAG_KEYS.mention];
    }
    const key = destinationKey(destination);
    if (seen.has(key)) continue;
    seen.add(key);
    const failing = isFailingStatus(subject.status);
    out.push({
      environment,
      route: route.name,
      destination,
      template: route.template,
      ...(failing && mention ? { mentionOnFailure: mention } : {}),
      ...(refused ? { refused } : {}),
    });
  }
  return out;
}

/**
 * The mention of the "still running" banner (the delivery definition's `MentionOnFailure`): the environment's,
 * else the one route's. A check is scheduled per channel, not per route.
 */
export function bannerMention(routes: readonly Route[], environmentMention?: string): string {
  return environmentMention ?? (routes.length === 1 ? (routes[0]?.mention ?? '') : '');
}

/**
 * The routes as they apply when the machine's tags could not be read: every tag condition counts as met and no tag
 * overrides the destination or the mention, so news goes to too many places rather than none. The notifier
 * (formatters/formatter/notify.ts) and the daily digest (contract/digest.ts digestTakes) both apply it.
 */
export function routesWithoutTags(routes: readonly Route[]): Route[] {
  return routes.map((r) => ({ ...r, match: { ...r.match, tags: {} }, tagOverrides: false }));
}

/** The FIFO message group of a destination: the channel, or `webhook`. */
export function destinationKey(destination: RouteDestination): string {
  return destination.type === 'channel' ? destination.channel : 'webhook';
}

/** Whether the notifier must read the machine's tags: some route matches on tags or allows overrides. */
export function routesReadTags(routes: readonly Route[]): boolean {
  return routes.some((r) => r.tagOverrides || Object.keys(r.match.tags).length > 0);
}

/**
 * Whether the notifier reads the watched machine's tags: some route needs them, or a mute can be set, by
 * `sfn-slack mute` (`mute`) or by a Mute button (`actions` includes `mute`): both set `sfn-slack:mute-until`.
 */
export function readsTags(
  routes: readonly Route[],
  options: { readonly mute?: boolean; readonly actions?: readonly string[] }
): boolean {
  return routesReadTags(routes) || options.mute === true || (options.actions ?? []).includes('mute');
}

/**
 * Whether the EventBridge rule derived from these routes (derivePattern) lets the event in: its status is one a
 * route takes (or RUNNING when `alsoRunning`), and its machine is one a route names. The notifier decides the
 * rest (tags, accounts, regions, stop).
 */
export function ruleLetsIn(
  routes: readonly Route[],
  subject: Pick<RouteSubject, 'stateMachineArn' | 'status'>,
  alsoRunning = false
): boolean {
  const statusOk =
    routes.some((r) => r.statuses.includes(subject.status as ExecutionStatus)) ||
    (alsoRunning && subject.status === 'RUNNING');
  const name = nameOf(subject.stateMachineArn);
  const machineOk = routes.some((r) => {
    const m = r.match;
    if (m.stateMachineArns.length === 0 && m.stateMachineNamePrefixes.length === 0) return true;
    return (
      m.stateMachineArns.includes(subject.stateMachineArn) ||
      m.stateMachineNamePrefixes.some((p) => name.startsWith(p))
    );
  });
  return statusOk && machineOk;
}

/** How the rule's ARN patterns are built: the stack's partition, account and region (tokens are fine). */
export interface RuleScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** A central environment: a prefix matches in every source account and region (a wildcard). @default false */
  readonly anyAccountAndRegion?: boolean;
}

/** An EventBridge event pattern (plain JSON). */
export interface DerivedPattern {
  readonly status: readonly ExecutionStatus[];
  readonly stateMachineArn: ReadonlyArray<
    string | { readonly prefix: string } | { readonly wildcard: string }
  >;
}

/**
 * The EventBridge rule's `detail` filter: the union of the routes' statuses and machines. A route narrows the
 * rule's catch (tags, accounts, statuses), never widens it past the machines the routes name.
 */
export function derivePattern(routes: readonly Route[], scope: RuleScope): DerivedPattern {
  const statuses = new Set<ExecutionStatus>();
  const arns = new Set<string>();
  const prefixes = new Set<string>();
  for (const route of routes) {
    for (const s of route.statuses) statuses.add(s);
    for (const a of route.match.stateMachineArns) arns.add(a);
    for (const p of route.match.stateMachineNamePrefixes) prefixes.add(p);
  }
  // A listed ARN under a listed prefix adds nothing to the rule.
  const arnList = [...arns].filter(
    (a) =>
      ![...prefixes].some(
        (p) => nameOf(a).startsWith(p) && (scope.anyAccountAndRegion || sameScope(a, scope))
      )
  );
  return {
    status: [...statuses],
    stateMachineArn: [
      ...arnList,
      ...[...prefixes].map((p) =>
        scope.anyAccountAndRegion
          ? { wildcard: `arn:${scope.partition}:states:*:*:stateMachine:${p}*` }
          : { prefix: `arn:${scope.partition}:states:${scope.region}:${scope.account}:stateMachine:${p}` }
      ),
    ],
  };
}

function sameScope(arn: string, scope: RuleScope): boolean {
  const parts = parseArn(arn);
  return (
    parts?.partition === scope.partition && parts.region === scope.region && parts.account === scope.account
  );
}

/** EventBridge's default event-pattern size quota, in characters (adjustable; see docs/infra.md). */
export const EVENT_PATTERN_LIMIT = 2048;

/**
 * The size the rule's whole pattern will have once deployed, taking the longest partition, region and the
 * 12-digit account for values not known at synth.
 */
export function patternSize(pattern: DerivedPattern, notifierName = 'x'.repeat(80)): number {
  const longest = { partition: 'aws-iso-b', region: 'ap-southeast-5', account: '000000000000' };
  const fill = (s: string) =>
    s.replace(/\$\{Token\[[^\]]+\]\}/g, (t) =>
      /Region/i.test(t) ? longest.region : /Partition/i.test(t) ? longest.partition : longest.account
    );
  const whole = {
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    // A single-account rule's (a central one has none: counting it keeps the bound safe for both).
    account: [longest.account],
    resources: [
      {
        'anything-but': {
          prefix: `arn:${longest.partition}:states:${longest.region}:${longest.account}:execution:${notifierName}:`,
        },
      },
    ],
    detail: pattern,
  };
  return fill(JSON.stringify(whole)).length;
}
