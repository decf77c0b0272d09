/**
 * Formatter figures: bundle size, cold start, and summarize + render time and peak heap per history size.
 * Each measurement runs in fresh `node` processes on the bundles (plain Node, no TypeScript loader), as Lambda
 * runs them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TEMPLATE } from '../contract/templates.js';
import type { Bundle } from '../scripts/lambda-bundle.js';
import { buildDir, bundle, repoRoot } from './bundle.js';
import { RESULT_PREFIX, runChild } from './child.js';
import { parseGcLines, peakBetweenExplicitGcs } from './gc-trace.js';
import { generatedHistory } from './histories.js';
import { type Spread, spread } from './stats.js';
import { benchVsJsonParse, type VsJsonParse } from './vs-json-parse.js';

const settings = { environment: 'bench', template: DEFAULT_TEMPLATE };

/** Import the handler, then its first invocation (which reads and compiles the template), timed inside. */
const coldStartChild = `
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
// One destination's message (formatMessage): the Lambda entry's notifier decision around it also reads tags and
// the definition from AWS, which a bare process cannot reach.
const { formatMessage: handler } = await import(process.argv[2]);
const t1 = process.hrtime.bigint();
const output = await handler(input);
const t2 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
if (output.kind !== 'message') throw new Error('unexpected formatter output ' + output.kind);
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ importMs: Number(t1 - t0) / 1e6, firstInvokeMs: Number(t2 - t1) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** The part of the import that is the AWS SDK's SFN client (external: the runtime provides it). */
const sdkImportChild = `
const t0 = process.hrtime.bigint();
await import('@aws-sdk/client-sfn');
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ importMs: Number(process.hrtime.bigint() - t0) / 1e6 }));
`;

/**
 * One history size in a fresh process: gc() marks the start, the first format (template compile included)
 * runs, gc() marks the end (the --trace-gc peak between them is the heap figure); then the timed warm runs.
 */
const formatChild = `
const { formatExecution, generatedHistory } = await import(process.argv[2]);
const size = Number(process.argv[3]);
const runs = Number(process.argv[4]);
const history = generatedHistory(size);
const settings = ${JSON.stringify(settings)};
const format = () => formatExecution({ event: history.event, pages: history.pages, settings });
globalThis.gc();
let t = performance.now();
const first = await format();
const firstMs = performance.now() - t;
globalThis.gc();
const timesMs = [];
for (let i = 0; i < runs; i += 1) {
  t = performance.now();
  await format();
  timesMs.push(performance.now() - t);
}
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ eventCount: history.eventCount, steps: first.summary.steps.length, firstMs, timesMs }));
`;

export interface ColdStart {
  /** import + first invocation, measured inside the child. */
  readonly initMs: Spread;
  readonly importMs: Spread;
  readonly firstInvokeMs: Spread;
  /** Spawn to exit of the whole `node` process (Node's own start-up included). */
  readonly processWallMs: Spread;
  /** Importing `@aws-sdk/client-sfn` alone in a fresh process (part of `importMs` only if imported statically). */
  readonly sdkImportMs: Spread;
  /**
   * CPU time (user + system, every thread) of import + first invocation: on a loaded machine the wall figures
   * also hold the wait for a core (absent in older runs).
   */
  readonly cpuMs?: Spread;
}

export interface SizeResult {
  readonly requestedEvents: number;
  readonly events: number;
  /** Warm summarize + render. */
  readonly timeMs: Spread;
  /** The first call in the process (template compile included). */
  readonly firstCallMs: number;
  readonly eventsPerSecond: number;
  /** Peak V8 heap used during the first call, whole process (history and modules included), MiB. */
  readonly peakHeapMiB: number;
  /** The same peak above the heap in use just before the call (history already built), MiB. */
  readonly heapAboveBaselineMiB: number;
}

export interface FormatterResults extends Partial<Pick<ColdStartResults, 'coldStartRun'>> {
  readonly bundle: { readonly minifiedBytes: number; readonly gzipBytes: number };
  /** Whether formatters/formatter/handler.ts imports the SFN client statically (so every cold start loads it). */
  readonly sdkImportedStatically: boolean;
  readonly coldStart: ColdStart;
  readonly sizes: readonly SizeResult[];
  /** End-to-end handler CPU over JSON.parse of the same payload, per size (bench/vs-json-parse.ts). */
  readonly vsJsonParse?: readonly VsJsonParse[];
}

export interface FormatterPlan {
  readonly coldStartRuns: number;
  readonly sizes: readonly { readonly events: number; readonly runs: number }[];
}

/** The bundle and its cold start: `npm run bench:bundle` measures only these. */
export interface ColdStartResults {
  readonly bundle: FormatterResults['bundle'];
  readonly sdkImportedStatically: boolean;
  readonly coldStart: ColdStart;
  /** When the cold start was measured and the 1-minute load average at its start and end (absent in older runs). */
  readonly coldStartRun?: {
    readonly date: string;
    readonly loadAverage: readonly [number, number];
    /** Measured by `npm run bench:bundle`, apart from the full run. */
    readonly alone?: boolean;
  };
}

/** Bundles formatters/formatter/handler.ts as deployed and measures its cold start in fresh processes. */
export async function benchColdStart(
  runs: number,
  log: (line: string) => void,
  dir: string = buildDir
): Promise<ColdStartResults> {
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0] ?? 0;
  log('formatter: bundling formatters/formatter/handler.ts (esbuild, ESM, minified, @aws-sdk/* external)');
  const handlerBundle: Bundle = await bundle('formatters/formatter/handler.ts', 'handler', dir);
  const coldScript = path.join(dir, 'cold-start.mjs');
  writeFileSync(coldScript, coldStartChild);
  const sdkScript = path.join(dir, 'sdk-import.mjs');
  writeFileSync(sdkScript, sdkImportChild);
  const small = generatedHistory(10, 'bench-cold-start');
  const inputFile = path.join(dir, 'cold-start-input.json');
  writeFileSync(
    inputFile,
    JSON.stringify({
      event: small.event,
      pages: small.pages,
      settings: { ...settings, destination: { type: 'channel', channel: '#alerts' } },
    })
  );

  const init: number[] = [];
  const imports: number[] = [];
  const firsts: number[] = [];
  const walls: number[] = [];
  const sdk: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const run = await runChild<{ importMs: number; firstInvokeMs: number; cpuMs: number }>(
      [coldScript, handlerBundle.file, inputFile],
      // As deployed (infra/constructs/formatter-function.ts): INFO logs; no --enable-source-maps (the handler maps
      // its stack traces on demand, formatters/shared/stack-traces.ts).
      { cwd: repoRoot, env: { POWERTOOLS_LOG_LEVEL: 'INFO', NODE_OPTIONS: '', AWS_REGION: 'us-east-1' } }
    );
    imports.push(run.result.importMs);
    firsts.push(run.result.firstInvokeMs);
    init.push(run.result.importMs + run.result.firstInvokeMs);
    walls.push(run.wallMs);
    cpu.push(run.result.cpuMs);
    const sdkRun = await runChild<{ importMs: number }>([sdkScript], { cwd: dir });
    sdk.push(sdkRun.result.importMs);
  }
  const coldStart: ColdStart = {
    initMs: spread(init),
    importMs: spread(imports),
    firstInvokeMs: spread(firsts),
    processWallMs: spread(walls),
    sdkImportMs: spread(sdk),
    cpuMs: spread(cpu),
  };
  log(
    `formatter: bundle ${handlerBundle.minifiedBytes} B; cold start ${coldStart.initMs.median.toFixed(1)} ms import + first invoke, ${coldStart.cpuMs?.median.toFixed(1)} ms CPU (n=${runs})`
  );
  const handlerSource = readFileSync(path.join(repoRoot, 'formatters', 'formatter', 'handler.ts'), 'utf8');
  return {
    bundle: { minifiedBytes: handlerBundle.minifiedBytes, gzipBytes: handlerBundle.gzipBytes },
    sdkImportedStatically: /^import (?!type )[^;]*from '@aws-sdk\/client-sfn';/m.test(handlerSource),
    coldStart,
    coldStartRun: { date, loadAverage: [loadAtStart, os.loadavg()[0] ?? 0] },
  };
}

export async function benchFormatter(
  plan: FormatterPlan,
  log: (line: string) => void
): Promise<FormatterResults> {
  const cold = await benchColdStart(plan.coldStartRuns, log);
  const formatBundle = await bundle('bench/format-entry.ts', 'format');
  const formatScript = path.join(buildDir, 'format-size.mjs');
  writeFileSync(formatScript, formatChild);

  const sizes: SizeResult[] = [];
  for (const { events, runs } of plan.sizes) {
    const run = await runChild<{ eventCount: number; firstMs: number; timesMs: number[] }>(
      ['--expose-gc', '--trace-gc', formatScript, formatBundle.file, String(events), String(runs)],
      { cwd: repoRoot, env: { NODE_OPTIONS: '' } }
    );
    const heap = peakBetweenExplicitGcs(parseGcLines(run.lines));
    const timeMs = spread(run.result.timesMs);
    sizes.push({
      requestedEvents: events,
      events: run.result.eventCount,
      timeMs,
      firstCallMs: run.result.firstMs,
      eventsPerSecond: run.result.eventCount / (timeMs.median / 1000),
      peakHeapMiB: heap.peakMb,
      heapAboveBaselineMiB: heap.peakMb - heap.baselineMb,
    });
    log(
      `formatter: ${run.result.eventCount} events ${timeMs.median.toFixed(2)} ms, peak heap ${heap.peakMb.toFixed(1)} MiB`
    );
  }
  const vsJsonParse = await benchVsJsonParse(log);
  return { ...cold, sizes, vsJsonParse };
}
