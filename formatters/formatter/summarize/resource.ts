import { isRecord, NO_DETAILS, pickString, type UnknownRecord } from './normalize.js';
import type { StepResource } from './types.js';

function lastSegment(arn: string, marker: string): string {
  const at = arn.lastIndexOf(marker);
  return at >= 0 ? arn.slice(at + marker.length) : arn;
}

function host(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The names in a reduced `parameters` member (see normalize.ts), if any: details read with
 * `includeExecutionData: false`, as the notifier reads them, have none.
 */
function names(details: UnknownRecord): UnknownRecord {
  const parameters = details.parameters;
  return isRecord(parameters) ? parameters : NO_DETAILS;
}

type MutableResource = { -readonly [K in keyof StepResource]: StepResource[K] };

/** `kind`, `label`, then the integration resource when there is one. */
function described(kind: string, label: string, resource: string | undefined): MutableResource {
  return resource === undefined ? { kind, label } : { kind, label, resource };
}

/**
 * What a Task ran, from its `TaskScheduled` (or `LambdaFunctionScheduled`, `ActivityScheduled`) details.
 * `eventType` tells the legacy Lambda and Activity forms apart. Called for every Task state entered, so it
 * builds only the object it returns.
 */
export function describeResource(eventType: string, details: UnknownRecord): StepResource | undefined {
  const resource = pickString(details, 'resource');
  if (eventType === 'LambdaFunctionScheduled') {
    return resource
      ? { kind: 'lambda', label: lastSegment(resource, ':function:'), resource, functionName: resource }
      : undefined;
  }
  if (eventType === 'ActivityScheduled') {
    return resource ? { kind: 'activity', label: lastSegment(resource, ':activity:'), resource } : undefined;
  }
  const resourceType = pickString(details, 'resourceType');
  if (!resourceType) return undefined;
  const params = names(details);
  switch (resourceType) {
    case 'lambda': {
      const fn = pickString(params, 'FunctionName');
      const lambda = described(
        'lambda',
        fn ? lastSegment(fn, ':function:') : `lambda:${resource ?? ''}`,
        resource
      );
      if (fn) lambda.functionName = fn;
      return lambda;
    }
    case 'ecs': {
      const td = pickString(params, 'TaskDefinition');
      return described('ecs', td ? lastSegment(td, ':task-definition/') : `ecs:${resource ?? ''}`, resource);
    }
    case 'glue': {
      const job = pickString(params, 'JobName');
      return described('glue', job ?? `glue:${resource ?? ''}`, resource);
    }
    case 'states': {
      const sm = pickString(params, 'StateMachineArn');
      return described(
        'states',
        sm ? lastSegment(sm, ':stateMachine:') : `states:${resource ?? ''}`,
        resource
      );
    }
    case 'http': {
      const endpoint = pickString(params, 'ApiEndpoint') ?? pickString(params, 'Endpoint');
      const h = endpoint ? host(endpoint) : undefined;
      return described('http', h ?? `http:${resource ?? ''}`, resource);
    }
    default: {
      if (resourceType.startsWith('aws-sdk:')) {
        return described('aws-sdk', `${resourceType.slice('aws-sdk:'.length)}:${resource ?? ''}`, resource);
      }
      return described(resourceType, `${resourceType}:${resource ?? ''}`, resource);
    }
  }
}

/** A nested execution's ARN from a task's reduced output (TaskSubmitted/TaskSucceeded of startExecution). */
export function childExecutionArn(details: UnknownRecord): string | undefined {
  const output = details.output;
  if (!isRecord(output)) return undefined;
  const arn = output.ExecutionArn;
  return typeof arn === 'string' && arn.includes(':execution:') ? arn : undefined;
}
