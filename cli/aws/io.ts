/** Where commands read and write, so tests can capture output and feed standard input. */
import type { Environment } from './context.js';

export interface Io {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The process environment (AWS_REGION, SFN_SLACK_ENV, NO_COLOR, ...). @default process.env */
  readonly env?: Environment;
  /** Waits between progress polls; tests pass a no-op. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  };
}

/** The environment an Io carries, or the process's. */
export function envOf(io: Pick<Io, 'env'>): Environment {
  return io.env ?? process.env;
}

/**
 * Whether to style output for `stream`: only on a terminal, never with NO_COLOR set to anything but the empty
 * string (https://no-color.org) or on a dumb terminal.
 */
export function useColor(stream: { readonly isTTY?: boolean }, env: Environment): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Reads all of standard input as text. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
