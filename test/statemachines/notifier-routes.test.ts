/**
 * The notifier as deployed, on the local runner, with the formatter's decision in process (formatters/formatter/notify.ts):
 * the history, definition and tags read with the real SDK from the local Step Functions endpoint, the mute counts
 * in dynalite. Routes decide what contract/routes.ts decides, tags are read only when asked for (either member
 * casing), a muted machine's notifications are held, counted and summed up once per destination, an event naming
 * another account's execution is refused, and each path's transitions are counted.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedHistory } from '../../bench/histories.js';
import type { FormatterInput, FormatterOutput } from '../../contract/formatter.js';
import { MUTE_PARTITION_PREFIX, STORE_KEY } from '../../contract/message-store.js';
import { type DeployedSettings, type Route, routeDeliveries, TAG_KEYS } from '../../contract/routes.js';
import { TAG_MENTION } from '../../contract/settings.js';
import { createHandler } from '../../formatters/formatter/handler.js';
import { createNotifyHandler } from '../../formatters/formatter/notify.js';
import { createLogger } from '../../formatters/shared/logger.js';
import { type Clock, runStateMachine, type TaskInvocation } from '../../local/asl/index.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';
import {
  getExecutionHistoryHandler,
  type HistoryPage,
  type HistorySource,
  recordedHistorySource,
} from '../../local/stand-ins/history.js';
import { lambdaInvokeHandler } from '../../local/stand-ins/lambda.js';
import {
  serveHistoryToSdk,
  setSdkReadCheck,
  setServedDefinitions,
  setServedHistory,
  setServedTags,
} from '../../local/stand-ins/sfn-endpoint.js';
import type { TagStore } from '../../local/stand-ins/tags.js';
import { FORMATTER_ARN, notifierDefinition } from '../fixtures/notifier-definition.js';
import { deployedSettings, machineArn, ROUTES_ACCOUNT, route } from '../fixtures/routes.js';

const R = {
  history: 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory',
  lambda: 'arn:aws:states:::lambda:invoke',
  batch: 'arn:aws:states:::aws-sdk:sqs:sendMessageBatch',
  sqs: 'arn:aws:states:::sqs:sendMessage',
};
const TABLE = 'sfn-slack-store';
const ROUTES: Route[] = [
  route('payments', {
    match: { stateMachineArns: [machineArn('payments-settle')] },
    stop: true,
    mention: '<@U0PAY>',
  }),
  route('data-alerts', {
    match: { stateMachineNamePrefixes: ['data-'], tags: { team: 'data' } },
    statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
    mention: '<!subteam^S0DATA>',
  }),
  route('etl-runs', {
    match: { stateMachineNamePrefixes: ['data-', 'payments-'] },
    statuses: ['SUCCEEDED'],
    template: 'compact',
  }),
  route('ops', {
    match: { stateMachineNamePrefixes: ['data-', 'payments-', 'batch-'], regions: ['eu-west-1'] },
    tagOverrides: true,
  }),
];
const settingsOf = (routes: Route[], extra: Partial<DeployedSettings> = {}): DeployedSettings =>
  deployedSettings(routes, {
    allowedChannels: ['#payments', '#data-alerts', '#etl-runs', '#ops', '#data-oncall'],
    ...extra,
  });

function event(name: string, status: string, id = 'run-1') {
  return {
    id: `e-${name}-${status}-${id}`,
    account: ROUTES_ACCOUNT,
    region: 'eu-west-1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: {
      executionArn: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:execution:${name}:${id}`,
      stateMachineArn: machineArn(name),
      name: id,
      status,
      redriveCount: 0,
    },
  };
}

/** The per-destination formatter: its message says which settings it got. */
async function echo(input: FormatterInput): Promise<FormatterOutput> {
  const text = JSON.stringify(input.settings);
  const delivery = {
    payload: { text },
    fallback: { text },
    executionArn: input.event.detail.executionArn,
    status: input.event.detail.status,
    deduplicationId: 'd',
  };
  return { kind: 'message', delivery, messageGroupId: 'ignored', deduplicationId: 'd' };
}

interface Sent {
  group: string;
  dedup: string;
  body: { payload: { text: string; channel?: string }; status: string; runningMention?: string };
}

