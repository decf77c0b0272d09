/**
 * What each Task state runs, read from the state machine's definition (the `Definition` string that
 * DescribeStateMachineForExecution returns: the version the execution ran). The history read without
 * execution data (as the notifier reads it) names only the integration (`lambda:invoke`); the definition names
 * the function, job or task definition, when it is written there literally. A definition that cannot be read
 * names nothing: it never stops the message.
 */
import { isRecord, type UnknownRecord } from './normalize.js';
import type { StepResource } from './types.js';

/** Definitions larger than this are not read (Step Functions allows 1 MiB; the notifier passes less). */
const MAX_DEFINITION_CHARS = 1_100_000;
const MAX_LABEL_CHARS = 256;

function lastSegment(value: string, marker: string): string {
  const at = value.lastIndexOf(marker);
  return at >= 0 ? value.slice(at + marker.length) : value;
}

/**
 * A literal string argument: a JSONata `{% %}` expression or a JSONPath `Key.$` path is decided at run time,
 * so it names nothing here.
 */
function literal(args: UnknownRecord, key: string): string | undefined {
  if (`${key}.$` in args) return undefined;
  const value = args[key];
  if (typeof value !== 'string' || value === '' || value.length > 2048) return undefined;
  if (value.startsWith('{%') && value.endsWith('%}')) return undefined;
  return value;
}

function host(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function label(text: string): string {
  return text.length > MAX_LABEL_CHARS ? text.slice(0, MAX_LABEL_CHARS) : text;
}

/** `service`, `action` (without `.sync`, `.waitForTaskToken`, `:2`) of an optimized integration ARN. */
function integration(resource: string): { service: string; action: string; raw: string } | undefined {
  const match = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (!match?.[1]) return undefined;
  const raw = match[1];
  const parts = raw.split(':');
  if (parts[0] === 'aws-sdk' && parts.length >= 3) {
    return { service: `aws-sdk:${parts[1]}`, action: parts.slice(2).join(':'), raw };
  }
  const [service = '', rest = ''] = [parts[0], parts.slice(1).join(':')];
  return { service, action: rest.split('.')[0] ?? rest, raw: rest };
}

/** What one Task state runs, from its `Resource` and `Arguments` (JSONata) or `Parameters` (JSONPath). */
export function describeTaskState(state: UnknownRecord): StepResource | undefined {
  const resource = state.Resource;
  if (typeof resource !== 'string') return undefined;
  const args: UnknownRecord = isRecord(state.Arguments)
    ? state.Arguments
    : isRecord(state.Parameters)
      ? state.Parameters
      : {};
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource)) {
    return { kind: 'lambda', label: label(lastSegment(resource, ':function:')), functionName: resource };
  }
  if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) {
    return { kind: 'activity', label: label(lastSegment(resource, ':activity:')) };
  }
  const found = integration(resource);
  if (!found) return undefined;
  const { service, action, raw } = found;
  const named = (kind: string, name: string | undefined, extra: Partial<StepResource> = {}) =>
    name ? { kind, label: label(name), resource: raw, ...extra } : undefined;
  let result: StepResource | undefined;
  switch (service) {
    case 'lambda': {
      const fn = literal(args, 'FunctionName');
      result = named('lambda', fn && lastSegment(fn, ':function:'), fn ? { functionName: fn } : {});
      break;
    }
    case 'glue':
      result = named('glue', literal(args, 'JobName'));
      break;
    case 'ecs': {
      const td = literal(args, 'TaskDefinition');
      result = named('ecs', td && lastSegment(td, ':task-definition/'));
      break;
    }
    case 'states': {
      const sm = literal(args, 'StateMachineArn');
      result = named('states', sm && lastSegment(sm, ':stateMachine:'));
      break;
    }
    case 'batch':
      result = named('batch', literal(args, 'JobDefinition') ?? literal(args, 'JobName'));
      break;
    case 'codebuild':
      result = named('codebuild', literal(args, 'ProjectName'));
      break;
    case 'athena': {
      const workGroup = literal(args, 'WorkGroup');
      result = named('athena', workGroup && `workgroup ${workGroup}`);
      break;
    }
    case 'sagemaker':
      result = named(
        'sagemaker',
        literal(args, 'TrainingJobName') ??
          literal(args, 'TransformJobName') ??
          literal(args, 'ProcessingJobName')
      );
      break;
    case 'elasticmapreduce': {
      const step = isRecord(args.Step) ? literal(args.Step, 'Name') : undefined;
      result = named('emr', step ?? literal(args, 'Name'));
      break;
    }
    case 'http': {
      const endpoint = literal(args, 'ApiEndpoint');
      result = named('http', endpoint && host(endpoint));
      break;
    }
    default:
      break;
  }
  const kind = service.startsWith('aws-sdk:') ? 'aws-sdk' : service;
  const generic = service.startsWith('aws-sdk:')
    ? `${service.slice('aws-sdk:'.length)}:${action}`
    : `${service}:${action}`;
  return result ?? { kind, label: label(generic), resource: raw };
}

function walk(states: unknown, into: Map<string, StepResource>, depth: number): void {
  if (!isRecord(states) || depth > 20) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isRecord(state)) continue;
    if (state.Type === 'Task') {
      const resource = describeTaskState(state);
      if (resource) into.set(name, resource);
    }
    const processor = isRecord(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
    if (isRecord(processor)) walk(processor.States, into, depth + 1);
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isRecord(branch)) walk(branch.States, into, depth + 1);
    }
  }
}

/**
 * Task state name → what it runs, for every Task in the definition (inside Map and Parallel too: state names
 * are unique in a whole state machine). Empty when the definition is absent, too large or not JSON.
 */
export function taskResources(definition: string | undefined): Map<string, StepResource> {
  const resources = new Map<string, StepResource>();
  if (typeof definition !== 'string' || definition.length > MAX_DEFINITION_CHARS) return resources;
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    return resources;
  }
  if (isRecord(parsed)) walk(parsed.States, resources, 0);
  return resources;
}

/** True when a label from the history names nothing but the integration (`lambda:invoke`, `glue:…`). */
function unnamed(resource: StepResource | undefined): boolean {
  return !resource || resource.label.startsWith(`${resource.kind}:`) || resource.kind === 'aws-sdk';
}

/**
 * The resource to show for a state: the definition's when it names what ran and the history's does not;
 * otherwise the history's (which may name a function chosen at run time), else the definition's.
 */
export function mergeResource(
  fromHistory: StepResource | undefined,
  fromDefinition: StepResource | undefined
): StepResource | undefined {
  if (!fromDefinition) return fromHistory;
  if (!fromHistory) return fromDefinition;
  if (!unnamed(fromHistory) || unnamed(fromDefinition)) return fromHistory;
  return {
    ...fromHistory,
    label: fromDefinition.label,
    ...(fromDefinition.functionName ? { functionName: fromDefinition.functionName } : {}),
  };
}

/**
 * The definition text out of what a user saved: the ASL itself (text or parsed), or a
 * DescribeStateMachineForExecution / DescribeStateMachine response (`definition`, or `Definition` as the
 * SDK integration returns it). Undefined when it is none of these. For `render`/`preview --definition`.
 */
export function definitionText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  const member = value.definition ?? value.Definition;
  if (typeof member === 'string') return member;
  return isRecord(value.States) ? JSON.stringify(value) : undefined;
}
