/**
 * `sfn-slack renotify`: sends the notification of a past execution again, or for the first time (backfill,
 * or a notification lost before it reached the queue). It rebuilds the EventBridge "Step Functions Execution
 * Status Change" event from DescribeExecution and starts the notifier with it, under a name derived from the
 * execution, its status and redrive count, so running it twice starts one notifier execution, not two.
 */
import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { isExecutionArn } from '../../contract/arns.js';
import { executionConsoleUrl } from '../../contract/console.js';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import type { AwsClients } from '../aws/clients.js';
import { aws, toCliError } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import { type EnvOptions, resolveTarget, targetName } from '../aws/options.js';
import { readStack, requireOutput } from '../aws/stack.js';
import { statusChangeEvent } from '../aws/status-change-event.js';
import { CliError, ExitCode } from '../errors.js';
import { report } from '../output.js';

export interface RenotifyOptions extends EnvOptions {
  readonly executionArn?: string;
  /** Start a new notifier execution even if this one was already renotified. */
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

export async function runRenotify(options: RenotifyOptions, io: Io, clients: AwsClients): Promise<void> {
  const target = resolveTarget(options);
  const env = targetName(target);
  const executionArn = options.executionArn ?? '';
  if (!isExecutionArn(executionArn)) {
    throw new CliError(
      `--execution-arn must be a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>), got "${executionArn}"`,
      ExitCode.badInput
    );
  }
  const execution = await aws(`describe execution ${executionArn}`, () =>
    clients.sfn.send(new DescribeExecutionCommand({ executionArn }))
  );
  if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE') {
    throw new CliError(
      `execution ${executionArn} is still ${execution.status}: its notification goes out when it finishes`,
      ExitCode.badInput
    );
  }
  const event = statusChangeEvent(execution);
  const name = renotifyExecutionName(event, options.force ? io.now() : undefined);

  report(io, {
    executionArn,
    status: execution.status,
    notifierExecutionName: name,
    dryRun: options.dryRun === true,
    event,
  });
  if (options.dryRun) {
    io.stdout.write(
      `Dry run: would start the notifier of ${env} as ${name} with:\n${JSON.stringify(event, null, 2)}\n`
    );
    return;
  }
  const stack = await readStack(clients, target);
  const notifierArn = requireOutput(stack, 'NotifierStateMachineArn');
  try {
    const started = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: notifierArn, name, input: JSON.stringify(event) })
    );
    report(io, { notifierExecutionArn: started.executionArn });
    const link = executionConsoleUrl(started.executionArn);
    io.stdout.write(
      `✓ Started the notifier for ${executionArn} (${execution.status})\n` +
        `  ${started.executionArn}\n${link ? `  ${link}\n` : ''}`
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionAlreadyExists') {
      throw new CliError(
        `this execution was already renotified for status ${execution.status} (notifier execution ${name}); pass --force to send it again`,
        ExitCode.failed,
        { cause: error }
      );
    }
    throw toCliError(error, `start the notifier ${notifierArn}`);
  }
}

/**
 * `renotify-<hash>`: one name per execution, status and redrive count (names are unique per state machine
 * for 90 days). With `at`, a new name for a deliberate second notification.
 */
export function renotifyExecutionName(event: StatusChangeEvent, at?: Date): string {
  const key = `${event.detail.executionArn}|${event.detail.status}|${event.detail.redriveCount ?? 0}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 40);
  return at ? `renotify-${hash}-${at.getTime()}` : `renotify-${hash}`;
}
