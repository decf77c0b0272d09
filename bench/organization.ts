/**
 * A central environment under a burst from many accounts (issue "One notifier for the whole organization"):
 * executions of 40 accounts in 3 regions finish at once and go through the local pipeline as a central
 * environment (local/pipeline.ts `central`), each history read with its own account's read role. Measured: what
 * arrives, the roles used, the notifier's transitions and the drain. Then, on paper, what the central pipeline
 * sustains on AWS (quotas) and what 1,000 notifications cost central against one stack per account and region.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historiesOf, ranIn } from '../local/examples.js';
import { type Formatter, LocalPipeline } from '../local/pipeline.js';
import { startSlackServer } from '../local/slack-server/index.js';
import { repoRoot } from './bundle.js';
import { prices } from './cost.js';
import { deadLettered, failedExample, SLACK_BURST } from './pipeline.js';
import { deliveryCounts } from './rate-window.js';
import type { Results } from './results.js';
import { SimulationClock, seededRandom } from './sim-clock.js';
import { type Spread, spread } from './stats.js';

const start = Date.UTC(2026, 10, 30, 3, 0);
/** Where the local pipeline's notifier runs (local/pipeline.ts). */
const NOTIFIER_REGION = 'us-east-1';

/** As the issue puts it: 40 accounts in 3 regions; 2 executions each finish at once, over 4 channels. */
export const ORGANIZATION_PLAN: OrganizationPlan = {
  accounts: 40,
  regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
  perSource: 2,
  channels: 4,
  seed: 1,
};

export interface OrganizationPlan {
  readonly accounts: number;
  readonly regions: readonly string[];
  /** Executions finishing per account and region. */
  readonly perSource: number;
  /** Destinations (one central pipeline each until routes land: the construct deploys one channel per stack). */
  readonly channels: number;
  readonly seed: number;
}

export interface OrganizationBurst {
  readonly accounts: number;
  readonly regions: number;
  readonly channels: number;
  readonly notifications: number;
  readonly notifierFailed: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLettered: number;
  /** Reads (Describe, GetExecutionHistory) made with a role other than the execution's own account's: must be 0. */
  readonly wrongRoleReads: number;
  /**
   * Reads per notification: the first history page (FetchHistory) or the formatter's history read, its definition,
   * and the run context's ListExecutions of the machine (once per machine a minute in a warm formatter).
   */
  readonly readsPerNotification: number;
  /** Notifications read by the notifier's SDK states (executions of the notifier's own region). */
  readonly readBySdkStates: number;
  /** Notifications whose history the formatter read in their own region (SDK integrations cannot go there). */
  readonly readByFormatter: number;
  /** The notifier's region (the local pipeline's). */
  readonly notifierRegion: string;
  /** The most reads any one source account took: its own GetExecutionHistory quota pays for them. */
  readonly maxReadsPerAccount: number;
  readonly notifierTransitions: Spread;
  /** Mean notifier transitions a notification over the burst (its region's executions take one more). */
  readonly meanNotifierTransitions: number;
  /** Real time to run every notifier execution here (the local runner, in one process). */
  readonly wallNotifySeconds: number;
  /** First enqueue to the last message Slack received, simulated (Slack's 1 post/s per channel). */
  readonly simulatedDrainSeconds: number;
}

