/** The table (terminal and Markdown) and docs/performance.md, all from one Results object. */

import { STORM_THRESHOLD } from '../contract/message-store.js';
import { prices } from './cost.js';
import { COST_SCENARIOS } from './cost-scenarios.js';
import { FLOOR_ON_PAPER_PER_THOUSAND } from './designs.js';
import { endpointDoc } from './endpoint.js';
import { START_NOTICE_LIMITS } from './faults-slack.js';
import { organizationDoc } from './organization.js';
import { SLACK_BURST } from './pipeline.js';
import { faultMatrixLines } from './readme.js';
import type { Results } from './results.js';
import type { Spread } from './stats.js';
import type { TargetCheck } from './targets.js';

export interface Row {
  readonly section: string;
  readonly measure: string;
  readonly value: string;
}

const ms = (s: Spread, digits = 1) =>
  `${s.median.toFixed(digits)} ms ±${s.iqrHalf.toFixed(digits)} (n=${s.runs})`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dollars = (n: number) => `$${n.toFixed(4)}`;

/** The fastest a channel's share can drain at burst 3 then 1/s: the last message at (share - 3) s. */
function idealDrain(r: Results): number {
  const b = r.pipeline.burst;
  return Math.max(0, Math.ceil(b.notifications / b.channels) - 3);
}

export function rows(r: Results): Row[] {
  const f = r.formatter;
  const b = r.pipeline.burst;
  const c = r.cost;
  const rows: Row[] = [
    { section: 'Formatter', measure: 'bundle, minified', value: `${int(f.bundle.minifiedBytes)} B` },
    { section: 'Formatter', measure: 'bundle, gzip -9', value: `${int(f.bundle.gzipBytes)} B` },
    { section: 'Formatter', measure: 'cold start: import + first invoke', value: ms(f.coldStart.initMs) },
    { section: 'Formatter', measure: '… import of the bundle', value: ms(f.coldStart.importMs) },
    {
      section: 'Formatter',
      measure: f.sdkImportedStatically
        ? '… of which @aws-sdk/client-sfn alone'
        : 'loading @aws-sdk/client-sfn (deferred: only to read a history itself)',
      value: ms(f.coldStart.sdkImportMs),
    },
    {
      section: 'Formatter',
      measure: '… first invoke (template compile)',
      value: ms(f.coldStart.firstInvokeMs),
    },
    {
      section: 'Formatter',
      measure: 'cold start: whole node process',
      value: ms(f.coldStart.processWallMs, 0),
    },
    ...(f.coldStart.cpuMs
      ? [
          {
            section: 'Formatter',
            measure: '… CPU time of import + first invoke (user + system)',
            value: ms(f.coldStart.cpuMs),
          },
        ]
      : []),
  ];
  for (const s of f.sizes) {
    rows.push({
      section: 'Formatter',
      measure: `${int(s.events)} events: summarize + render`,
      value: `${ms(s.timeMs, 2)}; first call ${s.firstCallMs.toFixed(1)} ms`,
    });
    rows.push({
      section: 'Formatter',
      measure: `${int(s.events)} events: peak heap, events/s`,
      value: `${s.peakHeapMiB.toFixed(1)} MiB (+${s.heapAboveBaselineMiB.toFixed(1)} over baseline); ${int(s.eventsPerSecond)} events/s`,
    });
  }
  rows.push(
    {
      section: 'Pipeline',
      measure: `burst: ${b.notifications} notifications, ${b.channels} channels`,
      value: `delivered ${b.delivered}, lost ${b.lost}, duplicated ${b.duplicated}, DLQ ${b.deadLettered} (worst of ${b.repeats})`,
    },
    {
      section: 'Pipeline',
      measure: 'time to drain (simulated clock)',
      value: `${b.simulatedDrainSeconds.median.toFixed(1)} s ±${b.simulatedDrainSeconds.iqrHalf.toFixed(1)} (n=${b.repeats}); the limit allows ${idealDrain(r)} s`,
    },
    {
      section: 'Pipeline',
      measure: 'time to drain (wall, local)',
      value: `${b.wallDrainSeconds.median.toFixed(2)} s ±${b.wallDrainSeconds.iqrHalf.toFixed(2)}; notify ${b.wallNotifySeconds.median.toFixed(2)} s`,
    },
    {
      section: 'Pipeline',
      measure: 'per channel vs Slack 1 msg/s',
      value: `sustained ${b.maxSustainedPerSecond.toFixed(2)}/s; max ${b.maxPerSecondWindow} in 1 s (burst 3), ${b.maxPer10sWindow.toFixed(1)}/s over 10 s; over limit ${b.overLimit}`,
    },
    {
      section: 'Pipeline',
      measure: 'HTTP 429 answers, delivery executions',
      value: `${b.http429.median} 429s, ${b.deliveryExecutions.median} executions (median)`,
    }
  );
  const n = c.designs.notifier;
  const seed = c.designs.seed;
  rows.push(
    {
      section: 'Cost',
      measure: 'notifier transitions (one page)',
      value: `${c.measured.notifierTransitions} (delivery: ${r.pipeline.single.deliveryTransitions}, Express)`,
    },
    {
      section: 'Cost',
      measure: 'Lambda GB-s per notification',
      value: `${n.usage.lambdaGbSeconds.toFixed(6)} (${c.measured.formatterMemoryMb} MB × ${Math.ceil(c.measured.formatterMs)} ms)`,
    },
    {
      section: 'Cost',
      measure: 'Express GB-s per notification',
      value: `${n.usage.expressGbSeconds.toFixed(6)} (64 MB × ${n.durationsMs.express?.toFixed(0)} ms → 100 ms steps)`,
    },
    {
      section: 'Cost',
      measure: 'SQS FIFO / Pipes requests',
      value: `${n.usage.sqsFifoRequests} / ${n.usage.pipesRequests}`,
    },
    {
      section: 'Cost',
      measure: 'this design, per 1,000 notifications',
      value: dollars(n.dollarsPerThousand),
    },
    {
      section: 'Cost',
      measure: 'this design under the burst, per 1,000',
      value: `${dollars(c.designs.notifierUnderBurst.dollarsPerThousand)} (deliveries wait ${(b.first.deliverySimulatedMs.median / 1000).toFixed(1)} s median for 429 retries, billed as Express duration)`,
    },
    {
      section: 'Cost',
      measure: 'seed (2 Lambdas + SQS), per 1,000',
      value: `${dollars(seed.dollarsPerThousand)} (${seed.usage.lambdaX86GbSeconds.toFixed(6)} GB-s, ${seed.usage.sqsStandardRequests} SQS requests)`,
    }
  );
  return rows;
}

