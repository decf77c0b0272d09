/**
 * The repository's app sets every feature flag aws-cdk-lib recommends (cdk.json), so `cdk synth` prints no
 * feature-flag notice; a CDK upgrade that recommends a new flag fails here until its template change is looked at
 * and the flag set (docs/infra.md, "CDK feature flags in your app").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cdkJsonFileContext } from './helpers.js';

const recommended = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')
) as Record<string, unknown>;

describe('CDK feature flags', () => {
  it('cdk.json sets each recommended flag to its recommended value', () => {
    const context = cdkJsonFileContext();
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    const unset = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value))
      .map(([flag]) => flag);
    expect(unset).toEqual([]);
  });
});
