/**
 * The `aws-sdk:sfn:describeStateMachineForExecution` stand-in. The notifier only needs the `Definition`
 * string; the answer has the integration's PascalCase member names.
 */
import { parseArn, stateMachineArnOf, stateMachineNameOf } from '../../contract/arns.js';
import { StatesError } from '../asl/index.js';

/** The definition of the state machine an execution ran, or undefined when it is not known. */
export type DefinitionSource = (executionArn: string) => Promise<string | undefined>;

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
    return {
      StateMachineArn: stateMachineArnOf(args.ExecutionArn) ?? '',
      Name: stateMachineNameOf(args.ExecutionArn) ?? '',
      Definition: definition,
      RoleArn: `arn:aws:iam::${parseArn(args.ExecutionArn)?.account ?? ''}:role/local`,
      UpdateDate: new Date(0).toISOString(),
    };
  };
}
