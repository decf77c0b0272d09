import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONSOLE_HOSTS, executionConsoleUrl } from '../../contract/console.js';
import { stormLine } from '../../formatters/delivery/compose.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sources = (dir: string): string[] =>
  readdirSync(path.join(repoRoot, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(repoRoot, rel)).isDirectory() ? sources(rel) : rel.endsWith('.ts') ? [rel] : [];
  });

const gov = 'arn:aws-us-gov:states:us-gov-west-1:111122223333:execution:etl:run-1';

describe('console links: one rule (contract/console.ts)', () => {
  it('links an execution in its own partition and region, and not at all where the console is unknown', () => {
    expect(executionConsoleUrl(gov)).toBe(
      `https://us-gov-west-1.console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/${gov}`
    );
    expect(
      executionConsoleUrl('arn:aws-nowhere:states:x-1:111122223333:execution:etl:run-1')
    ).toBeUndefined();
    expect(executionConsoleUrl('not an arn')).toBeUndefined();
  });

  it('the delivery function’s storm digest links with the same rule (GovCloud host; no link when unknown)', () => {
    expect(stormLine(gov, 'failed', 100)).toContain('<https://us-gov-west-1.console.amazonaws-us-gov.com/');
    expect(stormLine('arn:aws-nowhere:states:x-1:111122223333:execution:etl:run-1', 'failed', 100)).toBe(
      '• run-1 failed'
    );
  });

  it('no other source builds a console URL from a host of its own', () => {
    const hosts = Object.values(CONSOLE_HOSTS).map((h) => h.host);
    const offenders = ['formatters', 'cli', 'local', 'infra', 'preview'].flatMap((dir) =>
      sources(dir).filter((file) =>
        hosts.some((host) => readFileSync(path.join(repoRoot, file), 'utf8').includes(host))
      )
    );
    expect(hosts).toContain('console.aws.amazon.com');
    expect(offenders).toEqual([]);
  });
});
