/**
 * Keeps the in-process formatter's Lambda logs (JSON lines on stdout) out of the command's output: they go to
 * the progress lines instead.
 */
export async function withLambdaLogs<T>(sink: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.trim() !== '') sink(`formatter: ${line}`);
    return true;
  }) as typeof process.stdout.write;
  try {
    return await run();
  } finally {
    process.stdout.write = original;
  }
}
