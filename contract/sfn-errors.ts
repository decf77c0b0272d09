/**
 * The error names Step Functions' aws-sdk integration raises for a Step Functions call (docs/infra.md, "Retries:
 * the error names the integrations raise"), in one place: the state machine files' retriers and catchers and the
 * act-in-region function (which answers as the integration would) both follow it. Pure (no AWS SDK).
 */

/**
 * The exception shapes of the Step Functions API model (the names of @aws-sdk/client-sfn's exception classes;
 * test/contract/sfn-errors.test.ts keeps the list equal to the SDK's).
 */
export const SFN_MODELLED_ERRORS = [
  'ActivityAlreadyExists',
  'ActivityDoesNotExist',
  'ActivityLimitExceeded',
  'ActivityWorkerLimitExceeded',
  'ConflictException',
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'ExecutionLimitExceeded',
  'ExecutionNotRedrivable',
  'InvalidArn',
  'InvalidDefinition',
  'InvalidEncryptionConfiguration',
  'InvalidExecutionInput',
  'InvalidLoggingConfiguration',
  'InvalidName',
  'InvalidOutput',
  'InvalidToken',
  'InvalidTracingConfiguration',
  'KmsAccessDeniedException',
  'KmsInvalidStateException',
  'KmsThrottlingException',
  'MissingRequiredParameter',
  'ResourceNotFound',
  'ServiceQuotaExceededException',
  'StateMachineAlreadyExists',
  'StateMachineDeleting',
  'StateMachineDoesNotExist',
  'StateMachineLimitExceeded',
  'StateMachineTypeNotSupported',
  'TaskDoesNotExist',
  'TaskTimedOut',
  'TooManyTags',
  'ValidationException',
] as const;

/** What the integration raises for every error the model does not define (throttling, internal, access denied). */
export const SFN_UNMODELLED_ERROR = 'Sfn.SfnException';

/**
 * The integration's name for an error of a Step Functions call: `Sfn.<shape>` with `Exception` appended where the
 * shape's name lacks it (`InvalidToken` → `Sfn.InvalidTokenException`) for a modelled error, else
 * `Sfn.SfnException`.
 * @param name the SDK error's name (a modelled shape name, or anything else)
 */
export function sfnIntegrationErrorName(name: string): string {
  if (!(SFN_MODELLED_ERRORS as readonly string[]).includes(name)) return SFN_UNMODELLED_ERROR;
  return `Sfn.${name.endsWith('Exception') ? name : `${name}Exception`}`;
}

/** Every `Sfn.*` name the integration can raise: what a retrier or catcher may name. */
export const SFN_INTEGRATION_ERRORS: readonly string[] = [
  ...SFN_MODELLED_ERRORS.map(sfnIntegrationErrorName),
  SFN_UNMODELLED_ERROR,
];
