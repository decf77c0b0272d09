/**
 * Acting on a run of a central environment's other source region. Step Functions' SDK integrations call only the
 * actions machine's own region, so for a run elsewhere the machine invokes the "act in region" Lambda instead of
 * its Redrive, Stop or Mute task (contract/source-credentials.ts adds that branch). This is its logic: the same call the SDK task
 * would make, with the act role of the execution's account and region (the name rule of the task `Credentials`),
 * through a client in the execution's region, answered in the SDK integration's shape and failing with the
 * integration's error names (`Sfn.<Name>Exception`, `Sfn.SfnException`), so the machine's retriers, catchers and later states apply
 * unchanged.
 *
 * Mute writes exactly the `sfn-slack:mute-until` tag on the run's own state machine (the act role allows that one
 * key, nothing else); the notifier reads it there through the formatter and keeps its held count centrally.
 */
import {
  RedriveExecutionCommand,
  type SFNClient,
  type SFNClientConfig,
  StopExecutionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-sfn';
import { stateMachineArnOf } from '../../contract/arns.js';
import { TAG_KEYS } from '../../contract/routes.js';
import { sfnIntegrationErrorName } from '../../contract/sfn-errors.js';
import { ACTS_IN_OTHER_REGIONS, type ActInOtherRegion, actionRoleArn } from '../../contract/sources.js';

/** Redrive and Stop: the SDK task's Arguments name the run. */
export interface ActOnExecution {
  readonly api: 'redriveExecution' | 'stopExecution';
  readonly arguments: {
    readonly ExecutionArn: string;
    readonly ClientToken?: string;
    readonly Error?: string;
    readonly Cause?: string;
  };
}

/** Mute: the tag on the run's state machine; the run (whose act role and region are used) comes beside it. */
export interface TagMachine {
  readonly api: 'tagResource';
  /** The run clicked (the machine input's), whose account and region the tag is written in. */
  readonly executionArn: string;
  readonly arguments: {
    readonly ResourceArn: string;
    readonly Tags: readonly [{ readonly Key: typeof TAG_KEYS.muteUntil; readonly Value: string }];
  };
}

/** What the machine sends: the SDK task's API name and its Arguments, evaluated. */
export type ActInRegionRequest = ActOnExecution | TagMachine;

/** Where and as whom the call is made. */
export interface ActTarget {
  readonly region: string;
  readonly roleArn: string;
}

/** The answer, as the SDK integration gives it (dates as ISO 8601 strings). */
export type ActInRegionAnswer =
  | { readonly RedriveDate: string }
  | { readonly StopDate: string }
  | Record<string, never>;

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
  const request = (payload ?? {}) as { api?: unknown; executionArn?: unknown; arguments?: unknown };
  if (!ACTS_IN_OTHER_REGIONS.includes(request.api as ActInOtherRegion)) {
    throw invalid(`api must be one of ${ACTS_IN_OTHER_REGIONS.join(', ')}`);
  }
  const args = (request.arguments ?? {}) as Record<string, unknown>;
  if (typeof args !== 'object' || Array.isArray(args)) throw invalid('arguments must be an object');
  if (request.api === 'tagResource') return parseTag(request.executionArn, args);
  for (const key of ['ExecutionArn', 'ClientToken', 'Error', 'Cause']) {
    if (args[key] !== undefined && typeof args[key] !== 'string') throw invalid(`${key} must be a string`);
  }
  // The machine sends the run beside the arguments; acting on another than the one clicked is never meant.
  if (request.executionArn !== undefined && request.executionArn !== args.ExecutionArn) {
    throw invalid('executionArn and arguments.ExecutionArn name different runs');
  }
  return { api: request.api, arguments: args } as ActOnExecution;
}

/** An ISO 8601 UTC instant, as the actions machine's `$fromMillis` writes it and the notifier reads it. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * The mute tag, checked strictly: the act role may write this one key, and only the clicked run's own machine,
 * in the run's account and region, may be tagged.
 */
function parseTag(executionArn: unknown, args: Record<string, unknown>): TagMachine {
  if (typeof executionArn !== 'string' || !EXECUTION_ARN.test(executionArn)) {
    throw invalid('executionArn is not an execution ARN');
  }
  const extra = Object.keys(args).find((key) => key !== 'ResourceArn' && key !== 'Tags');
  if (extra !== undefined) throw invalid(`${extra} is not an argument of tagResource`);
  const machine = stateMachineArnOf(executionArn);
  if (machine === undefined || args.ResourceArn !== machine) {
    throw invalid(`ResourceArn must be the state machine of ${executionArn}`);
  }
  const tags = args.Tags as Array<Record<string, unknown>> | undefined;
  const tag = Array.isArray(tags) && tags.length === 1 ? tags[0] : undefined;
  if (!tag || typeof tag !== 'object' || Object.keys(tag).sort().join() !== 'Key,Value') {
    throw invalid(`Tags must be exactly one {Key, Value}, the ${TAG_KEYS.muteUntil} tag`);
  }
  if (tag.Key !== TAG_KEYS.muteUntil) throw invalid(`only the ${TAG_KEYS.muteUntil} tag may be written`);
  if (typeof tag.Value !== 'string' || !isInstant(tag.Value)) {
    throw invalid(
      `the ${TAG_KEYS.muteUntil} value must be an ISO 8601 UTC time like 2026-01-31T12:00:00.000Z`
    );
  }
  return {
    api: 'tagResource',
    executionArn,
    arguments: { ResourceArn: machine, Tags: [{ Key: TAG_KEYS.muteUntil, Value: tag.Value }] },
  };
}

/** A real instant in ISO_INSTANT form: the date does not roll over (2026-02-30 is no day). */
function isInstant(value: string): boolean {
  const millis = Date.parse(value);
  return (
    ISO_INSTANT.test(value) &&
    !Number.isNaN(millis) &&
    new Date(millis).toISOString().slice(0, 19) === value.slice(0, 19)
  );
}

function invalid(message: string): ActInRegionError {
  return new ActInRegionError('ActInRegion.InvalidRequest', message);
}

/**
 * Makes the call with the execution's act role in its region.
 * @throws ActInRegionError `Sfn.<Name>Exception` or `Sfn.SfnException` for an error of the call (e.g.
 *   `Sfn.ExecutionNotRedrivableException`, `Sfn.ResourceNotFoundException`), as the SDK integration names it; `ActInRegion.InvalidRequest` for a payload the machine never sends
 */
export async function actInRegion(
  payload: unknown,
  environment: string,
  clientFor: ActClientFor
): Promise<ActInRegionAnswer> {
  const request = parseRequest(payload);
  if (request.api === 'tagResource') {
    const client = clientFor(actTarget(request.executionArn, environment));
    const [{ Key: key, Value: value }] = request.arguments.Tags;
    try {
      await client.send(
        new TagResourceCommand({ resourceArn: request.arguments.ResourceArn, tags: [{ key, value }] })
      );
      return {};
    } catch (caught) {
      throw asIntegrationError(caught);
    }
  }
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
