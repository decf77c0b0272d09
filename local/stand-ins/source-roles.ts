/**
 * IAM as a central environment's source accounts apply it, for the local runner: a task that reads a watched
 * execution (GetExecutionHistory, DescribeStateMachineForExecution) succeeds only when it runs with the read
 * role of that execution's own account and region (infra/source-roles.ts). Any other role, or none, is refused
 * the way the aws-sdk integration reports an unmodeled service error (`Sfn.SfnException`), which the notifier
 * catches like any unreadable history. Every attempt is recorded.
 */
import { readRoleArn } from '../../infra/source-roles.js';
import { type ResourceHandler, StatesError, type TaskInvocation } from '../asl/index.js';

/** One task's attempt to read an execution in a source account. */
export interface SourceRead {
  readonly stateName: string;
  readonly executionArn: string;
  /** The role the task ran with (`Credentials`), or undefined when it had none. */
  readonly roleArn: string | undefined;
  readonly allowed: boolean;
}

/**
 * Wraps a handler of a task that reads one execution.
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
    const [, partition = '', , region = '', account = ''] = executionArn.split(':');
    const roleArn = task.credentials?.roleArn;
    const allowed = roleArn !== undefined && roleArn === readRoleArn(partition, account, environment, region);
    record({ stateName: task.stateName, executionArn, roleArn, allowed });
    if (!allowed) {
      const who = roleArn === undefined ? 'the notifier role' : roleArn;
      throw new StatesError(
        'Sfn.SfnException',
        `User: ${who} is not authorized to perform: states:${task.resource.split(':').pop()} on resource: ${executionArn}`
      );
    }
    return handler(task);
  };
}
