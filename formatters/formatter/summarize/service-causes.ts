/**
 * Cause parsers for `.sync` service integrations whose failure cause is the service's own long description
 * of the job (a Describe or Get response, PascalCase): each finds the one field that says why it failed and puts
 * it first, with a few identifying fields after it, so a cut never leaves only the noise. ECS tasks, Glue job
 * runs and Batch jobs are read in cause.ts; the rest here, and a last generic reader for any JSON cause that
 * carries a `FailureReason`, `StateChangeReason`, `StatusReason` or `ErrorMessage` somewhere.
 */
import { cutText } from '../cut.js';
import { isRecord, pick, type UnknownRecord } from './normalize.js';

export interface ServiceCause {
  readonly kind: 'athena' | 'emr' | 'codebuild' | 'sagemaker' | 'service';
  /** Why it failed, as the service says it. */
  readonly reason?: string;
  /** Reason first, then what failed (job, id, state), joined with ` · `. */
  readonly detail?: string;
}

const REASON_CHARS = 600;
const NAME_CHARS = 200;
const DETAIL_CHARS = 800;

function str(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : cutText(trimmed, max);
}

function record(value: unknown): UnknownRecord | undefined {
  return isRecord(value) ? value : undefined;
}

function line(parts: readonly (string | undefined)[]): string | undefined {
  const kept = parts.filter((part): part is string => part !== undefined && part !== '');
  return kept.length > 0 ? cutText(kept.join(' · '), DETAIL_CHARS) : undefined;
}

function result(kind: ServiceCause['kind'], reason: string | undefined, rest: (string | undefined)[]) {
  const detail = line([reason, ...rest]);
  return { kind, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) };
}

/** Athena `startQueryExecution.sync`: GetQueryExecution's QueryExecution (the query text is the noise). */
function athena(root: UnknownRecord): ServiceCause | undefined {
  const execution = record(pick(root, 'queryExecution')) ?? root;
  if (typeof pick(execution, 'queryExecutionId') !== 'string') return undefined;
  const status = record(pick(execution, 'status')) ?? {};
  const error = record(pick(status, 'athenaError'));
  const reason =
    str(pick(status, 'stateChangeReason'), REASON_CHARS) ??
    str(error && pick(error, 'errorMessage'), REASON_CHARS);
  const category = error ? pick(error, 'errorCategory') : undefined;
  return result('athena', reason, [
    str(pick(status, 'state'), 32),
    typeof category === 'number'
      ? `error category ${category === 1 ? 'system' : category === 2 ? 'user' : category === 3 ? 'other' : category}`
      : undefined,
    `query ${str(pick(execution, 'queryExecutionId'), NAME_CHARS)}`,
    str(pick(execution, 'workGroup'), NAME_CHARS)
      ? `workgroup ${str(pick(execution, 'workGroup'), NAME_CHARS)}`
      : undefined,
  ]);
}

/** EMR `createCluster.sync` (DescribeCluster's Cluster) and `addStep.sync` (DescribeStep's Step). */
function emr(root: UnknownRecord): ServiceCause | undefined {
  const cluster = record(pick(root, 'cluster'));
  const step = record(pick(root, 'step'));
  const target = step ?? cluster;
  if (!target) return undefined;
  const status = record(pick(target, 'status'));
  if (!status) return undefined;
  const failure = record(pick(status, 'failureDetails'));
  const change = record(pick(status, 'stateChangeReason'));
  const reason =
    str(failure && pick(failure, 'message'), REASON_CHARS) ??
    str(failure && pick(failure, 'reason'), REASON_CHARS) ??
    str(change && pick(change, 'message'), REASON_CHARS);
  const code = str(change && pick(change, 'code'), 64);
  const name = str(pick(target, 'name'), NAME_CHARS);
  const id = str(pick(target, 'id'), NAME_CHARS);
  return result('emr', reason, [
    [str(pick(status, 'state'), 32), code ? `(${code})` : undefined].filter(Boolean).join(' ') || undefined,
    name || id
      ? `${step ? 'step' : 'cluster'} ${[name, id ? `(${id})` : undefined].filter(Boolean).join(' ')}`
      : undefined,
    str(failure && pick(failure, 'logFile'), NAME_CHARS)
      ? `log ${str(failure && pick(failure, 'logFile'), NAME_CHARS)}`
      : undefined,
  ]);
}