export async function organizationBurst(
  formatter: Formatter,
  plan: OrganizationPlan,
  log: (line: string) => void
): Promise<OrganizationBurst> {
  const clock = new SimulationClock(start);
  const base = failedExample();
  const accounts = Array.from({ length: plan.accounts }, (_, i) => String(100000000000 + i * 7919));
  const runs = accounts.flatMap((account, a) =>
    plan.regions.flatMap((region, r) =>
      Array.from({ length: plan.perSource }, (_, k) => {
        const n = (a * plan.regions.length + r) * plan.perSource + k;
        return { account, example: ranIn(base, account, region, `org-burst-${String(n).padStart(4, '0')}`) };
      })
    )
  );
  const channels = Array.from({ length: plan.channels }, (_, i) => ({
    id: `C0ORG${i + 1}`,
    name: `org-${i + 1}`,
  }));
  const server = await startSlackServer({ clock, channels, rateLimit: { burst: SLACK_BURST, perSecond: 1 } });
  const history = historiesOf(runs.map((r) => r.example));
  const pipelines: LocalPipeline[] = [];
  try {
    for (const [i, channel] of channels.entries()) {
      pipelines.push(
        await LocalPipeline.create({
          history,
          formatter,
          clock,
          random: seededRandom(plan.seed * 100 + i + 1),
          slack: { kind: 'local', server },
          channel: `#${channel.name}`,
          environment: 'org',
          central: true,
          definition: async () => '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}',
        })
      );
    }
    const wall = performance.now();
    let notifierFailed = 0;
    const transitions: number[] = [];
    for (const [i, run] of runs.entries()) {
      const result = await (pipelines[i % channels.length] as LocalPipeline).notify(run.example.event);
      if (result.status !== 'SUCCEEDED') notifierFailed += 1;
      transitions.push(result.stateTransitions);
    }
    const wallNotifySeconds = (performance.now() - wall) / 1000;
    log(
      `organization: ${runs.length} notifications from ${plan.accounts} accounts × ${plan.regions.length} regions queued; draining`
    );
    await clock.all(pipelines.map((p) => () => p.deliver()));

    const messages = server.messages();
    const deliveredIds = messages.flatMap((m) => [
      ...new Set(JSON.stringify(m.body).match(/org-burst-\d{4}/g) ?? []),
    ]);
    const counts = deliveryCounts(
      runs.map((r) => r.example.event.detail.name ?? ''),
      deliveredIds
    );
    const reads = pipelines.flatMap((p) => p.sourceReads);
    const perAccount = new Map<string, number>();
    for (const read of reads) {
      const account = read.executionArn.split(':')[4] ?? '';
      perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
    }
    const lastAt = Math.max(start, ...messages.map((m) => m.receivedAt));
    return {
      accounts: plan.accounts,
      regions: plan.regions.length,
      channels: plan.channels,
      notifications: runs.length,
      notifierFailed,
      delivered: counts.delivered,
      lost: counts.lost,
      duplicated: counts.duplicated + counts.unexpected,
      deadLettered: deadLettered(pipelines),
      wrongRoleReads: reads.filter((read) => !read.allowed).length,
      readBySdkStates: new Set(reads.filter((r) => r.stateName === 'FetchHistory').map((r) => r.executionArn))
        .size,
      // Executions only: the run context's ListExecutions names the machine.
      readByFormatter: new Set(
        reads
          .filter((r) => r.stateName === 'formatter' && r.executionArn.includes(':execution:'))
          .map((r) => r.executionArn)
      ).size,
      notifierRegion: NOTIFIER_REGION,
      readsPerNotification: reads.length / runs.length,
      maxReadsPerAccount: Math.max(0, ...perAccount.values()),
      notifierTransitions: spread(transitions),
      meanNotifierTransitions: transitions.reduce((a, b) => a + b, 0) / Math.max(1, transitions.length),
      wallNotifySeconds,
      simulatedDrainSeconds: (lastAt - start) / 1000,
    };
  } finally {
    for (const p of pipelines) await p.close();
    await server.close();
  }
}

/**
 * AWS quotas the central pipeline runs into, as ../shared/reference/aws-facts.md §3.3 and the Step Functions
 * and Lambda quota pages give them (defaults; most can be raised).
 */
export const quotas = {
  /** StartExecution (Standard), refill per second: large regions / other regions. Paid by the central account. */
  startExecutionPerSecond: { large: 300, other: 150 },
  /** GetExecutionHistory, refill per second (bucket 400), per account and region: paid by each source account. */
  getExecutionHistoryPerSecond: 20,
  /** Lambda concurrent executions per account and region (default). */
  lambdaConcurrency: 1000,
  /** Slack: about one post per second per channel. */
  slackPostsPerChannelPerSecond: 1,
} as const;

/** Assumed, not measured here: the formatter's duration on Lambda (512 MB arm64, a one-page history). */
export const FORMATTER_LAMBDA_MS = 250;

export interface Capacity {
  /** Notifications a second the central notifier can start, sustained (the first bound it meets). */
  readonly centralPerSecond: { readonly large: number; readonly other: number };
  /** Which quota that is. */
  readonly boundBy: string;
  /** Formatter concurrency at that rate. */
  readonly formatterConcurrency: number;
  /** History reads a second one source account can serve (its own quota, one page a notification). */
  readonly perSourceAccountPerSecond: number;
  /** Delivery: messages a second per channel. */
  readonly perChannelPerSecond: number;
}

/** @param historyPages GetExecutionHistory pages a notification reads (1 for up to 200 events in the notifier) */
export function capacity(historyPages = 1): Capacity {
  const lambdaBound = quotas.lambdaConcurrency / (FORMATTER_LAMBDA_MS / 1000);
  const large = Math.min(quotas.startExecutionPerSecond.large, lambdaBound);
  return {
    centralPerSecond: { large, other: Math.min(quotas.startExecutionPerSecond.other, lambdaBound) },
    boundBy:
      large === quotas.startExecutionPerSecond.large
        ? 'StartExecution (Standard) refill in the central account'
        : 'formatter Lambda concurrency',
    formatterConcurrency: Math.ceil(large * (FORMATTER_LAMBDA_MS / 1000)),
    perSourceAccountPerSecond: quotas.getExecutionHistoryPerSecond / historyPages,
    perChannelPerSecond: quotas.slackPostsPerChannelPerSecond,
  };
}

