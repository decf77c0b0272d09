import { appendFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
const start = performance.now();
const cpu0 = process.cpuUsage();
afterAll(() => {
  const file = expect.getState().testPath ?? 'x';
  const cpu = process.cpuUsage(cpu0);
  appendFileSync('/tmp/ft.jsonl', JSON.stringify({ file: file.replace('/work/main/', ''), wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }) + '\n');
});
