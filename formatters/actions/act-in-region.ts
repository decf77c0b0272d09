/**
 * Acting on a run of a central environment's other source region. Step Functions' SDK integrations call only the
 * actions machine's own region, so for a run elsewhere the machine invokes the "act in region" Lambda instead of
 * its Redrive or Stop task (infra/source-roles.ts adds that branch). This is its logic: the same call the SDK task
 * would make, with the act role of the execution's account and region (the name rule of the task `Credentials`),
 * through a client in the execution's region, answered in the SDK integration's shape and failing with the
 * integration's error names (`Sfn.<Name>Exception`, `Sfn.SfnException`), so the machine's retriers, catchers and later states apply
 * unchanged.
 *
 * Mute is not here: the notifier cannot keep its count of held notifications in another region, so the Mute
 * buttons of such runs are hidden and the machine refuses them (docs/actions.md).
 */
import {
  RedriveExecutionCommand,
  type SFNClient,
  type SFNClientConfig,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { sfnIntegrationErrorName } from '../../contract/sfn-errors.js';
import { ACTS_IN_OTHER_REGIONS, type ActInOtherRegion, actionRoleArn } from '../../contract/sources.js';

/** What the machine sends: the SDK task's API name and its Arguments, evaluated. */
export interface ActInRegionRequest {
  readonly api: ActInOtherRegion;
  readonly arguments: {
    readonly ExecutionArn: string;
    readonly ClientToken?: string;
    readonly Error?: string;
    readonly Cause?: string;
  };
}

/** Where and as whom the call is made. */
export interface ActTarget {
  readonly region: string;
  readonly roleArn: string;
}

/** The answer, as the SDK integration gives it (dates as ISO 8601 strings). */
export type ActInRegionAnswer = { readonly RedriveDate: string } | { readonly StopDate: string };

/** A Step Functions client for one target (`send` is all that is used). */
export type ActClientFor = (target: ActTarget) => Pick<SFNClient, 'send'>;

/** An error carrying the name the machine's catchers see (the Lambda integration's `Error`). */
export class ActInRegionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const EXECUTION_ARN = /^arn:(aws[a-z-]*):states:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):execution:[^:]+:[^:]+$/;

/**
 * The act role and region of an execution, from its ARN (checked against the watched machines by the actions
 * machine before it gets here).
 * @throws ActInRegionError `ActInRegion.InvalidRequest` for anything but an execution ARN
 */
export function actTarget(executionArn: unknown, environment: string): ActTarget {
  const match = typeof executionArn === 'string' ? EXECUTION_ARN.exec(executionArn) : null;
  if (!match) {
    throw new ActInRegionError('ActInRegion.InvalidRequest', 'ExecutionArn is not an execution ARN');
  }
  const [, partition = '', region = '', account = ''] = match;
  return { region, roleArn: actionRoleArn(partition, account, environment, region) };
}

/** The request, checked: one of the allowed APIs, with an execution ARN and string arguments only. */
export function parseRequest(payload: unknown): ActInRegionRequest {
  const request = (payload ?? {}) as { api?: unknown; arguments?: Record<string, unknown> };
  if (!ACTS_IN_OTHER_REGIONS.includes(request.api as ActInOtherRegion)) {
    throw new ActInRegionError(
      'ActInRegion.InvalidRequest',
      `api must be one of ${ACTS_IN_OTHER_REGIONS.join(', ')}`
    );
  }
  const args = request.arguments ?? {};
  for (const key of ['ExecutionArn', 'ClientToken', 'Error', 'Cause']) {
    if (args[key] !== undefined && typeof args[key] !== 'string') {
      throw new ActInRegionError('ActInRegion.InvalidRequest', `${key} must be a string`);
    }
  }
  return request as ActInRegionRequest;
}

/**
 * Makes the call with the execution's act role in its region.
 * @throws ActInRegionError `Sfn.<Name>Exception` or `Sfn.SfnException` for an error of the call (e.g.
 *   `Sfn.ExecutionNotRedrivableException`), as the SDK integration names it; `ActInRegion.InvalidRequest` for a payload the machine never sends
 */
export async function actInRegion(
  payload: unknown,
  environment: string,
  clientFor: ActClientFor
): Promise<ActInRegionAnswer> {
  const request = parseRequest(payload);
  const { ExecutionArn, ClientToken, Error: error, Cause } = request.arguments;
  const client = clientFor(actTarget(ExecutionArn, environment));
  try {
    if (request.api === 'redriveExecution') {
      const out = await client.send(
        new RedriveExecutionCommand({
          executionArn: ExecutionArn,
          ...(ClientToken ? { clientToken: ClientToken } : {}),
        })
      );
      return { RedriveDate: isoDate(out.redriveDate) };
    }
    const out = await client.send(
      new StopExecutionCommand({
        executionArn: ExecutionArn,
        ...(error ? { error } : {}),
        ...(Cause ? { cause: Cause } : {}),
      })
    );
    return { StopDate: isoDate(out.stopDate) };
  } catch (caught) {
    throw asIntegrationError(caught);
  }
}

function isoDate(date: Date | undefined): string {
  return (date ?? new Date()).toISOString();
}

/**
 * An SDK error renamed as the SDK integration names it (contract/sfn-errors.ts): a modelled exception
 * `Sfn.<Name>Exception`, anything else (throttling, access denied, a network error) `Sfn.SfnException`.
 */
export function asIntegrationError(caught: unknown): ActInRegionError {
  const name = sfnIntegrationErrorName(caught instanceof Error ? caught.name : '');
  const message = caught instanceof Error ? caught.message : String(caught);
  return new ActInRegionError(name, message);
}

/** A client's settings for a target: its region, and credentials of its act role (assumed when first used). */
export function actClientConfig(
  target: ActTarget,
  credentialsFor: (roleArn: string) => SFNClientConfig['credentials']
): SFNClientConfig {
  return { region: target.region, maxAttempts: 3, credentials: credentialsFor(target.roleArn) };
}
