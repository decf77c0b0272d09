/**
 * The formatter's speed relative to the bytes it is given: for each history size, the handler's end-to-end
 * CPU time (parse the Lambda payload, format, serialize the answer) over the CPU time of `JSON.parse` of the
 * same payload, both measured in one fresh process on the bundles, interleaved, medians compared. A ratio does
 * not depend on how fast the machine is, so it can be held to a target (bench/targets.ts).
 *
 * Both sides are measured warm, as a Lambda process that has served a few invocations runs them. Until
 * 2026-12-07 every block started after a full collection (`gc()`). That measured something else: a full
 * collection made while none of the handler's objects is alive lets V8 drop their object shapes, and with
 * them every piece of optimized code built on those shapes (`--trace-deopt`: about 130 "weak objects"
 * deoptimizations in 10 runs of 1,000 events, none with young-generation collections). Each measured block
 * then ran the handler's code unoptimized again and recompiled it (on a helper thread, CPU this process
 * counts), which `JSON.parse`, native code, never pays. Even averaged over 20 calls after each collection a
 * 1,000-event call took 10 ms against 3 ms warm, and the 25,000-event figure moved between ×6.6 and ×11.2
 * from run to run on the same code. In Lambda, full collections are triggered by allocation, during an
 * invocation, when those shapes are alive. So each block now starts after a collection of the young
 * generation only, which spares neither side anything it allocates itself (a scavenge costs what is alive,
 * and nothing of the other side's is), and each block allocates several young generations' worth (four times
 * the bytes it did), so the scavenges and promotions a stream of invocations causes land in it as they come.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TEMPLATE } from '../contract/templates.js';
import { buildDir, bundle, repoRoot } from './bundle.js';
import { RESULT_PREFIX, runChild } from './child.js';

export interface VsJsonParse {
  /** Events in the history. */
  readonly events: number;
  /** Handler CPU time over `JSON.parse` CPU time of the same payload (medians). */
  readonly ratio: number;
  readonly payloadBytes: number;
  readonly handlerCpuMs: number;
  readonly jsonParseCpuMs: number;
}

export const VS_JSON_PARSE_SIZES = [1_000, 5_000, 25_000] as const;

const settings = {
  environment: 'bench',
  template: DEFAULT_TEMPLATE,
  destination: { type: 'channel', channel: '#alerts' },
};

/**
 * The child: argv = handler bundle, history bundle, events, runs. `process.cpuUsage` counts the process's
 * CPU (user + system), so garbage collection on helper threads is in both figures. Each figure is a median
 * over `runs` blocks.
 */
const child = `
// One destination's message (formatMessage): the Lambda entry's notifier decision around it also reads tags and
// the definition from AWS, which a bare process cannot reach.
const { formatMessage: handler } = await import(process.argv[2]);
const { generatedHistory } = await import(process.argv[3]);
const size = Number(process.argv[4]);
const runs = Number(process.argv[5]);
const history = generatedHistory(size);
const payload = JSON.stringify({ event: history.event, pages: history.pages, settings: ${JSON.stringify(settings)} });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const end2end = async () => JSON.stringify(await handler(JSON.parse(payload)));
// Blocks of runs, so a small payload's few milliseconds are measured over several calls; the two kinds of
// block alternate, so load on the machine weighs on both alike. Each block starts after a collection of the
// young generation, so neither pays for the other's garbage; its own garbage it pays for: a block allocates
// several young generations' worth (each JSON.parse about the payload's size, each handler call two to three
// times it), so its scavenges and promotions are in it. Not a full collection: see the file's comment.
const parseRepeat = Math.max(1, Math.round(40_000_000 / payload.length));
const handlerRepeat = Math.max(3, Math.round(8_000_000 / payload.length));
const handlerMs = [];
const parseMs = [];
const collectYoung = () => globalThis.gc({ type: 'minor' });
// Warm-up, the same for both: three blocks of each, unmeasured, so the handler's code is optimized before
// the first measured block (a process's first invocations are its cold start, measured elsewhere).
for (let i = 0; i < 3; i += 1) {
  for (let j = 0; j < parseRepeat; j += 1) JSON.parse(payload);
  for (let j = 0; j < handlerRepeat; j += 1) await end2end();
}
for (let i = 0; i < runs; i += 1) {
  collectYoung();
  let t = cpu();
  for (let j = 0; j < parseRepeat; j += 1) JSON.parse(payload);
  parseMs.push((cpu() - t) / parseRepeat);
  collectYoung();
  t = cpu();
  let out = '';
  for (let j = 0; j < handlerRepeat; j += 1) out = await end2end();
  handlerMs.push((cpu() - t) / handlerRepeat);
  if (!out.includes('"kind":"message"')) throw new Error('unexpected formatter output');
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ events: history.eventCount, payloadBytes: Buffer.byteLength(payload), handlerCpuMs: median(handlerMs), jsonParseCpuMs: median(parseMs) }));
`;

/** Bundles the handler (into `dir`, @default the bench's build directory) and measures each size. */
export async function benchVsJsonParse(
  log: (line: string) => void,
  options: { readonly runs?: number; readonly dir?: string; readonly sizes?: readonly number[] } = {}
): Promise<VsJsonParse[]> {
  const dir = options.dir ?? buildDir;
  const handlerBundle = await bundle('formatters/formatter/handler.ts', 'vs-json-handler', dir);
  const historyBundle = await bundle('bench/format-entry.ts', 'vs-json-history', dir);
  const script = path.join(dir, 'vs-json-parse.mjs');
  writeFileSync(script, child);
  const results: VsJsonParse[] = [];
  for (const events of options.sizes ?? VS_JSON_PARSE_SIZES) {
    const run = await runChild<Omit<VsJsonParse, 'ratio'>>(
      [
        '--expose-gc',
        script,
        handlerBundle.file,
        historyBundle.file,
        String(events),
        String(options.runs ?? 21),
      ],
      // Logs as deployed (INFO): writing them is part of the handler's time.
      { cwd: repoRoot, env: { NODE_OPTIONS: '', POWERTOOLS_LOG_LEVEL: 'INFO', AWS_REGION: 'us-east-1' } }
    );
    const r = run.result;
    const ratio = r.handlerCpuMs / r.jsonParseCpuMs;
    results.push({ ...r, ratio: Math.round(ratio * 100) / 100 });
    log(
      `formatter vs JSON.parse: ${r.events} events (${(r.payloadBytes / 1e6).toFixed(1)} MB) handler ${r.handlerCpuMs.toFixed(1)} ms CPU, JSON.parse ${r.jsonParseCpuMs.toFixed(2)} ms → ×${ratio.toFixed(1)}`
    );
  }
  return results;
}
