/**
 * The Slack interactivity endpoint's answer time (issue "Act from Slack": Slack gives up after 3 seconds).
 *
 * The bundled interactivity Lambda (formatters/actions/handler.ts, bundled as CDK bundles it) runs in fresh `node`
 * processes, as Lambda runs it, with the real AWS SDK clients pointed at local endpoints: dynalite for the replay
 * guard's PutItem, and a stand-in answering Secrets Manager `GetSecretValue` and Step Functions `StartExecution`.
 * - cold: import of the bundle + the first signed Redrive click (secret read, PutItem, StartExecution), one
 *   process each;
 * - warm: in one process, signed Redrive clicks one after another (each a new signature, so each passes the
 *   replay guard), then requests with a bad signature (401, no AWS call: counted at the endpoints).
 * The AWS side the local run cannot measure is added as stated assumptions in the budget (bench/endpoint-budget.ts).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ActionsPolicy, INTERACTIVITY_BUNDLES_AWS_SDK, INTERACTIVITY_ENV } from '../contract/actions.js';
import { actionId, encodeButtonValue } from '../contract/buttons.js';
import { STORE_KEY } from '../contract/message-store.js';
import { clickBody, signedHeaders } from '../local/slack-clicks.js';
import { startLocalDynamoDb } from '../local/stand-ins/dynamodb.js';
import { buildDir, bundle, repoRoot } from './bundle.js';
import { RESULT_PREFIX, runChild } from './child.js';
import {
  type Assumption,
  ENDPOINT_ASSUMPTIONS,
  type EndpointBudget,
  endpointBudget,
  endpointMemoryMb,
  percentile,
  SLACK_ANSWER_LIMIT_MS,
} from './endpoint-budget.js';
import { startAwsStandIn } from './endpoint-stand-in.js';
import type { Results } from './results.js';
import { type Spread, spread } from './stats.js';
import type { EndpointTargetFigures } from './targets.js';

export interface EndpointPlan {
  /** Fresh processes for the cold start. */
  readonly coldStartRuns: number;
  /** Signed clicks before the timed ones (JIT, connection pools). */
  readonly warmUp: number;
  readonly clicks: number;
  readonly refusals: number;
}

export const ENDPOINT_PLAN: EndpointPlan = { coldStartRuns: 10, warmUp: 20, clicks: 300, refusals: 300 };

export interface EndpointResults {
  readonly date: string;
  /** 1-minute load average at the start and the end of this section. */
  readonly loadAverage: readonly [number, number];
  readonly plan: EndpointPlan;
  readonly bundle: {
    readonly minifiedBytes: number;
    readonly gzipBytes: number;
    /** Whether the bundle carries the AWS SDK clients (INTERACTIVITY_BUNDLES_AWS_SDK); absent in older runs. */
    readonly awsSdkBundled?: boolean;
  };
  readonly coldStart: {
    /** import + first signed Redrive click, measured inside the child. */
    readonly initMs: Spread;
    readonly importMs: Spread;
    readonly firstRequestMs: Spread;
    /** Spawn to exit of the whole `node` process. */
    readonly processWallMs: Spread;
    /**
     * CPU time (user + system, every thread) of import + first click: what Lambda's smaller CPU share stretches.
     * The wall figures also hold time spent waiting for a core on a loaded machine.
     */
    readonly cpuMs: Spread;
    /**
     * Importing the three AWS SDK clients from node_modules alone in a fresh process, as the runtime's SDK loads:
     * part of `importMs` only when the bundle leaves `@aws-sdk/*` external (`bundle.awsSdkBundled` says).
     */
    readonly sdkImportMs: Spread;
  };
  /** A signed Redrive click: signature, replay guard PutItem, StartExecution, answer 200. */
  readonly redrive: { readonly timeMs: Spread; readonly p99Ms: number; readonly maxMs: number };
  /** A bad signature: 401. */
  readonly refusal: { readonly timeMs: Spread; readonly p99Ms: number };
  /** AWS calls the refusals made (counted at the local endpoints; 0 expected). */
  readonly refusalAwsCalls: number;
  /** Calls the local endpoints received, over every run. */
  readonly awsCalls: {
    readonly getSecretValue: number;
    readonly putItem: number;
    readonly startExecution: number;
  };
  readonly assumptions: Readonly<Record<keyof typeof ENDPOINT_ASSUMPTIONS, Assumption>>;
  readonly budget: EndpointBudget;
}

