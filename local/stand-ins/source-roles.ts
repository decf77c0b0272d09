/**
 * IAM as a central environment's source accounts apply it, for the local runner and the local SFN endpoint: a
 * read of a watched execution (GetExecutionHistory, DescribeStateMachineForExecution) succeeds only when it is
 * made with the read role of that execution's own account and region (contract/source-credentials.ts), in that region
 * (Step Functions' SDK integrations call only the state machine's own region). Any other read is refused the way
 * the aws-sdk integration reports an unmodeled service error (`Sfn.SfnException`), which the notifier catches
 * like any unreadable history. Every attempt is recorded. The same for the actions machine's acts (redrive, stop,
 * the mute tag), with the act role of the execution's account and region (`actWithSourceRole`).
 */
import { parseArn } from '../../contract/arns.js';
import type { SourceRoleKind } from '../../contract/source-credentials.js';
import { actionRoleArn, readRoleArn } from '../../contract/sources.js';
import { type ResourceHandler, StatesError, type TaskInvocation } from '../asl/index.js';

/** One attempt to read an execution in a source account. */
export interface SourceRead {
  /** The notifier state that read, or `formatter` for the formatter's own reads. */
  readonly stateName: string;
  /** The API called, e.g. `GetExecutionHistory`, `ListExecutions` (the run context, the digest). */
  readonly action?: string;
  /** The ARN read: the execution's, or the state machine's (ListExecutions, ListTagsForResource, ListStateMachines). */
  readonly executionArn: string;
  /** The role the read ran with, or undefined when it had none. */
  readonly roleArn: string | undefined;
  readonly allowed: boolean;
}

/**
 * Decides one read.
 * @param callerRegion the region the call was made in (the state machine's, or the client's)
 * @throws StatesError `Sfn.SfnException` when the read is refused
 */
export function checkSourceRead(
  read: {
    readonly executionArn: string;
    readonly roleArn: string | undefined;
    readonly callerRegion: string;
  },
  environment: string,
  action: string,
  kind: SourceRoleKind = 'read'
): void {
  const { partition = '', region = '', account = '' } = parseArn(read.executionArn) ?? {};
  const expected = (kind === 'read' ? readRoleArn : actionRoleArn)(partition, account, environment, region);
  if (read.callerRegion !== region) {
    throw new StatesError(
      'Sfn.SfnException',
      `cross-Region AWS SDK integration is not available: the caller is in ${read.callerRegion}, the execution in ${region}`
    );
  }
  if (read.roleArn === undefined || read.roleArn !== expected) {
    throw new StatesError(
      'Sfn.SfnException',
      `User: ${read.roleArn ?? 'the notifier role'} is not authorized to perform: states:${action} on resource: ${read.executionArn}`
    );
  }
}

/**
 * Wraps the handler of a task that reads one execution.
 * @param environment the central environment (the read roles are named after it)
 * @param record receives every attempt
 */
export function readWithSourceRole(
  handler: ResourceHandler,
  environment: string,
  record: (read: SourceRead) => void
): ResourceHandler {
  return async (task: TaskInvocation) => {
    const executionArn = String((task.arguments as { ExecutionArn?: unknown } | null)?.ExecutionArn ?? '');
    const roleArn = task.credentials?.roleArn;
    const machineArn = (task.context as { StateMachine?: { Id?: unknown } } | null)?.StateMachine?.Id;
    const callerRegion = parseArn(String(machineArn ?? ''))?.region ?? '';
    const api = task.resource.split(':').pop() ?? '';
    const action = api.charAt(0).toUpperCase() + api.slice(1);
    try {
      checkSourceRead({ executionArn, roleArn, callerRegion }, environment, api);
    } catch (error) {
      record({ stateName: task.stateName, action, executionArn, roleArn, allowed: false });
      throw error;
    }
    record({ stateName: task.stateName, action, executionArn, roleArn, allowed: true });
    return handler(task);
  };
}

/**
 * Wraps the handler of a task that acts on one execution (RedriveExecution, StopExecution) or tags its state
 * machine (TagResource): allowed only with the act role of that account and region, in that region.
 * @param record receives every attempt (`executionArn` holds the state machine ARN for a tag)
 */
export function actWithSourceRole(
  handler: ResourceHandler,
  environment: string,
  record: (act: SourceRead) => void
): ResourceHandler {
  return async (task: TaskInvocation) => {
    const args = task.arguments as { ExecutionArn?: unknown; ResourceArn?: unknown } | null;
    const executionArn = String(args?.ExecutionArn ?? args?.ResourceArn ?? '');
    const roleArn = task.credentials?.roleArn;
    const machineArn = (task.context as { StateMachine?: { Id?: unknown } } | null)?.StateMachine?.Id;
    const callerRegion = parseArn(String(machineArn ?? ''))?.region ?? '';
    const action = task.resource.split(':').pop() ?? '';
    try {
      checkSourceRead({ executionArn, roleArn, callerRegion }, environment, action, 'act');
    } catch (error) {
      record({ stateName: task.stateName, executionArn, roleArn, allowed: false });
      throw error;
    }
    record({ stateName: task.stateName, executionArn, roleArn, allowed: true });
    return handler(task);
  };
}