/** CodeBuild `startBuild.sync`: BatchGetBuilds' Build; the reason is in the failed phase's contexts. */
function codebuild(root: UnknownRecord): ServiceCause | undefined {
  const build = record(pick(root, 'build')) ?? root;
  if (typeof pick(build, 'buildStatus') !== 'string') return undefined;
  const phases = pick(build, 'phases');
  let reason: string | undefined;
  let phaseName: string | undefined;
  if (Array.isArray(phases)) {
    for (const phase of phases) {
      if (!isRecord(phase)) continue;
      const status = pick(phase, 'phaseStatus');
      if (status === undefined || status === 'SUCCEEDED') continue;
      const contexts = pick(phase, 'contexts');
      const message = Array.isArray(contexts)
        ? contexts.map((c) => (isRecord(c) ? str(pick(c, 'message'), REASON_CHARS) : undefined)).find(Boolean)
        : undefined;
      if (message) {
        reason = message;
        phaseName = str(pick(phase, 'phaseType'), 64);
        break;
      }
    }
  }
  return result('codebuild', reason, [
    str(pick(build, 'buildStatus'), 32),
    phaseName ? `phase ${phaseName}` : undefined,
    str(pick(build, 'projectName'), NAME_CHARS)
      ? `project ${str(pick(build, 'projectName'), NAME_CHARS)}`
      : undefined,
    str(pick(build, 'id'), NAME_CHARS) ? `build ${str(pick(build, 'id'), NAME_CHARS)}` : undefined,
  ]);
}

/** SageMaker training, transform, processing and tuning jobs (`create*Job.sync`): `FailureReason`. */
function sagemaker(root: UnknownRecord): ServiceCause | undefined {
  const kinds = ['training', 'transform', 'processing', 'hyperParameterTuning', 'labeling', 'compilation'];
  for (const kind of kinds) {
    const status = str(pick(root, `${kind}JobStatus`), 32);
    if (!status) continue;
    const name = str(pick(root, `${kind}JobName`), NAME_CHARS);
    const reason =
      str(pick(root, 'failureReason'), REASON_CHARS) ?? str(pick(root, 'exitMessage'), REASON_CHARS);
    return result('sagemaker', reason, [status, name ? `${kind} job ${name}` : undefined]);
  }
  return undefined;
}

/** Fields that say why, in the order they are believed, at any depth (up to 4 levels). */
const REASON_KEYS = [
  'failureReason',
  'stateChangeReason',
  'statusReason',
  'stoppedReason',
  'errorMessage',
  'stateDetails',
];

function findReason(value: unknown, depth: number): string | undefined {
  if (!isRecord(value) || depth > 4) return undefined;
  for (const key of REASON_KEYS) {
    const found = pick(value, key);
    const text =
      str(found, REASON_CHARS) ?? (isRecord(found) ? str(pick(found, 'message'), REASON_CHARS) : undefined);
    if (text) return text;
  }
  for (const child of Object.values(value)) {
    const nested = Array.isArray(child) ? child.find((c) => findReason(c, depth + 1)) : child;
    const text = findReason(nested, depth + 1);
    if (text) return text;
  }
  return undefined;
}

/** Any other JSON cause that names its reason in one of the usual fields (EMR on EKS, Serverless, DataBrew, …). */
function generic(root: UnknownRecord): ServiceCause | undefined {
  const reason = findReason(root, 0);
  return reason ? result('service', reason, []) : undefined;
}

const PARSERS = [athena, emr, codebuild, sagemaker] as const;

/** The service cause read out of a parsed JSON cause, or undefined when no parser knows it. */
export function readServiceCause(parsed: UnknownRecord, allowGeneric: boolean): ServiceCause | undefined {
  for (const parse of PARSERS) {
    const found = parse(parsed);
    if (found) return found;
  }
  return allowGeneric ? generic(parsed) : undefined;
}
