/**
 * Routing in statemachines/notifier.asl.json, run on the local runner: the definition's routing states decide
 * exactly what contract/routes.ts decides (the CLI's `routes` command and the local runner use that), reads
 * tags only when asked to, and a muted machine's notifications are held, counted and summed up in one message
 * per destination when the mute ends.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTE_PARTITION_PREFIX, STORE_KEY } from '../../contract/message-store.js';
import { type DeployedSettings, type Route, routeDeliveries, TAG_KEYS } from '../../contract/routes.js';
import { fillJsonValues } from '../../infra/json-values.js';
import { withSourceCredentials } from '../../infra/source-roles.js';
import {
  type Clock,
  runStateMachine,
  StatesError,
  substitute,
  type TaskInvocation,
} from '../../local/asl/index.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/stand-ins/dynamodb.js';
import { type TagStore, tagHandlers } from '../../local/stand-ins/tags.js';
import { deployedSettings, machineArn, ROUTES_ACCOUNT, route } from '../fixtures/routes.js';
import { notifierStoreSubstitutions, repoRoot } from './asl-helpers.js';

const R = {
  history: 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory',
  describe: 'arn:aws:states:::aws-sdk:sfn:describeStateMachineForExecution',
  lambda: 'arn:aws:states:::lambda:invoke',
  sqs: 'arn:aws:states:::sqs:sendMessage',
  listTags: 'arn:aws:states:::aws-sdk:sfn:listTagsForResource',
  updateItem: 'arn:aws:states:::dynamodb:updateItem',
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

function settingsOf(routes: Route[], extra: Partial<DeployedSettings> = {}): DeployedSettings {
  return deployedSettings(routes, {
    allowedChannels: ['#payments', '#data-alerts', '#etl-runs', '#ops', '#data-oncall'],
    ...extra,
  });
}

function definition(settings: DeployedSettings): string {
  const text = readFileSync(path.join(repoRoot, 'statemachines', 'notifier.asl.json'), 'utf8');
  return substitute(fillJsonValues(text, { Settings: settings }), {
    FormatterFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:formatter',
    QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/notify.fifo',
    ...notifierStoreSubstitutions(TABLE),
  });
}

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

interface Sent {
  group: string;
  dedup: string;
  body: { payload: { text: string; channel?: string }; status: string };
}

/** The SQS stand-in: each queued message, with its group and deduplication id, into `sent`. */
const enqueueInto =
  (sent: Sent[]) =>
  async (task: TaskInvocation): Promise<{ MessageId: string }> => {
    const a = task.arguments as {
      MessageBody: string;
      MessageGroupId: string;
      MessageDeduplicationId: string;
    };
    sent.push({ group: a.MessageGroupId, dedup: a.MessageDeduplicationId, body: JSON.parse(a.MessageBody) });
    return { MessageId: `m-${sent.length}` };
  };

