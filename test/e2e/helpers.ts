import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FormatterInput, FormatterOutput } from '../../contract/formatter.js';
import { type FormatterHandler, formatMessage } from '../../formatters/formatter/handler.js';
import { VirtualClock } from '../../local/asl/index.js';
import { bundledExample, type Example, historiesOf, renamed } from '../../local/examples.js';
import { LocalPipeline, type PipelineOptions } from '../../local/pipeline.js';
import {
  type SlackServer,
  type SlackServerOptions,
  startSlackServer,
} from '../../local/slack-server/index.js';
import type { HistorySource } from '../../local/stand-ins/history.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export { type Example, historiesOf, renamed };

export const examples = {
  failed: (): Example => bundledExample('failed'),
  succeeded: (): Example => bundledExample('succeeded'),
};

/** A formatter with its Lambda log lines (JSON on stdout) kept out of the test output. */
export function quiet(handler: FormatterHandler): FormatterHandler {
  return async (input: FormatterInput): Promise<FormatterOutput> => {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      return await handler(input);
    } finally {
      process.stdout.write = write;
    }
  };
}

/** The formatter, as deployed, with its Lambda log lines kept out of the test output. */
export const quietFormatter: FormatterHandler = quiet(formatMessage);

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
      formatter: formatMessage,
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

/** The context block's lines ("is this normal?"), or [] when the message has none. */
export function contextLines(message: { blocks?: unknown[] }): string[] {
  const block = ((message.blocks ?? []) as { type: string; elements?: { text?: string }[] }[]).find(
    (b) =>
      b.type === 'context' &&
      /usually|in a row|same `|first (failure|success)/.test(b.elements?.[0]?.text ?? '')
  );
  return block?.elements?.[0]?.text?.split('\n') ?? [];
}
