import * as sfn from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  SFN_INTEGRATION_ERRORS,
  SFN_MODELLED_ERRORS,
  sfnIntegrationErrorName,
} from '../../contract/sfn-errors.js';

/** The names of the SDK's modelled exceptions: every exported subclass of SFNServiceException, instantiated. */
function sdkModelledErrorNames(): string[] {
  type Exception = new (options: { message: string; $metadata: object }) => Error;
  return (Object.values(sfn) as unknown[])
    .filter(
      (value): value is Exception =>
        typeof value === 'function' &&
        value !== sfn.SFNServiceException &&
        value.prototype instanceof sfn.SFNServiceException
    )
    .map((Exception) => new Exception({ message: '', $metadata: {} }).name)
    .sort();
}

describe('contract/sfn-errors', () => {
  it('lists exactly the exception shapes of the Step Functions model (the SDK client’s exception classes)', () => {
    const names = sdkModelledErrorNames();
    expect(names.length).toBeGreaterThan(20);
    expect([...SFN_MODELLED_ERRORS].sort()).toEqual(names);
  });

  it('names a modelled error Sfn.<shape>, with Exception appended where the shape lacks it', () => {
    expect(sfnIntegrationErrorName('ExecutionNotRedrivable')).toBe('Sfn.ExecutionNotRedrivableException');
    expect(sfnIntegrationErrorName('InvalidToken')).toBe('Sfn.InvalidTokenException');
    expect(sfnIntegrationErrorName('KmsThrottlingException')).toBe('Sfn.KmsThrottlingException');
  });

  it('names every other error Sfn.SfnException (throttling, internal errors, access denied, network)', () => {
    for (const name of [
      'ThrottlingException',
      'AccessDeniedException',
      'InternalServerError',
      'TimeoutError',
      'Error',
    ]) {
      expect(sfnIntegrationErrorName(name), name).toBe('Sfn.SfnException');
    }
  });

  it('allows the integration names only', () => {
    expect(SFN_INTEGRATION_ERRORS).toContain('Sfn.SfnException');
    expect(SFN_INTEGRATION_ERRORS).toContain('Sfn.ExecutionDoesNotExistException');
    expect(SFN_INTEGRATION_ERRORS).not.toContain('Sfn.ExecutionDoesNotExist');
    expect(SFN_INTEGRATION_ERRORS).not.toContain('Sfn.ThrottlingException');
  });
});
