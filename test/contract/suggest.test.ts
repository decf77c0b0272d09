import { describe, expect, it } from 'vitest';
import { closest, suggestion } from '../../contract/suggest.js';

describe('closest: "did you mean"', () => {
  it('finds a swap, a missing or an extra letter', () => {
    expect(closest('prdo', ['dev', 'prod', 'org'])).toBe('prod');
    expect(closest('stateMachineArn', ['stateMachineArns', 'statuses'])).toBe('stateMachineArns');
    expect(closest('regions', ['region', 'routes'])).toBe('region');
  });

  it('suggests nothing far off, and lists the names instead', () => {
    expect(closest('staging', ['dev', 'prod', 'org'])).toBeUndefined();
    expect(suggestion('staging', ['dev', 'prod'])).toBe('use one of dev, prod');
    expect(suggestion('Prod', ['dev', 'prod'])).toBe('did you mean prod?');
  });
});
