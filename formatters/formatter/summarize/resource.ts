import { isRecord, pickString, type UnknownRecord } from './normalize.js';
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

/** The names in a reduced `parameters` member (see normalize.ts), if any. */
function names(details: UnknownRecord): UnknownRecord {
  const parameters = details.parameters;
  return isRecord(parameters) ? parameters : {};
}

/**
 * What a Task ran, from its `TaskScheduled` (or `LambdaFunctionScheduled`, `ActivityScheduled`) details.
 * `eventType` tells the legacy Lambda and Activity forms apart.
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
  const param = (key: string): string | undefined => {
    const value = params[key];
    return typeof value === 'string' ? value : undefined;
  };
  const base = resource === undefined ? {} : { resource };
  switch (resourceType) {
    case 'lambda': {
      const fn = param('FunctionName');
      return {
        kind: 'lambda',
        label: fn ? lastSegment(fn, ':function:') : `lambda:${resource ?? ''}`,
        ...base,
        ...(fn ? { functionName: fn } : {}),
      };
    }
    case 'ecs': {
      const td = param('TaskDefinition');
      return {
        kind: 'ecs',
        label: td ? lastSegment(td, ':task-definition/') : `ecs:${resource ?? ''}`,
        ...base,
      };
    }
    case 'glue': {
      const job = param('JobName');
      return { kind: 'glue', label: job ?? `glue:${resource ?? ''}`, ...base };
    }
    case 'states': {
      const sm = param('StateMachineArn');
      const label = sm ? lastSegment(sm, ':stateMachine:') : `states:${resource ?? ''}`;
      return { kind: 'states', label, ...base };
    }
    case 'http': {
      const endpoint = param('ApiEndpoint') ?? param('Endpoint');
      const h = endpoint ? host(endpoint) : undefined;
      return { kind: 'http', label: h ?? `http:${resource ?? ''}`, ...base };
    }
    default: {
      if (resourceType.startsWith('aws-sdk:')) {
        return {
          kind: 'aws-sdk',
          label: `${resourceType.slice('aws-sdk:'.length)}:${resource ?? ''}`,
          ...base,
        };
      }
      return { kind: resourceType, label: `${resourceType}:${resource ?? ''}`, ...base };
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