async function notify(
  settings: DeployedSettings,
  input: ReturnType<typeof event> | Record<string, unknown>,
  options: {
    tags?: TagStore;
    clock?: Clock;
    listTags?: () => unknown;
    /** The message store's task handlers (dynalite). @default none: a store call fails */
    dynamodb?: LocalDynamoDb['handlers'];
  } = {}
) {
  const sent: Sent[] = [];
  const calls: TaskInvocation[] = [];
  const store = options.tags ?? new Map();
  const tags = tagHandlers(store);
  const result = await runStateMachine(definition(settings), input, {
    resources: {
      [R.history]: async () => ({ Events: [{ Id: 1, Type: 'ExecutionStarted' }] }),
      [R.describe]: async () => ({ Definition: '{}' }),
      // The formatter's message says which settings it got, so the test sees what each destination got.
      [R.lambda]: async (task) => {
        const payload = (task.arguments as { Payload: { settings: Record<string, unknown> } }).Payload;
        const text = JSON.stringify(payload.settings);
        const delivery = {
          payload: { text },
          fallback: { text },
          executionArn: 'x',
          status: 'FAILED',
          deduplicationId: 'd',
        };
        return {
          Payload: { kind: 'message', delivery, messageGroupId: 'ignored', deduplicationId: 'd' },
          StatusCode: 200,
        };
      },
      [R.sqs]: enqueueInto(sent),
      [R.listTags]: async (task) => {
        calls.push(task);
        return options.listTags ? options.listTags() : tags.list(task);
      },
      ...options.dynamodb,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    // The notifier runs in eu-west-1, the region of the test's events unless one says otherwise.
    stateMachineArn: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:stateMachine:notifier`,
  });
  return { result, sent, tagReads: calls.length };
}

/** What the definition queued, in contract/routes.ts RoutedDelivery terms. */
const routed = (sent: Sent[]) => sent.map((s) => ({ group: s.group, ...JSON.parse(s.body.payload.text) }));

describe('every path through routing decides what contract/routes.ts decides, in its transitions', () => {
  const payments = ROUTES[0] as Route;
  const etlRuns = ROUTES[2] as Route;
  const elsewhere = route('elsewhere', {
    match: { stateMachineNamePrefixes: ['data-'], regions: ['us-east-1'] },
  });
  // One route without tags: Settings, Route, SingleRoute, then 7 to read and send (one page, one destination).
  // Several routes: OpenRoutes, Destinations and Triage instead of SingleRoute. Tags: Tags and TagRules more.
  const variants: Array<[string, Route[], number]> = [
    ['one route (ARN)', [payments], 10],
    ['one route (prefixes, SUCCEEDED only)', [etlRuns], 10],
    ['one route in another region', [elsewhere], 10],
    ['two routes, the first with stop', [payments, etlRuns], 12],
    ['two routes to one channel', [etlRuns, { ...payments, destination: etlRuns.destination }], 12],
    ['one route on tags', [ROUTES[1] as Route], 14],
  ];
  const machines = ['payments-settle', 'data-load', 'other'];
  const statuses = ['FAILED', 'SUCCEEDED', 'RUNNING'];

  it.each(variants)('%s', async (_, routes, oneDestination) => {
    const settings = settingsOf(routes);
    let sentSome = 0;
    for (const name of machines) {
      for (const status of statuses) {
        const tags = { team: 'data' };
        const { result, sent } = await notify(settings, event(name, status), {
          tags: new Map([[machineArn(name), tags]]),
        });
        const expected = routeDeliveries(settings, {
          stateMachineArn: machineArn(name),
          status,
          account: ROUTES_ACCOUNT,
          region: 'eu-west-1',
          tags,
        }).map(({ refused: _refused, ...d }) => ({
          group: (d.destination as { channel: string }).channel,
          ...d,
        }));
        expect(routed(sent), `${name} ${status}`).toEqual(expected);
        if (expected.length === 1) {
          sentSome += 1;
          expect(result.stateTransitions, `${name} ${status}`).toBe(oneDestination);
        }
      }
    }
    // Each variant sends somewhere, but the route of another region (eu-west-1 executions only here).
    expect(sentSome > 0).toBe(routes[0] !== elsewhere);
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
    // The routes take FAILED and SUCCEEDED only: with runningLongerThan a RUNNING event still reaches each.
    expect(
      running.sent.map((s) => [s.group, (s.body as { runningMention?: string }).runningMention])
    ).toEqual([
      ['#a', '<@U0A>'],
      ['#b', '<@U0OWNER>'],
      // A route without a mention: no mention on its banner (not the environment's).
      ['#c', ''],
    ]);
    // Only on RUNNING, and only with runningLongerThan.
    const failed = await notify(settings, event('data-load', 'FAILED'), { tags });
    expect(failed.sent.map((s) => (s.body as { runningMention?: string }).runningMention)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const unchecked = await notify(
      settingsOf(routes.map((r) => ({ ...r, statuses: ['RUNNING'] }))),
      event('data-load', 'RUNNING'),
      { tags }
    );
    expect(unchecked.sent).toHaveLength(3);
    expect(unchecked.sent.every((s) => !('runningMention' in s.body))).toBe(true);
  });

  it('sends a hand-made event (no status) to every route, up to stop, whichever path', async () => {
    const handMade = {
      ...event('other', 'FAILED'),
      detail: { executionArn: event('other', 'x').detail.executionArn },
    };
    for (const routes of [[elsewhere], [etlRuns, payments, elsewhere]]) {
      const { sent } = await notify(settingsOf(routes), handMade);
      expect(routed(sent).map((d) => d.route)).toEqual(routes.slice(0, 2).map((r) => r.name));
    }
  });
});

describe('routing with tags decides what contract/routes.ts decides', () => {
  const machines = ['payments-settle', 'payments-refund', 'data-load', 'batch-x', 'other'];
  const statuses = ['FAILED', 'SUCCEEDED', 'TIMED_OUT'];
  const tagSets: Record<string, string>[] = [
    {},
    { team: 'data' },
    { team: 'data', [TAG_KEYS.channel]: '#data-oncall', [TAG_KEYS.mention]: '<@U0OWNER>' },
    { [TAG_KEYS.channel]: '#not-allowed' },
  ];
  const cases = machines.flatMap((m) => statuses.flatMap((s) => tagSets.map((t) => [m, s, t] as const)));

  it(`for ${cases.length} machine × status × tags cases: the same destinations, templates and mentions, in order`, async () => {
    const settings = settingsOf(ROUTES);
    let nonEmpty = 0;
    for (const [name, status, tags] of cases) {
      const { result, sent } = await notify(settings, event(name, status), {
        tags: new Map([[machineArn(name), tags]]),
      });
      expect(result.status, `${name} ${status}`).toBe('SUCCEEDED');
      const expected = routeDeliveries(settings, {
        stateMachineArn: machineArn(name),
        status,
        account: ROUTES_ACCOUNT,
        region: 'eu-west-1',
        tags,
      }).map(({ refused: _refused, ...d }) => ({
        group: d.destination.type === 'channel' ? d.destination.channel : 'webhook',
        ...d,
      }));
      expect(routed(sent), `${name} ${status} ${JSON.stringify(tags)}`).toEqual(expected);
      if (expected.length > 0) nonEmpty += 1;
    }
    // The matrix exercises both outcomes.
    expect(nonEmpty).toBeGreaterThan(10);
    expect(nonEmpty).toBeLessThan(cases.length);
  });

  it('sends to several destinations, each in its own message group, with the same deduplication id', async () => {
    const settings = settingsOf(ROUTES);
    const { sent } = await notify(settings, event('data-load', 'FAILED'), {
      tags: new Map([[machineArn('data-load'), { team: 'data' }]]),
    });
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    expect(new Set(sent.map((s) => s.dedup)).size).toBe(1);
    expect(sent.map((s) => s.body.payload.channel)).toEqual(['#data-alerts', '#ops']);
  });

  it('stops at a matching route with stop', async () => {
    const { sent } = await notify(settingsOf(ROUTES), event('payments-settle', 'SUCCEEDED'));
    expect(routed(sent).map((d) => d.route)).toEqual(['payments']);
  });

  it('never sends a tag’s channel outside allowedChannels: the route keeps its own', async () => {
    const { sent } = await notify(settingsOf(ROUTES), event('batch-x', 'FAILED'), {
      tags: new Map([[machineArn('batch-x'), { [TAG_KEYS.channel]: '#random' }]]),
    });
    expect(sent.map((s) => s.group)).toEqual(['#ops']);
    expect(sent[0]?.body.payload.channel).toBe('#ops');
  });

  it('reads tags only when a route matches on them or allows overrides (or mute is on)', async () => {
    const plain = [route('all', { match: { stateMachineNamePrefixes: ['batch-'] } })];
    expect((await notify(settingsOf(plain), event('batch-x', 'FAILED'))).tagReads).toBe(0);
    expect((await notify(settingsOf(ROUTES), event('batch-x', 'FAILED'))).tagReads).toBe(1);
    expect((await notify(settingsOf(plain, { readTags: true }), event('batch-x', 'FAILED'))).tagReads).toBe(
      1
    );
  });

  it('unreadable tags send rather than drop: a tag condition counts as met, overrides do not apply', async () => {
    const { result, sent } = await notify(settingsOf(ROUTES), event('data-load', 'FAILED'), {
      listTags: () => {
        throw new StatesError('Sfn.AccessDeniedException', 'not authorized');
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
  });

  it('ends without a message when no route takes the event (another route’s status let it in)', async () => {
    const routes = [ROUTES[1], ROUTES[2]] as Route[];
    const { result, sent } = await notify(settingsOf(routes), event('data-load', 'TIMED_OUT'));
    expect(result.status).toBe('SUCCEEDED');
    expect(sent).toEqual([]);
  });
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
  /** Moves time to the earliest waiting sleeper's end and wakes it. */
  wake(): void {
    this.waiting.sort((a, b) => a.until - b.until);
    const next = this.waiting.shift();
    if (!next) throw new Error('nothing is waiting');
    this.current = Math.max(this.current, next.until);
    next.resolve();
  }
}

async function until_(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition not reached');
}

describe('mute through the sfn-slack:mute-until tag, counted in the message store (dynalite)', () => {
  const routes = [
    route('data-alerts', { match: { stateMachineNamePrefixes: ['data-'] } }),
    route('ops', { match: { stateMachineNamePrefixes: ['data-'] } }),
  ];
  const settings = settingsOf(routes, { readTags: true });
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startLocalDynamoDb({ tableName: TABLE, key: STORE_KEY });
  });
  afterAll(async () => {
    await db.close();
  });
  /** The mute's count item, its attributes unwrapped ({ N: '3' } -> 3). */
  const muteItem = async (name: string, until: string) => {
    const items = (await db.items()) as Record<string, { S?: string; N?: string }>[];
    const item = items.find(
      (i) => i.pk?.S === `${MUTE_PARTITION_PREFIX}${machineArn(name)}` && i.sk?.S === until
    );
    return item
      ? Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.N === undefined ? v.S : Number(v.N)]))
      : undefined;
  };

  it('holds and counts the notifications, then sums them up in one message per destination when the mute ends', async () => {
    const clock = new GatedClock();
    const muteEnd = clock.current + 2 * 3600_000;
    const until = new Date(muteEnd).toISOString();
    const store: TagStore = new Map([[machineArn('data-load'), { [TAG_KEYS.muteUntil]: until }]]);
    const options = { tags: store, clock, dynamodb: db.handlers };
    // The first held notification waits for the end of the mute...
    const first = notify(settings, event('data-load', 'FAILED', 'r1'), options);
    await until_(() => clock.holding === 1);
    expect((await muteItem('data-load', until))?.held).toBe(1);
    // ...the others are counted and end at once, posting nothing.
    for (const id of ['r2', 'r3']) {
      const other = await notify(settings, event('data-load', 'SUCCEEDED', id), options);
      expect(other.result.status).toBe('SUCCEEDED');
      expect(other.sent).toEqual([]);
    }
    expect((await muteItem('data-load', until))?.held).toBe(3);
    // No tag is written: the count lives in the store only.
    expect(Object.keys(store.get(machineArn('data-load')) ?? {})).toEqual([TAG_KEYS.muteUntil]);
    // It looks again every 15 minutes until the mute ends: 8 looks for 2 hours.
    let looks = 0;
    while (clock.holding > 0) {
      clock.wake();
      looks += 1;
      await until_(() => clock.holding > 0 || looks >= 8);
    }
    const { result, sent } = await first;
    expect(result.status).toBe('SUCCEEDED');
    expect(looks).toBe(8);
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    for (const s of sent) {
      expect(s.body.status).toBe('MUTE_SUMMARY');
      expect(s.body.payload.text).toBe(
        `data-load was muted until ${until}: 3 notifications held, not posted (prod). Its executions are in the Step Functions console.`
      );
    }
    // One summary per destination, never twice: the same deduplication id for both groups (scoped per group).
    expect(new Set(sent.map((s) => s.dedup)).size).toBe(1);
    expect((await muteItem('data-load', until))?.summarized).toBeTypeOf('number');
    // The next notification goes out as usual.
    const after = await notify(settings, event('data-load', 'FAILED', 'r4'), options);
    expect(after.sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
  });

  it('a storm of parallel runs for one muted machine: the count equals the runs, exactly one summary is queued', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 3600_000).toISOString();
    const store: TagStore = new Map([[machineArn('data-storm'), { [TAG_KEYS.muteUntil]: until }]]);
    const options = { tags: store, clock, dynamodb: db.handlers };
    const runs = Array.from({ length: 8 }, (_, i) =>
      notify(settings, event('data-storm', 'FAILED', `s${i}`), options)
    );
    // Every run reads the tags before any writes: with a read-add-write count they would all have seen 0.
    await until_(() => clock.holding === 1);
    for (let i = 0; i < 200 && ((await muteItem('data-storm', until))?.held as number) < 8; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await muteItem('data-storm', until))?.held).toBe(8);
    expect(clock.holding).toBe(1);
    while (clock.holding > 0) {
      clock.wake();
      await until_(() => true);
      await new Promise((r) => setTimeout(r, 20));
    }
    const results = await Promise.all(runs);
    expect(results.every((r) => r.result.status === 'SUCCEEDED')).toBe(true);
    const summaries = results.flatMap((r) => r.sent);
    expect(summaries.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    expect(summaries[0]?.body.payload.text).toContain(': 8 notifications held, not posted');
  });

  it('a second claimer (a retried or duplicate summarizer) posts nothing; its id would be the same anyway', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 3600_000).toISOString();
    const store: TagStore = new Map([[machineArn('data-twice'), { [TAG_KEYS.muteUntil]: until }]]);
    const options = { tags: store, clock, dynamodb: db.handlers };
    const first = notify(settings, event('data-twice', 'FAILED', 't1'), options);
    await until_(() => clock.holding === 1);
    // The item as a first summarizer whose summary was already claimed leaves it.
    await db.handlers[R.updateItem]?.({
      arguments: {
        TableName: TABLE,
        Key: { pk: { S: `${MUTE_PARTITION_PREFIX}${machineArn('data-twice')}` }, sk: { S: until } },
        UpdateExpression: 'SET summarized = :t',
        ExpressionAttributeValues: { ':t': { N: '1' } },
      },
    });
    while (clock.holding > 0) {
      clock.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
    const { result, sent } = await first;
    expect(result.status).toBe('SUCCEEDED');
    expect(sent).toEqual([]);
  });

  it('sfn-slack unmute (the tag removed) ends the hold at the next look, with the summary', async () => {
    const clock = new GatedClock();
    const store: TagStore = new Map([
      [
        machineArn('data-unmute'),
        { [TAG_KEYS.muteUntil]: new Date(clock.current + 24 * 3600_000).toISOString() },
      ],
    ]);
    const first = notify(settings, event('data-unmute', 'FAILED', 'r1'), {
      tags: store,
      clock,
      dynamodb: db.handlers,
    });
    await until_(() => clock.holding === 1);
    const tags = { ...store.get(machineArn('data-unmute')) };
    delete tags[TAG_KEYS.muteUntil];
    store.set(machineArn('data-unmute'), tags);
    clock.wake();
    const { sent } = await first;
    expect(sent).toHaveLength(2);
    expect(sent[0]?.body.payload.text).toContain(': 1 notification held, not posted');
  });

  it('a machine of another region (its tags read by the formatter): counted, summed up once at the end it was muted to', async () => {
    const clock = new GatedClock();
    const until = new Date(clock.current + 2 * 3600_000).toISOString();
    const store: TagStore = new Map([[machineArn('data-far'), { [TAG_KEYS.muteUntil]: until }]]);
    let reads = 0;
    const far = (id: string) => ({ ...event('data-far', 'FAILED', id), region: 'us-east-1' });
    const options = {
      tags: store,
      clock,
      dynamodb: db.handlers,
      // The two runs' reads stand for the formatter's (TagsInSourceRegion); RecheckMute's SDK call cannot reach the
      // machine's region.
      listTags: () => {
        reads += 1;
        if (reads > 2) throw new StatesError('Sfn.ResourceNotFoundException', 'not here');
        return { Tags: [{ Key: TAG_KEYS.muteUntil, Value: until }] };
      },
    };
    const first = notify(settings, far('f1'), options);
    await until_(() => clock.holding === 1);
    const second = await notify(settings, far('f2'), options);
    expect(second.sent).toEqual([]);
    // One wait, to the mute's end (no 15-minute looks that could not read the tag anyway); a failed look then
    // keeps that end rather than posting early.
    clock.wake();
    const { sent } = await first;
    expect(clock.current).toBe(Date.parse(until));
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    expect(sent[0]?.body.payload.text).toContain(': 2 notifications held, not posted');
  });

  it('a central environment: a machine of another region is held and counted centrally, its tag read by the formatter', async () => {
    const central = substitute(
      withSourceCredentials(
        fillJsonValues(readFileSync(path.join(repoRoot, 'statemachines', 'notifier.asl.json'), 'utf8'), {
          Settings: settings,
        }),
        'org'
      ),
      {
        FormatterFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:formatter',
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/notify.fifo',
        ...notifierStoreSubstitutions(TABLE),
      }
    );
    const clock = new GatedClock();
    const until = new Date(clock.current + 3600_000).toISOString();
    const arn = 'arn:aws:states:us-east-1:444455556666:stateMachine:data-west';
    const sent: Sent[] = [];
    const sdkCalls: string[] = [];
    const run = (id: string) =>
      runStateMachine(
        central,
        {
          ...event('data-west', 'FAILED', id),
          account: '444455556666',
          region: 'us-east-1',
          detail: { ...event('data-west', 'FAILED', id).detail, stateMachineArn: arn },
        },
        {
          clock,
          stateMachineArn: `arn:aws:states:eu-west-1:${ROUTES_ACCOUNT}:stateMachine:notifier`,
          resources: {
            // Only the formatter reads tags in another region; an SDK call would reach the central region only.
            [R.lambda]: async (task) => {
              const payload = (task.arguments as { Payload: { readTags?: boolean } }).Payload;
              if (!payload.readTags) throw new Error('a held notification must not be formatted');
              return { Payload: { kind: 'tags', Tags: [{ Key: TAG_KEYS.muteUntil, Value: until }] } };
            },
            [R.listTags]: async (task) => {
              sdkCalls.push(task.stateName);
              throw new StatesError('Sfn.ResourceNotFoundException', 'no such state machine in this region');
            },
            [R.sqs]: enqueueInto(sent),
            ...db.handlers,
          },
        }
      );
    const first = run('w1');
    await until_(() => clock.holding === 1);
    const others = await Promise.all([run('w2'), run('w3')]);
    expect(others.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(sent).toEqual([]);
    clock.wake();
    expect((await first).status).toBe('SUCCEEDED');
    expect(clock.current).toBe(Date.parse(until));
    expect(sent.map((s) => s.group)).toEqual(['#data-alerts', '#ops']);
    expect(sent[0]?.body.payload.text).toContain('data-west was muted until');
    expect(sent[0]?.body.payload.text).toContain(': 3 notifications held, not posted');
    // The one SDK look (RecheckMute) failed in the central region; the hold kept the end it was muted to.
    expect(sdkCalls).toEqual(['RecheckMute']);
  });

  it('a mute that already ended changes nothing', async () => {
    const clock = new GatedClock();
    const store: TagStore = new Map([
      [machineArn('data-load'), { [TAG_KEYS.muteUntil]: new Date(clock.current - 1000).toISOString() }],
    ]);
    const { sent } = await notify(settings, event('data-load', 'FAILED'), { tags: store, clock });
    expect(sent.map((s) => s.body.status)).toEqual(['FAILED', 'FAILED']);
  });

  it('a count that cannot be written is no reason to drop the notification: it goes out', async () => {
    const clock = new GatedClock();
    const store: TagStore = new Map([
      [machineArn('data-load'), { [TAG_KEYS.muteUntil]: new Date(clock.current + 3600_000).toISOString() }],
    ]);
    const denied = {
      [R.updateItem]: async () => {
        throw new StatesError('DynamoDB.AmazonDynamoDBException', 'not authorized');
      },
    };
    const { result, sent } = await notify(settings, event('data-load', 'FAILED'), {
      tags: store,
      clock,
      dynamodb: denied,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(sent.map((s) => s.body.status)).toEqual(['FAILED', 'FAILED']);
  });
});

describe('the sfn-slack:mention tag is honoured only as a user or user-group mention (TAG_MENTION)', () => {
  const routes = [route('ops', { match: { stateMachineNamePrefixes: ['data-'] }, tagOverrides: true })];
  const settings = settingsOf(routes, { readTags: true });
  it.each([
    '<!everyone>',
    '<!here>',
    '<!channel>',
    '<https://evil.example|x>',
    '@here',
    '<@U0ABC> <!everyone>',
  ])('%s is ignored as if absent', async (mention) => {
    const tags = new Map([[machineArn('data-load'), { [TAG_KEYS.mention]: mention }]]);
    const failed = await notify(settings, event('data-load', 'FAILED'), { tags });
    const running = await notify(settings, event('data-load', 'RUNNING'), { tags });
    expect(failed.sent).toHaveLength(1);
    for (const s of [...failed.sent, ...running.sent]) {
      const body = JSON.stringify(s.body);
      expect(body).not.toContain('everyone');
      expect(body).not.toContain('evil.example');
      expect(body).not.toContain('@here');
      expect(body).not.toContain('!here');
      expect(body).not.toContain('!channel');
    }
    expect(routed(failed.sent)[0]).not.toHaveProperty('mentionOnFailure');
  });

  it.each(['<@U0ABC>', '<!subteam^S0ABC>'])('%s is the failure mention', async (mention) => {
    const tags = new Map([[machineArn('data-load'), { [TAG_KEYS.mention]: mention }]]);
    const { sent } = await notify(settings, event('data-load', 'FAILED'), { tags });
    expect(routed(sent)[0]).toMatchObject({ mentionOnFailure: mention });
  });
});
