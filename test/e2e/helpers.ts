/** Shared setup for the end-to-end tests: the real state machine files, formatter, queue, Pipe and server. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FormatterInput, FormatterOutput, StatusChangeEvent } from '../../contract/formatter.js';
import { handler } from '../../formatters/handler.js';
import { VirtualClock } from '../../local/asl/index.js';
import { LocalPipeline, type PipelineOptions } from '../../local/pipeline.js';
import {
  type SlackServer,
  type SlackServerOptions,
  startSlackServer,
} from '../../local/slack-server/index.js';
import {
  type HistoryPage,
  type HistorySource,
  recordedHistorySource,
} from '../../local/stand-ins/history.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8')) as T;

export interface Example {
  readonly event: StatusChangeEvent;
  readonly pages: HistoryPage[];
}

export const examples = {
  failed: (): Example => ({
    event: readJson('examples/nightly-etl-failed.event.json'),
    pages: readJson('examples/nightly-etl-failed.history.json'),
  }),
  succeeded: (): Example => ({
    event: readJson('examples/nightly-etl-succeeded.event.json'),
    pages: readJson('examples/nightly-etl-succeeded.history.json'),
  }),
};

/** The same execution under another name (a distinct ARN, so a distinct deduplication id). */
export function renamed(example: Example, name: string): Example {
  const arn = example.event.detail.executionArn.replace(/:[^:]+$/, `:${name}`);
  return {
    ...example,
    event: { ...example.event, detail: { ...example.event.detail, executionArn: arn, name } },
  };
}

/** The formatter with its Lambda log lines (JSON on stdout) kept out of the test output. */
export async function quietFormatter(input: FormatterInput): Promise<FormatterOutput> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await handler(input);
  } finally {
    process.stdout.write = write;
  }
}

/** A history source serving several executions by ARN. */
export function historiesOf(list: readonly Example[]): HistorySource {
  const sources = new Map(list.map((e) => [e.event.detail.executionArn, recordedHistorySource(e.pages)]));
  return async (request) => {
    const source = sources.get(request.executionArn);
    if (!source) throw new Error(`no history for ${request.executionArn}`);
    return source(request);
  };
}

export interface Harness {
  readonly pipeline: LocalPipeline;
  readonly slack: SlackServer;
  readonly clock: VirtualClock;
  /** The pipeline's log lines. */
  readonly logs: string[];
  /** Everything written to stdout and stderr while the harness was open (the formatter's Lambda logs). */
  readonly output: string[];
  close(): Promise<void>;
}

/** Collects what the process writes (the in-process Lambda logs) instead of letting it reach the test output. */
function captureOutput(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  return {
    lines,
    restore() {
      streams.forEach((s, i) => {
        s.write = originals[i] as typeof s.write;
      });
    },
  };
}

/** A pipeline on a virtual clock with its own local Slack server (channel #alerts = C0ALERTS). */
export async function harness(
  options: Partial<PipelineOptions> & { history: HistorySource; webhook?: boolean },
  server: SlackServerOptions = {}
): Promise<Harness> {
  const { webhook, ...pipelineOptions } = options;
  const clock = new VirtualClock(Date.UTC(2026, 10, 24, 2, 20));
  const slack = await startSlackServer({ clock, channels: [{ id: 'C0ALERTS', name: 'alerts' }], ...server });
  const logs: string[] = [];
  const captured = captureOutput();
  let pipeline: LocalPipeline;
  try {
    pipeline = await LocalPipeline.create({
      formatter: handler as (input: FormatterInput) => Promise<FormatterOutput>,
      clock,
      random: () => 0.5,
      slack: { kind: 'local', server: slack, webhook: webhook ?? false },
      log: (line) => logs.push(line),
      ...pipelineOptions,
    });
  } catch (error) {
    captured.restore();
    await slack.close();
    throw error;
  }
  return {
    pipeline,
    slack,
    clock,
    logs,
    output: captured.lines,
    async close() {
      captured.restore();
      await pipeline.close();
      await slack.close();
    },
  };
}

/** All the text of a message: its `text` and every string inside its blocks. */
export function allText(message: { text?: string; blocks?: unknown[] }): string {
  const strings: string[] = [message.text ?? ''];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(message.blocks ?? []);
  return strings.join('\n');
}

/** Waits (real time) until the server has settled a slow request the client gave up on. */
export async function settledSlowRequest(slack: SlackServer, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!slack.requests.some((r) => r.outcome.includes('gave up'))) {
    if (Date.now() > until) throw new Error('the slow request never settled');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