let db: LocalDynamoDb;
let release: () => Promise<void>;
let sfn: SFNClient;
/** Every read the formatter made on the local Step Functions endpoint, by action. */
const reads: string[] = [];
let refuseTags = false;
const oneRun = recordedHistorySource([{ events: [{ id: 1, type: 'ExecutionStarted', timestamp: 1 }] }]);

beforeAll(async () => {
  db = await startLocalDynamoDb({ tableName: TABLE, key: STORE_KEY });
  release = await serveHistoryToSdk(oneRun);
  sfn = new SFNClient({});
});
afterAll(async () => {
  setSdkReadCheck(undefined);
  await release();
  await db.close();
});

async function notify(
  settings: DeployedSettings,
  input: unknown,
  options: {
    tags?: TagStore;
    clock?: Clock;
    history?: HistorySource;
    format?: (input: FormatterInput) => Promise<FormatterOutput>;
    tableName?: string;
  } = {}
) {
  const sent: Sent[] = [];
  const fallbacks: TaskInvocation[] = [];
  const history = options.history ?? oneRun;
  setServedHistory(history);
  setServedTags(options.tags ?? new Map());
  setServedDefinitions(async () => '{"StartAt":"A","States":{}}');
  setSdkReadCheck((caller) => {
    reads.push(caller.action);
    if (refuseTags && caller.action === 'ListTagsForResource') throw new Error('AccessDeniedException');
  });
  let invocations = 0;
  const decide = createNotifyHandler({
    format: options.format ?? echo,
    sfnClient: async () => sfn,
    store: async () => ({
      client: DynamoDBDocumentClient.from(db.client),
      tableName: options.tableName ?? TABLE,
    }),
    logger: createLogger(),
    ...(options.clock ? { now: () => (options.clock as Clock).now() } : {}),
  });
  const result = await runStateMachine(notifierDefinition(settings), input, {
    resources: {
      [R.history]: getExecutionHistoryHandler(history),
      [R.lambda]: lambdaInvokeHandler({
        [FORMATTER_ARN]: (async (payload: never) => {
          invocations += 1;
          return decide(payload);
        }) as (p: never) => Promise<unknown>,
      }),
      [R.batch]: async (task) => {
        const entries = (task.arguments as { Entries: Array<Record<string, string>> }).Entries;
        for (const e of entries) {
          sent.push({
            group: e.MessageGroupId as string,
            dedup: e.MessageDeduplicationId as string,
            body: JSON.parse(e.MessageBody as string),
          });
        }
        return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
      },
      [R.sqs]: async (task) => {
        fallbacks.push(task);
        return { MessageId: 'f' };
      },
    },
    ...(options.clock ? { clock: options.clock } : {}),
    stateMachineArn: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:stateMachine:notifier`,
  });
  return { result, sent, fallbacks, invocations };
}

/** What was queued, in contract/routes.ts RoutedDelivery terms. */
const routed = (sent: Sent[]) => sent.map((s) => ({ group: s.group, ...JSON.parse(s.body.payload.text) }));
/** What contract/routes.ts decides, as the formatter's settings (tags as routes may read them). */
function expected(settings: DeployedSettings, name: string, status: string, tags: Record<string, string>) {
  const safe = { ...tags };
  if (safe[TAG_KEYS.mention] !== undefined && !TAG_MENTION.test(safe[TAG_KEYS.mention] as string)) {
    delete safe[TAG_KEYS.mention];
  }
  return routeDeliveries(settings, {
    stateMachineArn: machineArn(name),
    status,
    account: ROUTES_ACCOUNT,
    region: 'eu-west-1',
    tags: safe,
  }).map(({ refused: _refused, ...d }) => ({
    group: d.destination.type === 'channel' ? d.destination.channel : 'webhook',
    ...d,
  }));
}

describe('routes: the formatter decides what contract/routes.ts decides, in 4 transitions', () => {
  const elsewhere = route('elsewhere', {
    match: { stateMachineNamePrefixes: ['data-'], regions: ['us-east-1'] },
  });
  const variants: Array<[string, Route[]]> = [
    ['one route (ARN)', [ROUTES[0] as Route]],
    ['one route in another region', [elsewhere]],
    ['two routes, the first with stop', [ROUTES[0] as Route, ROUTES[2] as Route]],
    ['every route, tags included', ROUTES],
  ];
  const machines = ['payments-settle', 'data-load', 'batch-x', 'other'];
  const statuses = ['FAILED', 'SUCCEEDED', 'TIMED_OUT'];
  const tagSets: Record<string, string>[] = [
    {},
    { team: 'data', [TAG_KEYS.channel]: '#data-oncall', [TAG_KEYS.mention]: '<@U0OWNER>' },
    { [TAG_KEYS.channel]: '#not-allowed', [TAG_KEYS.mention]: '<!everyone>' },
  ];

  it.each(variants)('%s', async (_, routes) => {
    const settings = settingsOf(routes);
    let nonEmpty = 0;
    for (const name of machines) {
      for (const status of statuses) {
        for (const tags of settings.readTags ? tagSets : [{}]) {
          const { result, sent } = await notify(settings, event(name, status), {
            tags: new Map([[machineArn(name), tags]]),
          });
          const want = expected(settings, name, status, tags);
          expect(routed(sent), `${name} ${status} ${JSON.stringify(tags)}`).toEqual(want);
          expect(result.stateTransitions).toBe(4);
          // One message per destination, each in its group with the same deduplication id.
          expect(sent.map((s) => s.body.payload.channel)).toEqual(want.map((d) => d.group));
          if (want.length > 0) nonEmpty += 1;
        }
      }
    }
    expect(nonEmpty > 0).toBe(routes[0] !== elsewhere);
  });

  it('reads tags only when a route matches on them or allows overrides (or mute is on)', async () => {
    const plain = [route('all', { match: { stateMachineNamePrefixes: ['batch-'] } })];
    const count = async (settings: DeployedSettings) => {
      reads.length = 0;
      await notify(settings, event('batch-x', 'FAILED'));
      return reads.filter((a) => a === 'ListTagsForResource').length;
    };
    expect(await count(settingsOf(plain))).toBe(0);
    expect(await count(settingsOf(ROUTES))).toBe(1);
    expect(await count(settingsOf(plain, { readTags: true }))).toBe(1);
  });

  it('unreadable tags send rather than drop: a tag condition counts as met, overrides do not apply', async () => {
    refuseTags = true;
    try {
      const { result, sent } = await notify(settingsOf(ROUTES), event('data-load', 'FAILED'), {
        tags: new Map([[machineArn('data-load'), { [TAG_KEYS.channel]: '#data-oncall' }]]),
      });
      expect(result.status).toBe('SUCCEEDED');
      expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    } finally {
      refuseTags = false;
    }
  });

  it('sends a hand-made event (no status) to every route, up to stop', async () => {
    const handMade = {
      ...event('other', 'FAILED'),
      detail: { executionArn: event('other', 'x').detail.executionArn },
    };
    const { sent } = await notify(
      settingsOf([ROUTES[2] as Route, ROUTES[0] as Route, ROUTES[3] as Route]),
      handMade
    );
    expect(routed(sent).map((d) => d.route)).toEqual(['etl-runs', 'payments']);
  });

  it("gives each destination of a RUNNING notification its route's mention for the still-running banner", async () => {
    const routes = [
      route('a', { match: { stateMachineNamePrefixes: ['data-'] }, mention: '<@U0A>' }),
      route('b', { match: { stateMachineNamePrefixes: ['data-'] }, mention: '<@U0B>', tagOverrides: true }),
      route('c', { match: { stateMachineNamePrefixes: ['data-'] } }),
    ];
    const settings = settingsOf(routes, { checksRunning: true, readTags: true });
    const tags = new Map([[machineArn('data-load'), { [TAG_KEYS.mention]: '<@U0OWNER>' }]]);
    const running = await notify(settings, event('data-load', 'RUNNING'), { tags });
    expect(running.sent.map((s) => [s.group, s.body.runningMention])).toEqual([
      ['#a', '<@U0A>'],
      ['#b', '<@U0OWNER>'],
      ['#c', ''],
    ]);
    const failed = await notify(settings, event('data-load', 'FAILED'), { tags });
    expect(failed.sent.map((s) => s.body.runningMention)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses an event whose account is not the execution’s: nothing read, no message', async () => {
    reads.length = 0;
    let historyReads = 0;
    const counting: HistorySource = async (request) => {
      historyReads += 1;
      return oneRun(request);
    };
    const foreign = { ...event('data-load', 'FAILED'), account: '999999999999' };
    const { result, sent, fallbacks } = await notify(settingsOf(ROUTES), foreign, { history: counting });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ action: 'none', reason: expect.stringContaining('refused') });
    expect(sent).toEqual([]);
    expect(fallbacks).toEqual([]);
    // The single-account notifier's FetchHistory is the one read (IAM denies another account's execution); the
    // formatter reads nothing more: no tags, no rest of the history, no definition.
    expect(historyReads).toBeLessThanOrEqual(1);
    expect(reads).toEqual([]);
  });
});

describe('transitions and formatter invocations, measured', () => {
  it('a 25,000-event history: 4 transitions and 1 formatter invocation (the formatter reads the rest)', async () => {
    const big = generatedHistory(25_000);
    const pages: HistoryPage[] = big.pages.map((p) => ({
      events: p.events as unknown as Record<string, unknown>[],
    }));
    const history = recordedHistorySource(pages);
    const settings = settingsOf([route('all', { match: { stateMachineNamePrefixes: ['generated'] } })]);
    const folded: number[] = [];
    const real = createHandler({ logger: createLogger() });
    const { result, sent, invocations } = await notify(
      settings,
      { ...big.event, region: 'eu-west-1' },
      {
        history,
        format: async (input) => {
          folded.push((input.partial as { eventCount: number }).eventCount);
          return real(input);
        },
      }
    );
    expect(big.eventCount).toBeGreaterThan(24_000);
    expect(result.stateTransitions).toBe(4);
    expect(result.stateTransitions).toBeLessThanOrEqual(8);
    expect(invocations).toBe(1);
    // Every event folded: the first page from FetchHistory, the rest read by the formatter itself.
    expect(folded).toEqual([big.eventCount]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body.payload.text).toContain('generated failed');
  }, 60_000);
});

/** A virtual clock whose long sleeps (the mute hold) wait for the test to advance time. */
class GatedClock implements Clock {
  current = Date.UTC(2026, 0, 1, 12);
  private waiting: { until: number; resolve: () => void }[] = [];
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    if (ms < 60_000) {
      this.current += ms;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ until: this.current + ms, resolve }));
  }
  get holding(): number {
    return this.waiting.length;
  }
  wake(): void {
    this.waiting.sort((a, b) => a.until - b.until);
    const next = this.waiting.shift();
    if (!next) throw new Error('nothing is waiting');
    this.current = Math.max(this.current, next.until);
    next.resolve();
  }
}

async function until_(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!condition()) throw new Error('condition not reached');
}

describe('mute through the sfn-slack:mute-until tag, counted in the message store (dynalite)', () => {
  const routes = [
    route('data-alerts', { match: { stateMachineNamePrefixes: ['data-'] } }),
    route('ops', { match: { stateMachineNamePrefixes: ['data-'] } }),
  ];
  const settings = settingsOf(routes, { readTags: true });
  const muteItem = async (name: string, until: string) => {
    const items = (await db.items()) as Record<string, { S?: string; N?: string }>[];
    const item = items.find(
      (i) => i.pk?.S === `${MUTE_PARTITION_PREFIX}${machineArn(name)}` && i.sk?.S === until
    );
    return item
      ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.N === undefined ? v.S : Number(v.N)]))
      : undefined;
  };

  it('holds and counts, looks again every 15 minutes, then sums up once per destination', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 2 * 3600_000).toISOString();
    const tags: TagStore = new Map([[machineArn('data-load'), { [TAG_KEYS.muteUntil]: until }]]);
    const first = notify(settings, event('data-load', 'FAILED', 'r1'), { tags, clock });
    await until_(() => clock.holding === 1);
    expect((await muteItem('data-load', until))?.held).toBe(1);
    for (const id of ['r2', 'r3']) {
      const other = await notify(settings, event('data-load', 'SUCCEEDED', id), { tags, clock });
      expect(other.sent).toEqual([]);
      // FetchHistory, Format, Decide, NoMessage.
      expect(other.result.stateTransitions).toBe(4);
    }
    expect((await muteItem('data-load', until))?.held).toBe(3);
    let looks = 0;
    while (clock.holding > 0) {
      clock.wake();
      looks += 1;
      await until_(() => clock.holding > 0 || looks >= 8);
      await new Promise((r) => setTimeout(r, 5));
    }
    const { result, sent } = await first;
    expect(result.status).toBe('SUCCEEDED');
    expect(looks).toBe(8);
    // FetchHistory, Format, Decide, then 8 × (HoldWhileMuted, Format, Decide), then Enqueue.
    expect(result.stateTransitions).toBe(4 + 8 * 3);
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    for (const s of sent) {
      expect(s.body.status).toBe('MUTE_SUMMARY');
      expect(s.body.payload.text).toBe(
        `data-load was muted until ${until}: 3 notifications held, not posted (prod). Its executions are in the Step Functions console.`
      );
    }
    expect(new Set(sent.map((s) => s.dedup)).size).toBe(1);
    expect((await muteItem('data-load', until))?.summarized).toBeTypeOf('number');
    const after = await notify(settings, event('data-load', 'FAILED', 'r4'), { tags: new Map(), clock });
    expect(after.sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
  });

  it('a storm of parallel runs for one muted machine: the count equals the runs, exactly one summary', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 600_000).toISOString();
    const tags: TagStore = new Map([[machineArn('data-storm'), { [TAG_KEYS.muteUntil]: until }]]);
    const runs = Array.from({ length: 8 }, (_, i) =>
      notify(settings, event('data-storm', 'FAILED', `s${i}`), { tags, clock })
    );
    await until_(() => clock.holding === 1);
    for (let i = 0; i < 400 && ((await muteItem('data-storm', until))?.held as number) < 8; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await muteItem('data-storm', until))?.held).toBe(8);
    expect(clock.holding).toBe(1);
    clock.wake();
    const results = await Promise.all(runs);
    const summaries = results.flatMap((r) => r.sent);
    expect(summaries.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    expect(summaries[0]?.body.payload.text).toContain(': 8 notifications held, not posted');
  });

  it('a second claimer posts nothing; sfn-slack unmute ends the hold at the next look', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 24 * 3600_000).toISOString();
    const tags: TagStore = new Map([[machineArn('data-twice'), { [TAG_KEYS.muteUntil]: until }]]);
    const first = notify(settings, event('data-twice', 'FAILED', 't1'), { tags, clock });
    await until_(() => clock.holding === 1);
    // The tag removed (sfn-slack unmute), and the summary already claimed by another run.
    tags.set(machineArn('data-twice'), {});
    await DynamoDBDocumentClient.from(db.client).send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: TABLE,
        Key: { pk: `${MUTE_PARTITION_PREFIX}${machineArn('data-twice')}`, sk: until },
        UpdateExpression: 'SET summarized = :t',
        ExpressionAttributeValues: { ':t': 1 },
      })
    );
    clock.wake();
    const { result, sent } = await first;
    expect(result.status).toBe('SUCCEEDED');
    expect(clock.current - Date.UTC(2026, 0, 1, 12)).toBe(15 * 60_000);
    expect(sent).toEqual([]);
  });

  it('a mute that already ended, or a count that cannot be written: the notification goes out', async () => {
    const clock = new GatedClock();
    const ended = new Map([
      [machineArn('data-load'), { [TAG_KEYS.muteUntil]: new Date(clock.current - 1000).toISOString() }],
    ]);
    expect((await notify(settings, event('data-load', 'FAILED'), { tags: ended, clock })).sent).toHaveLength(
      2
    );
    const muted = new Map([
      [machineArn('data-load'), { [TAG_KEYS.muteUntil]: new Date(clock.current + 3600_000).toISOString() }],
    ]);
    const denied = await notify(settings, event('data-load', 'FAILED', 'x'), {
      tags: muted,
      clock,
      tableName: 'missing',
    });
    expect(denied.sent.map((s) => s.body.status)).toEqual(['FAILED', 'FAILED']);
  });

  it('an Express notifier (holdsMutes false) ignores the mute tag: nothing waits', async () => {
    const clock = new GatedClock();
    const muted = new Map([
      [machineArn('data-load'), { [TAG_KEYS.muteUntil]: new Date(clock.current + 3600_000).toISOString() }],
    ]);
    const { sent } = await notify({ ...settings, holdsMutes: false }, event('data-load', 'FAILED', 'e'), {
      tags: muted,
      clock,
    });
    expect(sent).toHaveLength(2);
  });
});
