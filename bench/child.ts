/** Runs a fresh `node` process and collects its result line and output. */
import { spawn } from 'node:child_process';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface ChildRun<T> {
  readonly result: T;
  /** Every stdout line (e.g. --trace-gc output). */
  readonly lines: string[];
  /** Spawn to exit, wall clock. */
  readonly wallMs: number;
}

export function runChild<T>(
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }
): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const lines = out.split('\n');
      const line = lines.find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`child exited ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, lines, wallMs });
    });
  });
}