export function textTable(r: Results): string {
  const all = rows(r);
  const w1 = Math.max(...all.map((x) => x.section.length));
  const w2 = Math.max(...all.map((x) => x.measure.length));
  const lines = all.map((x) => `${x.section.padEnd(w1)}  ${x.measure.padEnd(w2)}  ${x.value}`);
  const targets = r.targets.map((t) => `${t.pass ? 'PASS' : 'MISS'}  ${t.target.padEnd(w2)}  ${t.figure}`);
  return [...lines, '', ...targets].join('\n');
}

function markdownTable(header: string[], body: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** When the bundle and cold start were measured apart from the full run (\`npm run bench:bundle\`), and the load. */
function coldStartRunText(r: Results): string {
  const run = r.formatter.coldStartRun;
  if (!run?.alone) return '';
  return `Measured by \`npm run bench:bundle\` (${run.date}, 1-minute load average ${run.loadAverage[0].toFixed(1)} at the start and ${run.loadAverage[1].toFixed(1)} at the end on ${r.cpu.cores} cores: the wall times grow with the load). `;
}

/** Why a target was missed, with its figures; written for the targets this code is known to miss. */
function whyMissed(t: TargetCheck, r: Results): string {
  const cs = r.formatter.coldStart;
  const big = r.formatter.sizes[r.formatter.sizes.length - 1];
  switch (t.id) {
    case 'cold-start': {
      const sdk = r.formatter.sdkImportedStatically
        ? `, of which loading \`@aws-sdk/client-sfn\` alone takes ${cs.sdkImportMs.median.toFixed(1)} ms in a fresh process: \`formatters/formatter/handler.ts\` imports it at the top although it only needs it after \`States.DataLimitExceeded\` (\`readHistory\`)`
        : `; loading \`@aws-sdk/client-sfn\` is not part of it (deferred to the first AWS read, ${cs.sdkImportMs.median.toFixed(1)} ms alone in a fresh process)`;
      return `${coldStartRunText(r)}Importing the bundle takes ${cs.importMs.median.toFixed(1)} ms${sdk}. The first invocation (reading and compiling the template, formatting a 10-event history) adds ${cs.firstInvokeMs.median.toFixed(1)} ms.${cs.cpuMs ? ` Both took ${cs.cpuMs.median.toFixed(1)} ms of CPU time (every thread, so it can exceed the wall time on an idle machine).` : ''} A CPU profile (\`node --cpu-prof\`) puts most of it in JSONata (its own start-up at import, then compiling and evaluating the template once), in \`node:crypto\` (the deduplication id; on Lambda the SDK's request signing loads it anyway), in garbage collection and in code running for the first time. On Lambda the runtime's own start-up comes on top, with less CPU (see below).`;
    }
    case 'time-25k':
      return `The warm median for ${big ? int(big.events) : '25,000'} events (${big ? int(big.eventsPerSecond) : '?'} events/s); the first call in a process takes ${big?.firstCallMs.toFixed(1)} ms (JIT warm-up and the template compile). Timings on this shared machine move with its load (load average ${r.loadAverage[0].toFixed(1)}–${r.loadAverage[1].toFixed(1)} on ${r.cpu.cores} cores during this run; see the spread), and Lambda at 512 MB has less CPU still: at this size the formatter has little headroom.`;
    case 'heap-25k':
      return 'The peak heap of the whole process during the first call, history pages included.';
    case 'bundle':
      return `${coldStartRunText(r)}The minified index.mjs, source map not counted.`;
    case 'nothing-lost':
      return 'See the burst figures above and the delivery executions in bench/results.json.';
    case 'transitions':
      return 'As the local runner counts them for the bundled one-page example.';
    case 'vs-json-parse':
      return 'The handler (parse the payload, format, serialize the answer) in CPU time over JSON.parse of the same payload, both warm, medians in one process (`npm run bench:formatter`; how it is measured: bench/vs-json-parse.ts).';
    case 'endpoint-cold':
    case 'endpoint-warm':
    case 'endpoint-refusal':
      return 'See "Slack endpoint: the answer within 3 seconds" below.';
    case 'cost-one-page-dollars':
    case 'cost-25k-transitions':
    case 'cost-express-dollars':
    case 'cost-delivery-transitions':
      return 'See "Cost per notification, counted from runs" below.';
  }
}

/** Issue 20's cost scenarios beside the seed design and the floor on paper (absent from runs before it). */
function costScenariosDoc(r: Results): string {
  const c = r.cost;
  const s = c.scenarios;
  const run = c.scenarioRun;
  if (!s || !run || !c.expressNotifier) return '';
  const a = run.assumptions;
  const rows = COST_SCENARIOS.map((name) => {
    const e = s[name];
    const dynamo = Object.entries(e.dynamoDbRequests)
      .map(([op, n]) => `${op} ${round2(n)}`)
      .join(', ');
    return [
      `\`${name}\``,
      e.description,
      round2(e.notifierTransitions),
      `${round2(e.deliveryExecutions)} (${round2(e.deliveryTransitions)})`,
      round2(e.lambdaInvocations),
      `${round2(e.sqsRequests)} / ${round2(e.pipesRequests)}`,
      dynamo || '-',
      dollars(e.dollarsPerThousand),
    ];
  });
  const express = c.expressNotifier.onePage;
  return `## Cost per notification, counted from runs

Each scenario runs the real \`statemachines/notifier.asl.json\` and \`deliver.asl.json\` on the local pipeline
(\`bench/cost-scenarios.ts\`, \`npm run bench:cost\`); nothing below is a constant. Transitions are the state-entered
events in the executions' histories; Lambda invocations the \`lambda:invoke\` tasks (the formatter and the delivery
function, retries included); SQS requests the tasks' sends plus the Pipe's receives and deletes (64 KiB chunks);
one Pipes request per delivery execution; DynamoDB requests as the local server counted them, billed in the
request units it reported for each (\`ReturnConsumedCapacity\`: the larger of the item before and after). Figures
are per notification (one execution's news: \`runningThenUpdate\` is two events, \`storm500\` is averaged over its
500), priced per 1,000 with \`bench/cost.ts\` (${run.prices.region}, read on ${run.prices.date}).

${markdownTable(
  [
    'Scenario',
    'What',
    'Notifier transitions',
    'Delivery executions (transitions)',
    'Lambda invocations',
    'SQS / Pipes requests',
    'DynamoDB requests',
    '$ per 1,000',
  ],
  rows
)}

${markdownTable(
  ['Design', '$ per 1,000 notifications', 'What it is'],
  [
    [
      'this design, `onePage` (Standard notifier)',
      dollars(s.onePage.dollarsPerThousand),
      `${round2(s.onePage.notifierTransitions)} transitions (${dollars(s.onePage.notifierTransitions * prices.standardTransition * 1000)}) and everything else measured above`,
    ],
    [
      'this design, `onePage`, `notifierType: "express"`',
      dollars(express.dollarsPerThousand),
      `the same definition billed as Express: one request and ${express.notifierMs} ms (64 MB, 100 ms steps), the rest as above`,
    ],
    [
      'seed design (two Lambda functions and a queue)',
      dollars(c.designs.seed.dollarsPerThousand),
      'no execution to open, redrive or replay; no message store (see "What is measured")',
    ],
    [
      'floor, on paper',
      `about ${dollars(FLOOR_ON_PAPER_PER_THOUSAND)}`,
      'issue 20: the same features with no Standard transitions (an estimate, not measured)',
    ],
  ]
)}

Durations cannot be measured locally. ${run.durationBasis} Assumed: a Slack round trip ${a.slackLatencyMs} ms, a
GetExecutionHistory page ${a.historyPageLatencyMs} ms (the formatter's own page reads included), an SQS send
${a.sqsSendLatencyMs} ms, the delivery function ${a.deliveryFunctionMs} ms per invocation, Lambda's overhead ${a.lambdaOverheadMs} ms, any other AWS call
${a.awsCallMs} ms. The Standard transitions are most of the \`onePage\` figure; the storm's extra is its growing storm item
(DynamoDB write units) and the pacing waits (Express duration). Not included: CloudWatch Logs, the pollers' empty
receives, EventBridge Scheduler.
`;
}

const round2 = (n: number) => String(Math.round(n * 100) / 100);

function transitionShare(r: Results): string {
  const d = r.cost.designs.notifier;
  return (
    ((d.usage.standardTransitions * prices.standardTransition * 1000) / d.dollarsPerThousand) *
    100
  ).toFixed(0);
}

export function performanceDoc(r: Results): string {
  const all = rows(r);
  const missed = r.targets.filter((t) => !t.pass);
  const c = r.cost;
  const a = c.assumptions;
  return `# Performance

How fast, how small, how cheap, and how close to Slack's limit. Every figure below is copied by
\`npm run bench\` from the run recorded in [\`bench/results.json\`](../bench/results.json)
(${r.date}, Node ${r.node}, ${r.cpu.model}, ${r.cpu.cores} cores, 1-minute load average ${r.loadAverage[0].toFixed(1)} at the
start and ${r.loadAverage[1].toFixed(1)} at the end; the whole run took ${r.totalSeconds.toFixed(0)} s).
Figures are medians over repeated runs, ± half the interquartile range, n = runs. Nothing here is a timed test.

## Results

${markdownTable(
  ['Section', 'Measure', 'Value'],
  all.map((x) => [x.section, x.measure, x.value])
)}

## Targets

${markdownTable(
  ['Target', 'Figure', 'Result'],
  r.targets.map((t) => [t.target, t.figure, t.pass ? 'PASS' : '**MISS**'])
)}

${
  missed.length === 0
    ? 'Every target is met.'
    : `Missed:\n\n${missed.map((t) => `- **${t.target}**: ${t.figure}. ${whyMissed(t, r)}`).join('\n')}`
}

## Fault matrix

${faultMatrixLines(r).join('\n')}

Each entry is one run of the local pipeline (the real state machine files, the real formatter, the local FIFO
queue with its dead-letter queue and 6-minute visibility timeout, the local Slack server with its limit of a
burst of ${SLACK_BURST} then one post a second per channel) under one fault: \`bench/faults.ts\` says how each fault is
made. \`delivered\` counts notifications named by at least one accepted post; \`lost\` those neither delivered nor
waiting in a dead-letter queue; \`duplicated\` the extra accepted posts; \`maxPerChannelPerSecond\` the busiest
channel's accepted posts a second after its first ${SLACK_BURST}; \`drainSeconds\` simulated time from the first event
to the last request Slack saw (operator replays included). Poison messages held their group for
${Math.round(r.faultRun.poisonHoldSeconds)} s; the storm's channel showed ${r.faultRun.stormChannelMessages} messages (its executions
listed in the digest's thread). \`webhookBaseline\` and \`webhookStorm\` deliver through an incoming webhook
(statemachines/deliver.asl.json, webhook transport): a webhook message cannot be edited or threaded, so the storm's channel
showed ${r.faultRun.webhookStormChannelMessages} posts, the first ${STORM_THRESHOLD} on their own and then digest posts at most one a
minute, each listing the executions since the last. \`npm run bench:faults -- <fault> ...\` measures entries again
without the rest of the bench.

The Slack entries of issue 21 (\`bench/faults-slack.ts\`) inject the scenario step's faults (local/slack-faults.ts) for 5
minutes. Those with start notices (\`slackMsgTooLong\`, \`slackEditRefused\`, \`slackMessageDeleted\`, \`chatUpdateTier3\`,
\`chatUpdateTier3TenStacks\`) run ${START_NOTICE_LIMITS.notifications} executions over ${START_NOTICE_LIMITS.channels} channels of one environment (one message store): each
RUNNING message is posted first and its result comes 10 minutes later as an edit and a thread reply; there a
notification is the result, \`delivered\` when a post carries its deduplication id, \`duplicated\` counts any id posted
twice, and \`drainSeconds\` counts from the first result. \`chatUpdateTier3\` sends the 200 results at once (chat.update's
Tier 3 limit, a burst of 20 then 50 a minute in the local model: a 216 s floor); \`chatUpdateTier3TenStacks\` is the
same with a message store per channel (ten stacks pacing their edits apart against Slack's one workspace limit).
\`channelArchivedThenReplay\` archives the storm's channel for its 5 minutes, then unarchives it and replays the dead
letters at once: every failure is posted or listed once, but the news handled after the channel came back goes out
before the replayed dead letters, so its order is not the queue's.

The AWS pieces' entries (issue 21, \`bench/faults-aws.ts\`) fail them through the same stand-ins a scenario's steps
use: \`schedulerRefuses\` sends start notices with \`runningLongerThan\` while EventBridge Scheduler refuses every
CreateSchedule (\`ServiceQuotaExceededException\`); \`storeSlowCalls\` makes 1 store request in 200 take 30 s (the
delivery's client gives up after 2 s and tries again); \`storeOutage10min\` and \`storeThrottled5min\` fail every store
request (\`InternalServerError\`, \`ProvisionedThroughputExceededException\`) for 10 and 5 minutes; \`formatterSlow\`
makes 1 formatter invocation in 10 answer after 120 s (past the Format task's 65 s: the event-only message);
\`stormReplayAfterTwoDays\` removes the storm's channel after a minute, then two days later (its drain includes them)
adds it back, lets DynamoDB TTL run and replays the dead letters. \`first alarm\` is when the stack's first alarm
would fire (local/alarms.ts, contract/alarms.ts's thresholds); results.json lists every alarm of an entry.

A drain about 360 s longer than the posts need means one delivery per channel waited out the queue's 6-minute
visibility timeout. Runs before this one showed it (baseline, historyDeleted, formatterThrows, poisonMessages:
408 s where about 48 s is the rate limit's): each channel's first delivery failed on its first store call with
\`DynamoDB.TimeoutError\` (\`read ECONNRESET\`). The cause was the local wiring, not the delivery: the local store's
SDK client reused a keep-alive socket that the in-process DynamoDB server had closed after 5 s idle (real time,
while the 500 notifier executions ran before the first delivery). \`local/stand-ins/dynamodb.ts\` keeps idle sockets
open now. On AWS the DynamoDB integration owns its connections; a store error the machine does not retry would
still return that message to the queue for one visibility timeout, by design (retried, not lost).

${costScenariosDoc(r)}
${organizationDoc(r)}
${endpointDoc(r)}
## What is measured

- **Bundle**: \`formatters/formatter/handler.ts\` bundled with esbuild as \`infra/constructs/project-function.ts\` has CDK's
  NodejsFunction bundle it (ESM, minified, source map in a separate file without the sources' text, \`@aws-sdk/*\` external as the Node.js 24
  runtime provides it, the \`createRequire\` banner); the size of \`index.mjs\` and of its gzip -9.
- **Cold start**: a fresh \`node\` process (plain Node, no TypeScript loader) with the deployed environment
  (\`POWERTOOLS_LOG_LEVEL=INFO\`; no \`--enable-source-maps\`: the handler maps its stack traces itself, reading the map
  on the first one) imports the bundle and invokes the handler once with a
  10-event history (which reads and compiles the \`detailed\` template); \`process.hrtime\` around the import and the
  first invocation, measured inside the child. The whole-process figure is spawn to exit, Node's own start-up
  included. Lambda's own runtime start-up is not in either, and Lambda at 512 MB gets about 0.3 of a vCPU (a whole
  one at 1,769 MB), so every time here is likely to be longer there.
- **Summarize + render**: \`formatExecution\` (summary fold + JSONata template + Slack limits) on a generated
  history of a failed execution (a Map whose iterations run a Lambda task, one in 50 failing with a 32 KiB cause,
  then a final failing task; \`bench/histories.ts\`), in pages of 1,000 events. Each size runs in a fresh process:
  the first call (template compile included) is timed alone, then the warm calls give the median. Events/s =
  events ÷ the warm median.
- **Peak heap**: the same first call, in a process started with \`--expose-gc --trace-gc\`: \`gc()\` before and after
  it, and the largest "heap used before collection" that V8 reports between them (the heap in use only grows
  between collections, so that is its peak). It is the whole process's V8 heap (modules and the history pages
  included); "over baseline" is the part above the heap in use just before the call. V8 reports MiB; the target
  compares megabytes (1 MiB = 1.048576 MB).
- **Pipeline burst**: \`local/pipeline.ts\` with the real \`statemachines/notifier.asl.json\` and \`deliver.asl.json\`,
  the real formatter handler, against the local Slack-compatible server with its rate limit on (burst 3, then one
  message a second per channel, HTTP 429 with \`Retry-After\` beyond). ${r.pipeline.burst.notifications} executions finish at once, spread over
  ${r.pipeline.burst.channels} channels; as the construct deploys one channel per stack, each channel has its own notifier, FIFO queue and Pipe,
  and the five Pipes drain concurrently. Clock: ${r.pipeline.burst.clock}. The simulated time to drain counts the waits
  (retry backoff with jitter, visibility timeouts) and none of the compute or local HTTP; the wall time is what the
  run took here. The limit alone would let a channel's 40 messages drain in 37 s (3 at once, then one a second);
  the rest is the 429 retry backoff (2 s doubling, full jitter) waking a waiting message later than its token
  became available. Lost and duplicated are counted from what the server received (each execution's name in the
  message); rates come from the server's receive timestamps in sliding windows: "sustained" is a channel's messages after its first 3, per second from
  the end of that burst to its last message; "over limit" counts messages beyond what the token bucket allows over
  any interval. Repeated ${r.pipeline.burst.repeats} times with different jitter seeds.
- **Cost**: one notification at a time through the same local pipeline (${r.pipeline.single.runs} runs, the bundled
  \`examples/nightly-etl-failed\` history, ${c.measured.historyEvents} events, one page at the notifier's \`MaxResults\` 200):
  notifier state transitions as the local runner counts them; delivery executions; the formatter handler's duration
  in process × its memory from \`infra/constructs/formatter-function.ts\` (${c.measured.formatterMemoryMb} MB, arm64, 1 ms billing);
  the Express delivery billed per request and per 64 MB × 100 ms with duration = the local delivery
  (${c.measured.deliveryMs.toFixed(1)} ms) + an assumed Slack round trip of ${a.slackLatencyMs} ms; SQS FIFO send + receive + delete and one Pipe
  request (64 KiB chunks; the message is ${int(c.measured.messageBytes)} B). Prices: \`bench/cost.ts\`, ${c.prices.region}, read on ${c.prices.date}.
  Not included (both designs have them): CloudWatch Logs ingestion (the notifier logs ALL, without execution data unless \`logExecutionData\`), X-Ray,
  the Pipe's and the Lambda event source's empty long-poll receives (billed as SQS requests, per poller and
  not per notification), Lambda INIT billing on cold starts.
- **Seed design**, computed the same way: Lambda 1 (EventBridge → GetExecutionHistory → SQS) and Lambda 2 (SQS →
  Slack webhook), ${a.seedMemoryMb} MB each on x86_64 (Lambda's defaults); Lambda 1 = ${a.historyPageLatencyMs} ms per GetExecutionHistory page
  of ${a.seedPageSize} events + the measured formatting time + ${a.sqsSendLatencyMs} ms for SendMessage; Lambda 2 = the same ${a.slackLatencyMs} ms Slack round trip;
  SQS standard send + receive + delete. The assumed latencies are not measured here (no AWS account).

Of this design's ${dollars(c.designs.notifier.dollarsPerThousand)} per 1,000 notifications, ${transitionShare(r)}% is Standard state transitions
(${dollars(prices.standardTransition * 1000)} per 1,000): they buy an execution per notification that can be opened, redriven and replayed in the console,
which the seed does not have. Under the burst, each delivery execution also pays for the time it waits on 429
retries (Express bills duration); the seed's webhook Lambda would pay the same waits as Lambda duration, if it
retried at all.

## Reproduce

\`\`\`sh
npm run bench
\`\`\`

\`npm run bench:cost\` runs only the cost figures (the single notifications, the designs priced from them and the
cost scenarios, under a minute) and merges them, with their targets, into \`bench/results.json\`, this page and the
README table; \`npm run bench:organization\` then prices the central environment with them.
\`npm run bench:endpoint\` runs only the Slack endpoint's section (under a minute) and merges it, with its targets,
into \`bench/results.json\`, this page and the README table. \`npm run bench:formatter\` measures only the formatter
against \`JSON.parse\` (\`formatter.vsJsonParse\`: the handler's CPU time to parse its payload, format and serialize
the answer, over \`JSON.parse\` of the same payload, at about 1,000, 5,000 and 25,000 events, both warm, in blocks
that alternate and each start after a collection of the young generation; not after a full one, which made V8
throw away the handler's optimized code before every block: see bench/vs-json-parse.ts) and merges it and its
target (≤ 8) into \`bench/results.json\`;
\`npm run bench:bundle\` measures only the formatter's bundle and cold start (\`--runs <n>\`, 15 by default) and merges
them and their targets the same way; \`--dir <path>\` (both) bundles into another directory inside the repository.

It prints progress lines, then the table and the targets, and rewrites \`bench/results.json\` and this page. It takes
under a minute on 2 cores. Builds go to \`node_modules/.cache/sfn-slack-bench/\`.
`;
}