const region = 'us-east-1';
const account = '000000000000';
const watchedMachine = `arn:aws:states:${region}:${account}:stateMachine:bench-etl`;
const policy: ActionsPolicy = {
  redrive: { users: ['U0ALICE'], userGroups: [] },
  stop: { users: ['U0ALICE'], userGroups: [] },
  mute: { users: ['U0ALICE'], userGroups: [] },
};
const secret = 'bench-signing-secret-0123456789abcdef';
const secretArn = `arn:aws:secretsmanager:${region}:${account}:secret:bench-signing-secret-AbCdEf`;

/** A Lambda function URL event for a click (`bad`: signed with another secret). */
function clickEvent(n: number, signature: 'good' | 'bad'): Record<string, unknown> {
  const body = clickBody({
    user: 'U0ALICE',
    channel: 'C0BENCH0001',
    message: { ts: `1700000000.${String(n).padStart(6, '0')}`, text: 'failed', blocks: [] },
    button: {
      action_id: actionId('redrive'),
      value: encodeButtonValue({
        executionArn: `arn:aws:states:${region}:${account}:execution:bench-etl:run-${n}`,
        redriveCount: 0,
      }),
    },
    responseUrl: 'https://hooks.slack.com/actions/T0LOCAL/1/bench',
  });
  return {
    version: '2.0',
    rawPath: '/',
    headers: { ...signedHeaders(secret, body, Date.now(), signature), host: 'bench.lambda-url.on.aws' },
    requestContext: { http: { method: 'POST', path: '/' } },
    body,
    isBase64Encoded: false,
  };
}

