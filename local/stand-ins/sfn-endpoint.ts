/**
 * A local Step Functions API endpoint that answers `GetExecutionHistory` (AWS JSON 1.0 protocol) from a
 * history source, and `ListTagsForResource` from the pipeline's tag store, for code that calls the real SDK
 * itself: the formatter reads the whole history with `@aws-sdk/client-sfn` when a page was too large for Step
 * Functions (`readHistory`), and a central environment's formatter reads the tags of a machine of another region
 * (`readTags`). Pointing the SDK at it through `AWS_ENDPOINT_URL_SFN` keeps that code unchanged.
 *
 * It keeps its port for the life of the process (local/stand-ins/process-endpoint.ts says why).
 */
import { parseArn } from '../../contract/arns.js';
import { SFN_MODELLED_ERRORS } from '../../contract/sfn-errors.js';
import { StatesError } from '../asl/index.js';
import { type DefinitionSource, describedMachine } from './describe.js';
import type { ExecutionRegistry } from './executions.js';
import type { HistorySource } from './history.js';
import { type EndpointReply, type EndpointRequest, processEndpoint } from './process-endpoint.js';
import { roleOfAccessKey } from './sts-endpoint.js';
import type { TagStore } from './tags.js';

let source: HistorySource | undefined;
let tagStore: TagStore | undefined;
/** Answers DescribeStateMachineForExecution (the formatter's read of the definition); none: unknown. */
let definitions: DefinitionSource | undefined;
let registry: ExecutionRegistry | undefined;

/** The registry's APIs (the run context's and the digest's reads): action → answer. */
const REGISTRY_ACTIONS: Readonly<
  Record<string, keyof Pick<ExecutionRegistry, 'listExecutions' | 'describeExecution' | 'listStateMachines'>>
> = {
  'AWSStepFunctions.ListExecutions': 'listExecutions',
  'AWSStepFunctions.DescribeExecution': 'describeExecution',
  'AWSStepFunctions.ListStateMachines': 'listStateMachines',
};

/** Who made a read: the access key id and region of the request's signature. */
export interface SdkCaller {
  /** The ARN read: the execution's, or for `ListTagsForResource` the state machine's (same account and region). */
  readonly executionArn: string;
  /** The API called, e.g. `GetExecutionHistory`. */
  readonly action: string;
  readonly accessKeyId: string | undefined;
  readonly region: string | undefined;
}
/** Decides each read (throws a StatesError to refuse it); none: every read is served. */
let readCheck: ((caller: SdkCaller) => void) | undefined;

/** Makes `check` decide every read from now on (the most recent pipeline to run wins); undefined serves all. */
export function setSdkReadCheck(check: ((caller: SdkCaller) => void) | undefined): void {
  readCheck = check;
}

/** `AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, ...` */
function signer(authorization: string | undefined): { accessKeyId?: string; region?: string } {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(authorization ?? '');
  return match ? { accessKeyId: match[1] as string, region: match[2] as string } : {};
}

/** SDK error codes are the exception names without `Sfn.` (and without `Exception` where the model has none). */
function errorType(name: string): string {
  const bare = name.replace(/^Sfn\./, '');
  const stripped = bare.replace(/Exception$/, '');
  return (SFN_MODELLED_ERRORS as readonly string[]).includes(stripped) ? stripped : bare;
}

