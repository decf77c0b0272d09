/**
 * The `aws-sdk:sfn:describeStateMachineForExecution` stand-in. The notifier only needs the `Definition`
 * string; the answer has the integration's PascalCase member names.
 */
import { parseArn, stateMachineArnOf, stateMachineNameOf } from '../../contract/arns.js';
import { StatesError } from '../asl/index.js';

/** The definition of the state machine an execution ran, or undefined when it is not known. */
export type DefinitionSource = (executionArn: string) => Promise<string | undefined>;

/**
 * What DescribeStateMachineForExecution answers of the machine besides its definition, read from the execution's
 * ARN (the local machines run as `role/local`). The SDK integration and the local SFN endpoint both answer it.
 */
export function describedMachine(executionArn: string): {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly roleArn: string;
} {
  return {
    stateMachineArn: stateMachineArnOf(executionArn) ?? '',
    name: stateMachineNameOf(executionArn) ?? '',
    roleArn: `arn:aws:iam::${parseArn(executionArn)?.account ?? ''}:role/local`,
  };
}

export function describeStateMachineForExecutionHandler(source?: DefinitionSource) {
  return async (task: { arguments: unknown }): Promise<unknown> => {
    const args = (task.arguments ?? {}) as Record<string, unknown>;
    if (typeof args.ExecutionArn !== 'string') {
      throw new StatesError('Sfn.ValidationException', 'ExecutionArn is required');
    }
    const definition = await source?.(args.ExecutionArn);
    if (definition === undefined) {
      // What the service answers for an execution it does not know (the SDK integration's name for the
      // modeled ExecutionDoesNotExist).
      throw new StatesError(
        'Sfn.ExecutionDoesNotExistException',
        `Execution Does Not Exist: '${args.ExecutionArn}'`
      );
    }
    const machine = describedMachine(args.ExecutionArn);
    return {
      StateMachineArn: machine.stateMachineArn,
      Name: machine.name,
      Definition: definition,
      RoleArn: machine.roleArn,
      UpdateDate: new Date(0).toISOString(),
    };
  };
}