/** Import, then the first click; timed inside the child, wall clock and the process's CPU time. */
const coldChild = `
import { readFileSync } from 'node:fs';
const [event] = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const { handler } = await import(process.argv[2]);
const t1 = process.hrtime.bigint();
const answer = await handler(event);
const t2 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
if (answer.statusCode !== 200) throw new Error('the first click was answered ' + answer.statusCode);
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ importMs: Number(t1 - t0) / 1e6, firstRequestMs: Number(t2 - t1) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** The three AWS SDK clients the handler imports, from node_modules (as the runtime provides them), alone. */
const sdkImportChild = `
const t0 = process.hrtime.bigint();
await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/client-secrets-manager'), import('@aws-sdk/client-sfn')]);
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ importMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
`;

/** Warm-up clicks, timed clicks, timed refusals, one after another as a container takes them. */
const warmChild = `
import { readFileSync } from 'node:fs';
const { warmUp, clicks, refusals } = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const { handler } = await import(process.argv[2]);
const timed = async (events, status) => {
  const times = [];
  for (const event of events) {
    const t = performance.now();
    const answer = await handler(event);
    times.push(performance.now() - t);
    if (answer.statusCode !== status) throw new Error('answered ' + answer.statusCode + ', expected ' + status);
  }
  return times;
};
await timed(warmUp, 200);
const clickMs = await timed(clicks, 200);
const refusalMs = await timed(refusals, 401);
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ clickMs, refusalMs }));
`;

export async function benchEndpoint(
  plan: EndpointPlan,
  log: (line: string) => void,
  /** Where the bundle and the child scripts go, inside the repository. @default the bench's build directory */
  dir: string = buildDir
): Promise<EndpointResults> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  log(
    `endpoint: bundling formatters/actions/handler.ts (esbuild, ESM, minified, @aws-sdk/* ${INTERACTIVITY_BUNDLES_AWS_SDK ? 'bundled in' : 'external'})`
  );
  const handlerBundle = await bundle('formatters/actions/handler.ts', 'interactivity', dir, {
    bundleAwsSdk: INTERACTIVITY_BUNDLES_AWS_SDK,
  });
  const coldScript = path.join(dir, 'endpoint-cold.mjs');
  const warmScript = path.join(dir, 'endpoint-warm.mjs');
  const sdkScript = path.join(dir, 'endpoint-sdk-import.mjs');
  writeFileSync(sdkScript, sdkImportChild);
  writeFileSync(coldScript, coldChild);
  writeFileSync(warmScript, warmChild);

  const tableName = 'sfn-slack-bench-messages';
  const store = await startLocalDynamoDb({ tableName, key: STORE_KEY });
  const aws = await startAwsStandIn({ secret, secretArn, region, account });
  const putItems = () => store.requestCount() - 1; // the table's creation
  const env = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_ENDPOINT_URL_SFN: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
    [INTERACTIVITY_ENV.signingSecretArn]: secretArn,
    [INTERACTIVITY_ENV.stateMachineArn]: `arn:aws:states:${region}:${account}:stateMachine:sfn-slack-actions-bench`,
    [INTERACTIVITY_ENV.tableName]: tableName,
    [INTERACTIVITY_ENV.watched]: JSON.stringify([watchedMachine]),
    [INTERACTIVITY_ENV.policy]: JSON.stringify(policy),
    [INTERACTIVITY_ENV.environment]: 'bench',
    // As deployed (infra/constructs/slack-actions.ts): no --enable-source-maps, the handler maps its stack traces.
    NODE_OPTIONS: '',
  };
  let clickNumber = 0;
  const events = (count: number, signature: 'good' | 'bad') =>
    Array.from({ length: count }, () => {
      clickNumber += 1;
      return clickEvent(clickNumber, signature);
    });

  try {
    const imports: number[] = [];
    const firsts: number[] = [];
    const init: number[] = [];
    const walls: number[] = [];
    const cpu: number[] = [];
    const sdk: number[] = [];
    const inputFile = path.join(dir, 'endpoint-input.json');
    for (let i = 0; i < plan.coldStartRuns; i += 1) {
      writeFileSync(inputFile, JSON.stringify(events(1, 'good')));
      const run = await runChild<{ importMs: number; firstRequestMs: number; cpuMs: number }>(
        [coldScript, handlerBundle.file, inputFile],
        { cwd: repoRoot, env }
      );
      imports.push(run.result.importMs);
      firsts.push(run.result.firstRequestMs);
      init.push(run.result.importMs + run.result.firstRequestMs);
      walls.push(run.wallMs);
      cpu.push(run.result.cpuMs);
      const sdkRun = await runChild<{ importMs: number }>([sdkScript], { cwd: dir });
      sdk.push(sdkRun.result.importMs);
    }
    const coldStart = {
      initMs: spread(init),
      importMs: spread(imports),
      firstRequestMs: spread(firsts),
      processWallMs: spread(walls),
      cpuMs: spread(cpu),
      sdkImportMs: spread(sdk),
    };
    log(
      `endpoint: cold start ${coldStart.initMs.median.toFixed(1)} ms import + first click, ${coldStart.cpuMs.median.toFixed(1)} ms CPU (n=${plan.coldStartRuns})`
    );

    const warmInput = {
      warmUp: events(plan.warmUp, 'good'),
      clicks: events(plan.clicks, 'good'),
      refusals: events(plan.refusals, 'bad'),
    };
    writeFileSync(inputFile, JSON.stringify(warmInput));
    const before = {
      puts: putItems(),
      starts: aws.counts.startExecution,
      secrets: aws.counts.getSecretValue,
    };
    const warm = await runChild<{ clickMs: number[]; refusalMs: number[] }>(
      [warmScript, handlerBundle.file, inputFile],
      { cwd: repoRoot, env }
    );
    const accepted = plan.warmUp + plan.clicks;
    const made = {
      puts: putItems() - before.puts,
      starts: aws.counts.startExecution - before.starts,
      secrets: aws.counts.getSecretValue - before.secrets,
    };
    // Each signed click must have been guarded and started, or the timings are not of the Redrive path.
    if (made.puts < accepted || made.starts < accepted || made.secrets < 1) {
      throw new Error(
        `the ${accepted} signed clicks made ${made.puts} PutItem, ${made.starts} StartExecution and ${made.secrets} GetSecretValue calls: each click must put and start once`
      );
    }
    // One secret read for the process, one put and one start per signed click: anything more came from a refusal.
    const refusalAwsCalls = made.puts - accepted + (made.starts - accepted) + (made.secrets - 1);
    const redrive = {
      timeMs: spread(warm.result.clickMs),
      p99Ms: percentile(warm.result.clickMs, 99),
      maxMs: Math.max(...warm.result.clickMs),
    };
    const refusal = { timeMs: spread(warm.result.refusalMs), p99Ms: percentile(warm.result.refusalMs, 99) };
    log(
      `endpoint: warm Redrive click ${redrive.timeMs.median.toFixed(2)} ms median, p99 ${redrive.p99Ms.toFixed(2)} ms (n=${plan.clicks}); bad signature ${refusal.timeMs.median.toFixed(3)} ms, ${refusalAwsCalls} AWS calls`
    );
    return {
      date: new Date().toISOString(),
      loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
      plan,
      bundle: {
        minifiedBytes: handlerBundle.minifiedBytes,
        gzipBytes: handlerBundle.gzipBytes,
        awsSdkBundled: INTERACTIVITY_BUNDLES_AWS_SDK,
      },
      coldStart,
      redrive,
      refusal,
      refusalAwsCalls,
      awsCalls: {
        getSecretValue: aws.counts.getSecretValue,
        putItem: putItems(),
        startExecution: aws.counts.startExecution,
      },
      assumptions: ENDPOINT_ASSUMPTIONS,
      budget: endpointBudget(
        { coldCpuMs: coldStart.cpuMs.median, warmP99Ms: redrive.p99Ms },
        endpointMemoryMb()
      ),
    };
  } finally {
    await aws.close();
    await store.close();
  }
}

/** The figures bench/targets.ts checks. */
export function endpointTargetFigures(e: EndpointResults): EndpointTargetFigures {
  return {
    coldMs: e.coldStart.initMs.median,
    warmP99Ms: e.redrive.p99Ms,
    refusalAwsCalls: e.refusalAwsCalls,
  };
}

const ms1 = (n: number) => `${n.toFixed(1)} ms`;
const ms2 = (s: Spread) => `${s.median.toFixed(2)} ms ±${s.iqrHalf.toFixed(2)} (n=${s.runs})`;

/** The docs/performance.md section (empty for a run without the endpoint). */
export function endpointDoc(r: Results): string {
  const e = r.endpoint;
  if (!e) return '';
  const a = e.assumptions;
  const b = e.budget;
  const factor = b.cpuFactor.toFixed(1);
  return `## Slack endpoint: the answer within 3 seconds

Slack shows the clicker an error when the interactivity request URL does not answer within ${SLACK_ANSWER_LIMIT_MS.toLocaleString('en-US')} ms ("you only
have 3 seconds to respond", Slack's Bolt documentation, "Acknowledging requests",
https://docs.slack.dev/tools/bolt-js/concepts/acknowledge; "Your app has to respond to the request within 3
seconds", https://docs.slack.dev/tools/java-slack-sdk/guides/interactive-components). Measured by
\`npm run bench:endpoint\` (\`bench/endpoint.ts\`, ${e.date}): the bundled interactivity Lambda
(\`formatters/actions/handler.ts\`, ${e.bundle.minifiedBytes.toLocaleString('en-US')} B minified${e.bundle.awsSdkBundled ? ', the AWS SDK clients bundled in' : ''}, bundled as the construct bundles it) in fresh \`node\`
processes with the real AWS SDK clients: the replay guard's PutItem on dynalite, Secrets Manager and Step Functions
\`StartExecution\` on a local stand-in endpoint.

| Measure | Value |
| --- | --- |
| cold start: import + first signed Redrive click | ${ms2(e.coldStart.initMs)} |
| … import of the bundle | ${ms2(e.coldStart.importMs)} |
| … first click (secret read, PutItem, StartExecution, new connections) | ${ms2(e.coldStart.firstRequestMs)} |
| … whole process, spawn to exit | ${ms2(e.coldStart.processWallMs)} |
| … CPU time of import + first click (user + system) | ${ms2(e.coldStart.cpuMs)} |
| importing the three AWS SDK clients alone from node_modules, fresh process${e.bundle.awsSdkBundled ? ' (not used: the bundle carries its own)' : ''} | ${ms2(e.coldStart.sdkImportMs)} |
| warm signed Redrive click → 200 (signature, PutItem, StartExecution) | ${ms2(e.redrive.timeMs)}, p99 ${ms1(e.redrive.p99Ms)}, max ${ms1(e.redrive.maxMs)} |
| warm bad signature → 401 | ${ms2(e.refusal.timeMs)}, p99 ${ms1(e.refusal.p99Ms)} |
| AWS calls made by the ${e.plan.refusals} refusals | ${e.refusalAwsCalls} |
| calls the local endpoints received (all runs) | GetSecretValue ${e.awsCalls.getSecretValue}, PutItem ${e.awsCalls.putItem}, StartExecution ${e.awsCalls.startExecution} |

The budget on AWS: the local figures × ${factor} (CPU at ${b.memoryMb} MB) plus what the local run cannot measure:

| Part | Assumed | Source |
| --- | --- | --- |
| network | ${a.network.ms} ms | ${a.network.source} |
| runtime start (cold only) | ${a.runtimeInit.ms} ms | ${a.runtimeInit.source} |
| GetSecretValue (cold only) | ${a.secretRead.ms} ms | ${a.secretRead.source} |
| PutItem | ${a.putItem.ms} ms | ${a.putItem.source} |
| StartExecution | ${a.startExecution.ms} ms | ${a.startExecution.source} |
| CPU | × ${factor} | ${a.cpuShare.source} |

- **Warm**: ${a.network.ms} + ${ms1(e.redrive.p99Ms)} p99 × ${factor} + ${a.putItem.ms} + ${a.startExecution.ms} = **${Math.round(b.warmMs).toLocaleString('en-US')} ms** of ${b.limitMs.toLocaleString('en-US')}.
- **Cold**: ${a.network.ms} + ${a.runtimeInit.ms} + ${ms1(e.coldStart.cpuMs.median)} CPU × ${factor} + ${a.secretRead.ms} + ${a.putItem.ms} + ${a.startExecution.ms} = **${Math.round(b.coldMs).toLocaleString('en-US')} ms** of ${b.limitMs.toLocaleString('en-US')}.

Warm uses the p99 wall time, which already includes the round trips to the local endpoints (so the AWS calls
count twice: the budget errs long). Cold uses the CPU time of import + first click rather than its wall time: on
this shared machine (1-minute load average ${e.loadAverage[0].toFixed(1)} at the start of this section and ${e.loadAverage[1].toFixed(1)} at its end, on
${r.cpu.cores} cores) the wall time is largely waiting for a core, and scaling that wait by ${factor} would count it several
times. The budget is not a measurement on AWS: a deployed function's answer time is in its
\`Duration\` and \`Init Duration\` (CloudWatch, REPORT lines), which is what to watch if clicks show Slack's error.
The SDK clients retry at most once (\`maxAttempts: 2\`), so a throttled call can add one retry to the answer.
`;
}
