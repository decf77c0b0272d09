/**
 * The role `sfn-slack replay` runs as (cli/commands/replay.ts): the only principal besides the notifier, the
 * delivery and the scheduler that the delivery queue accepts messages from.
 *
 * Who may assume it: principals of the stack's account only, and of those only
 * - the principals listed in the environment's `replayPrincipals` (`ArnLike aws:PrincipalArn`: IAM role or user
 *   ARNs, `*` allowed, e.g. for IAM Identity Center's generated role names), or, when none are listed,
 * - principals tagged `sfn-slack:replay` = the environment name (`aws:PrincipalTag`): nobody until an
 *   administrator tags a role or user.
 * The account's own IAM policies must also allow `sts:AssumeRole` on it (the trust names the account).
 *
 * What it may do is what the command calls, on this environment's resources only: read its stack's outputs, look
 * at and move the dead-letter queue's messages (a move task sends with the caller's permissions, hence
 * `sqs:SendMessage` on the delivery queue: SQS offers no condition that tells a move task's send from a direct
 * one, so whoever assumes the role can queue a body of their choosing, to this environment's channel only, the
 * delivery's Admit check), list the notifier's executions and redrive them.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { REPLAY_PRINCIPAL_TAG } from '../../contract/settings.js';
import { nagResourceName } from '../nag-resource-name.js';

export interface ReplayRoleProps {
  /** The environment name: the principal tag's value, and in the description. */
  readonly environmentName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly notifierStateMachine: sfn.StateMachine;
  /**
   * IAM role or user ARNs (of the stack's account; `*` allowed) that may assume the role.
   * @default - principals tagged `sfn-slack:replay` = the environment name
   */
  readonly principals?: readonly string[];
}

/** Creates the role as `ReplayRole` in `scope` (its logical id is unchanged from when it lived inline). */
export function createReplayRole(scope: Construct, props: ReplayRoleProps): iam.Role {
  const stack = Stack.of(scope);
  const env = props.environmentName;
  const listed = props.principals !== undefined && props.principals.length > 0;
  const role = new iam.Role(scope, 'ReplayRole', {
    description: `sfn-slack-notifier (${env}): sfn-slack replay moves dead letters back to the queue and redrives failed notifier executions; assumable by ${listed ? 'the replayPrincipals' : `principals tagged ${REPLAY_PRINCIPAL_TAG}=${env}`} only`,
    assumedBy: new iam.AccountPrincipal(stack.account).withConditions(
      listed
        ? { ArnLike: { 'aws:PrincipalArn': [...(props.principals ?? [])] } }
        : { StringEquals: { [`aws:PrincipalTag/${REPLAY_PRINCIPAL_TAG}`]: env } }
    ),
    maxSessionDuration: Duration.hours(1),
  });
  // readStack: the command finds the queues and the notifier in the stack's outputs.
  const stackArn = stack.formatArn({
    service: 'cloudformation',
    resource: 'stack',
    resourceName: `${stack.stackName}/*`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stackArn] })
  );
  // The dead-letter queue: depth, a peek (--dry-run), the move task and its progress; the task deletes what it
  // moved with the caller's permissions.
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:DeleteMessage',
      ],
      resources: [props.deadLetterQueue.queueArn],
    })
  );
  // The move task's destination: it sends with the caller's permissions.
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.queue.queueArn] })
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['states:ListExecutions'],
      resources: [props.notifierStateMachine.stateMachineArn],
    })
  );
  const notifierExecutions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${props.notifierStateMachine.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['states:RedriveExecution'], resources: [notifierExecutions] })
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, notifierExecutions)}]`,
    reason:
      'Replay role: states:RedriveExecution on the executions of the notifier state machine (sfn-slack replay --notifier); their names are not known in advance.',
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResourceName(stack, stackArn)}]`,
    reason:
      'Replay role: cloudformation:DescribeStacks on its own stack only; the trailing * is the stack id CloudFormation appends to the name.',
  });
  return role;
}
