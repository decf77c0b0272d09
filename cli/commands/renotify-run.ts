/**
 * `sfn-slack renotify`: sends the notification of a past execution again, or for the first time (backfill,
 * or a notification lost before it reached the queue). It rebuilds the EventBridge "Step Functions Execution
 * Status Change" event from DescribeExecution and starts the notifier with it, under a name derived from the
 * execution, its status and redrive count, so running it twice starts one notifier execution, not two.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionConsoleUrl, parseArn } from '../../contract/console.js';
import type { StatusChangeEvent } from '../../contract/formatter.js';
import { isExecutionArn } from '../aws/arn.js';
import type { AwsClients } from '../aws/clients.js';
import { aws, toCliError } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import { type EnvOptions, resolveTarget, targetName } from '../aws/options.js';
import { readStack, requireOutput } from '../aws/stack.js';
import { CliError, ExitCode } from '../errors.js';
import { report } from '../output.js';

export interface RenotifyOptions extends EnvOptions {
  readonly executionArn?: string;
  /** Start a new notifier execution even if this one was already renotified. */
  readonly force?: boolean;
  readonly dryRun?: boolean;
}

/**
 * StartExecution input is capped at 256 KiB; the event keeps the execution's input and output only while it
 * stays well under that, and says so with `inputDetails`/`outputDetails` as EventBridge does.
 */
const MAX_EVENT_BYTES = 200 * 1024;

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

/** The EventBridge event the rule would have delivered for this execution. */
export function statusChangeEvent(
  execution: DescribeExecutionOutput
): StatusChangeEvent & Record<string, unknown> {
  const arn = execution.executionArn ?? '';
  const parts = parseArn(arn);
  const stop = execution.stopDate ?? execution.redriveDate ?? execution.startDate;
  const detail = {
    executionArn: arn,
    ...(execution.stateMachineArn ? { stateMachineArn: execution.stateMachineArn } : {}),
    ...(execution.name ? { name: execution.name } : {}),
    status: execution.status ?? 'UNKNOWN',
    startDate: execution.startDate?.getTime() ?? null,
    stopDate: execution.stopDate?.getTime() ?? null,
    input: execution.input ?? null,
    inputDetails: { included: execution.inputDetails?.included ?? execution.input !== undefined },
    output: execution.output ?? null,
    outputDetails: { included: execution.outputDetails?.included ?? execution.output !== undefined },
    stateMachineVersionArn: execution.stateMachineVersionArn ?? null,
    stateMachineAliasArn: execution.stateMachineAliasArn ?? null,
    redriveCount: execution.redriveCount ?? 0,
    redriveDate: execution.redriveDate?.getTime() ?? null,
    redriveStatus: execution.redriveStatus ?? null,
    redriveStatusReason: execution.redriveStatusReason ?? null,
    error: execution.error ?? null,
    cause: execution.cause ?? null,
  };
  const event = {
    version: '0',
    id: deterministicId(`${arn}|${detail.status}|${detail.redriveCount}`),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: parts?.account ?? '',
    time: (stop ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: parts?.region ?? '',
    resources: [arn],
    detail,
  };
  if (Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES) {
    return {
      ...event,
      detail: {
        ...detail,
        input: null,
        inputDetails: { included: false },
        output: null,
        outputDetails: { included: false },
      },
    };
  }
  return event;
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

function deterministicId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