async function serveSfnCall({ headers, body }: EndpointRequest): Promise<EndpointReply> {
  const reply = (status: number, json: unknown) => ({
    status,
    contentType: 'application/x-amz-json-1.0',
    body: JSON.stringify(json),
  });
  const target = headers['x-amz-target'];
  const registryAction = registry ? REGISTRY_ACTIONS[String(target)] : undefined;
  if (registry && registryAction) {
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return reply(400, { __type: 'SerializationException', message: 'invalid JSON' });
    }
    // A central environment's reads answer to the source account's IAM, as the history's do. ListStateMachines
    // names no resource: it lists the machines of the account and region the caller's role is in.
    let scope: { readonly account: string; readonly region: string } | undefined;
    try {
      const { accessKeyId, region } = signer(headers.authorization);
      let arn = String(request.executionArn ?? request.stateMachineArn ?? '');
      if (readCheck && registryAction === 'listStateMachines') {
        const role = accessKeyId === undefined ? undefined : roleOfAccessKey(accessKeyId);
        const { partition = 'aws', account = '' } = parseArn(role) ?? {};
        scope = { account, region: region ?? '' };
        arn = `arn:${partition}:states:${scope.region}:${account}:stateMachine:*`;
      }
      readCheck?.({
        executionArn: arn,
        action: String(target).replace(/^AWSStepFunctions\./, ''),
        accessKeyId,
        region,
      });
    } catch (error) {
      const message = error instanceof StatesError ? (error.cause ?? error.error) : String(error);
      return reply(400, { __type: 'AccessDeniedException', message });
    }
    const answer =
      registryAction === 'listStateMachines'
        ? registry.listStateMachines(request, scope)
        : registry[registryAction](request);
    return 'ok' in answer ? reply(200, answer.ok) : reply(400, answer.error);
  }
  const tags = target === 'AWSStepFunctions.ListTagsForResource' ? tagStore : undefined;
  const describe = target === 'AWSStepFunctions.DescribeStateMachineForExecution';
  if ((target !== 'AWSStepFunctions.GetExecutionHistory' || !source) && !tags && !describe) {
    return reply(400, {
      __type: 'UnknownOperationException',
      message: `not served locally: ${String(target)}`,
    });
  }
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return reply(400, { __type: 'SerializationException', message: 'invalid JSON' });
  }
  const executionArn = String(tags ? request.resourceArn : request.executionArn);
  try {
    const { accessKeyId, region } = signer(headers.authorization);
    const action = String(target).replace(/^AWSStepFunctions\./, '');
    readCheck?.({ executionArn, action, accessKeyId, region });
  } catch (error) {
    const name = error instanceof StatesError ? error.error : 'AccessDeniedException';
    const message = error instanceof StatesError ? (error.cause ?? name) : String(error);
    return reply(400, {
      __type: name === 'Sfn.SfnException' ? 'AccessDeniedException' : errorType(name),
      message,
    });
  }
  if (describe) {
    const definition = await definitions?.(executionArn);
    if (definition === undefined) {
      return reply(400, {
        __type: 'ExecutionDoesNotExist',
        message: `Execution Does Not Exist: '${executionArn}'`,
      });
    }
    const { stateMachineArn, name, roleArn } = describedMachine(executionArn);
    return reply(200, { stateMachineArn, name, definition, roleArn, updateDate: 0 });
  }
  if (tags) {
    const found = Object.entries(tags.get(executionArn) ?? {});
    return reply(200, { tags: found.map(([key, value]) => ({ key, value })) });
  }
  if (!source) return reply(400, { __type: 'UnknownOperationException', message: 'no history served' });
  try {
    const page = await source({
      executionArn,
      ...(typeof request.maxResults === 'number' ? { maxResults: request.maxResults } : {}),
      ...(typeof request.nextToken === 'string' ? { nextToken: request.nextToken } : {}),
      ...(typeof request.reverseOrder === 'boolean' ? { reverseOrder: request.reverseOrder } : {}),
      ...(typeof request.includeExecutionData === 'boolean'
        ? { includeExecutionData: request.includeExecutionData }
        : {}),
    });
    return reply(200, page);
  } catch (error) {
    const name = error instanceof StatesError ? error.error : 'InternalServerError';
    const message = error instanceof StatesError ? (error.cause ?? name) : String(error);
    return reply(400, { __type: errorType(name), message });
  }
}

const endpoint = processEndpoint({
  handle: serveSfnCall,
  env: (url) => ({ AWS_ENDPOINT_URL_SFN: url }),
  // Placeholders so the SDK does not go looking for real credentials.
  defaults: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' },
  onIdle: () => {
    source = undefined;
    tagStore = undefined;
    definitions = undefined;
    registry = undefined;
    readCheck = undefined;
  },
});

/**
 * Serves `history` on the local endpoint and points `@aws-sdk/client-sfn` at it (setting
 * `AWS_ENDPOINT_URL_SFN`, plus placeholder credentials and region when the environment has none, so the SDK
 * does not go looking for real ones).
 * @returns release: call it when done; the last release restores the environment
 */
export function serveHistoryToSdk(history: HistorySource): Promise<() => Promise<void>> {
  source = history;
  return endpoint.acquire();
}

/** Makes `tags` the store `ListTagsForResource` answers from (the most recent pipeline to run wins). */
export function setServedTags(tags: TagStore): void {
  tagStore = tags;
}

/** Makes `source` answer DescribeStateMachineForExecution (the most recent pipeline to run wins). */
export function setServedDefinitions(source: DefinitionSource | undefined): void {
  definitions = source;
}

/** Makes `history` the one the endpoint serves (the most recent pipeline to run wins). */
export function setServedHistory(history: HistorySource): void {
  source = history;
}

/** Makes `executions` the registry ListExecutions and DescribeExecution answer from (the latest pipeline wins). */
export function setServedExecutions(executions: ExecutionRegistry | undefined): void {
  registry = executions;
}