export interface OrganizationCost {
  /** Monthly fixed cost of one notifier stack: its secrets and alarms. */
  readonly fixedPerStackMonth: number;
  /** Monthly fixed cost of one source stack instance (central design): its forwarding dead-letter alarm. */
  readonly fixedPerSourceStackMonth: number;
  /** Per 1,000 notifications, usage only (the measured single-notification design). */
  readonly usagePerThousand: number;
  /** Per 1,000, what the forward to the central bus adds. */
  readonly forwardPerThousand: number;
  /** Per 1,000, the region check's transitions (measured mean minus a single account's). */
  readonly regionCheckPerThousand: number;
  /** Per 1,000 at each monthly volume: one central stack against one stack per source account and region. */
  readonly byVolume: readonly {
    readonly notificationsPerMonth: number;
    readonly central: number;
    readonly perAccount: number;
  }[];
}

/** Secrets per notifier stack: the bot token and the copy the EventBridge connection keeps. */
const SECRETS_PER_STACK = 2;

/**
 * The alarms a construct file creates: `new cloudwatch.Alarm(` and the shared helpers of alarms.ts
 * (`queueNotEmptyAlarm(`, `executionsFailedAlarm(`, `queueStalledAlarm(`).
 */
export function alarmsIn(construct: 'notifier-alarms' | 'source-access'): number {
  const source = readFileSync(path.join(repoRoot, 'infra', 'constructs', `${construct}.ts`), 'utf8');
  return (
    source.match(
      /new cloudwatch\.Alarm\(|\b(queueNotEmptyAlarm|executionsFailedAlarm|queueStalledAlarm)\(/g
    ) ?? []
  ).length;
}

/**
 * @param usagePerThousand the single-account design's usage cost per 1,000 (bench/designs.ts)
 * @param stacks source accounts × regions: the per-account alternative's stack count
 * @param extraTransitions the central notifier's transitions a notification beyond a single account's
 */
export function organizationCost(
  usagePerThousand: number,
  stacks: number,
  extraTransitions = 0
): OrganizationCost {
  const fixedPerStackMonth =
    SECRETS_PER_STACK * prices.secretMonth + alarmsIn('notifier-alarms') * prices.alarmMonth;
  // A source stack's queue, rule and roles cost nothing idle; its alarm does, in every account and region.
  const fixedPerSourceStackMonth = alarmsIn('source-access') * prices.alarmMonth;
  const forwardPerThousand = prices.eventToAnotherBus * 1000;
  const regionCheckPerThousand = Math.max(0, extraTransitions) * prices.standardTransition * 1000;
  const volumes = [10_000, 100_000, 1_000_000, 10_000_000];
  return {
    fixedPerStackMonth,
    fixedPerSourceStackMonth,
    usagePerThousand,
    forwardPerThousand,
    regionCheckPerThousand,
    byVolume: volumes.map((n) => ({
      notificationsPerMonth: n,
      central:
        usagePerThousand +
        forwardPerThousand +
        regionCheckPerThousand +
        ((fixedPerStackMonth + fixedPerSourceStackMonth * stacks) * 1000) / n,
      perAccount: usagePerThousand + (fixedPerStackMonth * stacks * 1000) / n,
    })),
  };
}

export interface OrganizationResults {
  readonly plan: OrganizationPlan;
  readonly burst: OrganizationBurst;
  readonly capacity: Capacity;
  readonly cost: OrganizationCost;
}

/**
 * @param single the single-account design: its usage cost per 1,000 and its notifier transitions a notification
 */
export async function organizationBench(
  formatter: Formatter,
  plan: OrganizationPlan,
  single: { readonly usagePerThousand: number; readonly notifierTransitions: number },
  log: (line: string) => void
): Promise<OrganizationResults> {
  const burst = await organizationBurst(formatter, plan, log);
  return {
    plan,
    burst,
    capacity: capacity(1),
    cost: organizationCost(
      single.usagePerThousand,
      plan.accounts * plan.regions.length,
      burst.meanNotifierTransitions - single.notifierTransitions
    ),
  };
}

const money = (n: number) => `$${n < 0.1 ? n.toFixed(4) : n.toFixed(2)}`;

/** The docs/performance.md section, from the recorded results. */
export function organizationDoc(r: Results): string {
  const o = r.organization;
  if (!o) return '';
  const b = o.burst;
  const c = o.capacity;
  const sources = o.plan.accounts * o.plan.regions.length;
  return `## Organization: one central notifier for many accounts

Measured: ${b.notifications} executions from ${b.accounts} accounts × ${b.regions} regions (${o.plan.regions.join(', ')}) finish at once
and go through the local pipeline as a central environment (\`bench/organization.ts\`, ${b.channels} channels): delivered
${b.delivered}, lost ${b.lost}, duplicated ${b.duplicated}, dead-lettered ${b.deadLettered}, notifier failures ${b.notifierFailed}. Every history was
read with its own account's read role (${b.wrongRoleReads} reads with another role; at most ${b.maxReadsPerAccount} reads from one account).
The ${b.readBySdkStates} executions of the notifier's region (${b.notifierRegion}) had their first history page read by its
FetchHistory state; Step Functions' SDK integrations cannot call another region, so the others went straight to the
formatter, which assumed the same role (a local STS endpoint) and read the history in the execution's region; the
formatter read something (history, definition, tags) of ${b.readByFormatter} executions itself. The notifier took
${b.meanNotifierTransitions.toFixed(2)} transitions a notification on average (one route: 5 in its region, SourceRegion then
FetchHistory, Format, Decide, Enqueue; 4 elsewhere: SourceRegion, Format, Decide, Enqueue). The local runner ran the
${b.notifications} notifier executions in ${b.wallNotifySeconds.toFixed(1)} s here; Slack's one post a second per channel drained them in
${b.simulatedDrainSeconds.toFixed(0)} s of simulated time.

On AWS (default quotas, ../shared/reference/aws-facts.md §3.3 and the Step Functions and Lambda quota pages):

| Stage | Quota | Sustained |
| --- | --- | --- |
| EventBridge → notifier | StartExecution (Standard), central account: refill ${quotas.startExecutionPerSecond.large}/s in large regions, ${quotas.startExecutionPerSecond.other}/s elsewhere | **${c.centralPerSecond.large} notifications/s** (${c.centralPerSecond.other} elsewhere), bound by ${c.boundBy} |
| Read the history | GetExecutionHistory: bucket 400, refill ${quotas.getExecutionHistoryPerSecond}/s, per account and region, **paid by each source account** (the read role is theirs, whether the notifier or the formatter reads) | ${c.perSourceAccountPerSecond} notifications/s per source account and region for one-page histories; ${sources} sources together ${c.perSourceAccountPerSecond * sources}/s |
| Format | Lambda concurrency ${quotas.lambdaConcurrency} per account and region; ${FORMATTER_LAMBDA_MS} ms a call assumed (an execution of another region adds an STS AssumeRole once per role and 15-minute session, and its history pages, to the call) | ${c.formatterConcurrency} concurrent at ${c.centralPerSecond.large}/s |
| Deliver | FIFO: one message in flight per message group (channel), Pipe batch 1; Slack about 1 post/s per channel | ${c.perChannelPerSecond} message/s per channel: channels × 1/s |

So the central notifier ingests about ${c.centralPerSecond.large} notifications a second before the central account's StartExecution
quota throttles EventBridge (which retries, then the event dead-letter queue takes the event); each source account's
own history quota is untouched by the others; a channel drains one message a second whatever the source. The
transitions (10 or 11 a notification) also count against the central account's state-transition quota, which AWS
lowers for new accounts.

Cost per 1,000 notifications (\`bench/cost.ts\` prices): usage ${money(o.cost.usagePerThousand)} in one account; central adds the forward to the
central bus, ${money(o.cost.forwardPerThousand)} (a custom event), and the region check's transitions, ${money(o.cost.regionCheckPerThousand)} at this burst's mix of regions. Each notifier stack also has ${money(o.cost.fixedPerStackMonth)} a month of fixed cost (two secrets and
its alarms), and in the central design each source stack ${money(o.cost.fixedPerSourceStackMonth)} (its forwarding dead-letter alarm); one
central stack with ${sources} source stacks against ${sources} per-account stacks:

| Notifications a month | Central, per 1,000 | Per account and region, per 1,000 |
| --- | --- | --- |
${o.cost.byVolume.map((v) => `| ${v.notificationsPerMonth.toLocaleString('en-US')} | ${money(v.central)} | ${money(v.perAccount)} |`).join('\n')}

At 100 times this burst (${(b.notifications * 100).toLocaleString('en-US')} executions finishing together, far above ${c.centralPerSecond.large} a second), raise first: (1) StartExecution for Standard workflows and the state-transition quota in
the central account (the first throttle, and the only one every source shares); (2) then the channels: a channel
cannot take more than a message a second, so spread busy sources over more channels (routes) or let storms collapse
into digests; (3) Lambda concurrency only past ~${Math.round(quotas.lambdaConcurrency / (FORMATTER_LAMBDA_MS / 1000))} notifications a second; (4) GetExecutionHistory in a
source account only when one account alone passes ${c.perSourceAccountPerSecond}/s (or its histories are many pages).
`;
}
