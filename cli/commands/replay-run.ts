/**
 * `sfn-slack replay`: puts failed notifications back into delivery.
 *
 * - default: moves the dead-letter queue's messages back to the delivery queue (StartMessageMoveTask) and
 *   follows the move task until it is done;
 * - `--dry-run`: peeks at the DLQ (ReceiveMessage with VisibilityTimeout 0) and lists what would move;
 * - `--notifier`: redrives the notifier executions that failed in the last 14 days (RedriveExecution).
 *
 * Deduplication: each message body carries the notifier's deduplication id (SHA-256 of
 * executionArn|status|redriveCount), but the queue does not use it on replay: when SQS moves a message from the
 * FIFO queue to its FIFO dead-letter queue it replaces the deduplication id with the message id, and a move task
 * sends that. A replayed message is therefore not collapsed with a new copy of the same notification (a notifier
 * redrive, a duplicated event); preventing that is the delivery's message store's job (docs/cli.md).
 * Run as the stack's replay role (output ReplayRoleArn): the queue accepts messages only from it and the notifier.
 *
 * Two kinds of dead letters: those the queue's redrive policy moved after maxReceiveCount failed tries (the body as
 * queued), and those the delivery sent itself at once because retrying could not help (a permanent Slack refusal,
 * a body that is not a delivery message): their body is `{"deadLetter": {reason, error, at}, "body": <original>}`
 * and the reason is also the message attribute `reason`. The move task sends both back to the delivery queue (a
 * DestinationArn is needed: the second kind has no source queue); the delivery unwraps the second kind.
 */
import { createHash } from 'node:crypto';
import {
  type ExecutionListItem,
  paginateListExecutions,
  RedriveExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import { aws, toCliError } from '../aws/errors.js';
import type { Io } from '../aws/io.js';
import { type EnvOptions, resolveTarget } from '../aws/options.js';
import { readStack, requireOutput, type StackInfo } from '../aws/stack.js';
import { CliError, ExitCode } from '../errors.js';
import { report } from '../output.js';
import { REDRIVE_WINDOW_DAYS } from './replay.js';

export interface ReplayOptions extends EnvOptions {
  readonly dryRun?: boolean;
  readonly notifier?: boolean;
  /** Seconds between progress polls. */
  readonly pollSeconds?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Polls in a row that may find no move task at all before replay gives up following it. */
const MAX_UNLISTED_POLLS = 5;

export async function runReplay(options: ReplayOptions, io: Io, clients: AwsClients): Promise<void> {
  const stack = await readStack(clients, resolveTarget(options));
  if (options.notifier) {
    await redriveNotifier(stack, options, io, clients.sfn);
  } else if (options.dryRun) {
    await peekDeadLetterQueue(stack, io, clients);
  } else {
    await moveDeadLetterQueue(stack, options, io, clients);
  }
}

async function dlqDepth(clients: AwsClients, queueUrl: string): Promise<number> {
  const { Attributes } = await aws('read the dead-letter queue depth', () =>
    clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })
    )
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function peekDeadLetterQueue(stack: StackInfo, io: Io, clients: AwsClients): Promise<void> {
  const dlqUrl = requireOutput(stack, 'DeadLetterQueueUrl');
  const depth = await dlqDepth(clients, dlqUrl);
  if (depth === 0) {
    io.stdout.write(`The dead-letter queue of ${stack.env} is empty: nothing to replay.\n`);
    report(io, { dryRun: true, depth: 0, messages: [] });
    return;
  }
  // VisibilityTimeout 0 leaves each message visible: this is a look, not a take. Nothing is deleted.
  const { Messages = [] } = await aws('peek at the dead-letter queue', () =>
    clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['reason'],
      })
    )
  );
  io.stdout.write(
    `Dry run: ${depth} message(s) in the dead-letter queue of ${stack.env} would move back to delivery.\n` +
      `Showing ${Messages.length} (a peek with visibility timeout 0: nothing is moved, hidden or deleted).\n\n`
  );
  for (const message of Messages) {
    const body = parseBody(message.Body);
    const sent = Number(message.Attributes?.SentTimestamp);
    const reason = message.MessageAttributes?.reason?.StringValue;
    io.stdout.write(
      `  ${body.executionArn ?? '(no executionArn in body)'}\n` +
        `    status ${body.status ?? '?'} · dedup id ${body.deduplicationId ?? '?'} · receives ${message.Attributes?.ApproximateReceiveCount ?? '?'}` +
        `${Number.isFinite(sent) ? ` · sent ${new Date(sent).toISOString()}` : ''}\n` +
        (reason ? `    dead-lettered at once: ${reason}\n` : '')
    );
  }
  io.stdout.write(`\nRun without --dry-run to move them: sfn-slack replay ${stack.flag}\n`);
  report(io, {
    dryRun: true,
    depth,
    messages: Messages.map((message) => ({
      ...parseBody(message.Body),
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    })),
  });
}

function parseBody(body: string | undefined): {
  executionArn?: string;
  status?: string;
  deduplicationId?: string;
} {
  try {
    const outer = JSON.parse(body ?? '') as Record<string, unknown>;
    // A dead letter the delivery wrapped with its reason: the notification is the inner body.
    const wrapped = typeof outer.deadLetter === 'object' && typeof outer.body === 'string';
    const value = (wrapped ? JSON.parse(outer.body as string) : outer) as Record<string, unknown>;
    const pick = (key: string): string | undefined =>
      typeof value[key] === 'string' ? value[key] : undefined;
    return {
      ...(pick('executionArn') ? { executionArn: pick('executionArn') } : {}),
      ...(pick('status') ? { status: pick('status') } : {}),
      ...(pick('deduplicationId') ? { deduplicationId: pick('deduplicationId') } : {}),
    };
  } catch {
    return {};
  }
}

async function moveDeadLetterQueue(
  stack: StackInfo,
  options: ReplayOptions,
  io: Io,
  clients: AwsClients
): Promise<void> {
  const dlqArn = requireOutput(stack, 'DeadLetterQueueArn');
  const queueArn = requireOutput(stack, 'QueueArn');
  const dlqUrl = requireOutput(stack, 'DeadLetterQueueUrl');
  const depth = await dlqDepth(clients, dlqUrl);
  if (depth === 0) {
    io.stdout.write(`The dead-letter queue of ${stack.env} is empty: nothing to replay.\n`);
    report(io, { moved: 0 });
    return;
  }
  const { TaskHandle } = await aws('start moving the dead-letter queue back to delivery', () =>
    clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: queueArn }))
  );
  io.stdout.write(
    `Moving ~${depth} message(s) from the dead-letter queue back to delivery (${stack.env})…\n`
  );

  const pollMs = (options.pollSeconds ?? 2) * 1000;
  let last = '';
  let unlisted = 0;
  for (;;) {
    const task = await latestTask(clients, dlqArn, TaskHandle);
    // SQS lists a task as soon as it starts; one that stays unlisted is not worth waiting for forever.
    unlisted = task ? 0 : unlisted + 1;
    if (unlisted >= MAX_UNLISTED_POLLS) {
      throw new CliError(
        `the move task started on the dead-letter queue of ${stack.env} is not listed by ListMessageMoveTasks after ${unlisted} polls; check it in the SQS console (queue ${dlqUrl}), then run \`sfn-slack replay ${stack.flag} --dry-run\``,
        ExitCode.failed
      );
    }
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const total = task?.ApproximateNumberOfMessagesToMove ?? depth;
    const line = `  moved ${moved}/${total}${task?.Status ? ` (${task.Status})` : ''}`;
    if (line !== last) io.stdout.write(`${line}\n`);
    last = line;
    if (task?.Status === 'COMPLETED') {
      io.stdout.write(`✓ Replayed ${moved} message(s); delivery posts them in order.\n`);
      report(io, { moved });
      return;
    }
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new CliError(
        `the move task ${task.Status.toLowerCase()} after ${moved}/${total}${task.FailureReason ? `: ${task.FailureReason}` : ''}; run \`sfn-slack replay ${stack.flag}\` again to move the rest`,
        ExitCode.failed
      );
    }
    await io.sleep(pollMs);
  }
}

/** The move task just started: ListMessageMoveTasks returns the most recent first. */
async function latestTask(
  clients: AwsClients,
  sourceArn: string,
  handle: string | undefined
): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const { Results = [] } = await aws('read the progress of the move task', () =>
    clients.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }))
  );
  // The handle is only listed while the task runs; once finished the newest entry is ours.
  return Results.find((entry) => handle !== undefined && entry.TaskHandle === handle) ?? Results[0];
}

/** A client token per execution and redrive count, so a retried replay never redrives the same failure twice. */
export function redriveClientToken(executionArn: string, redriveCount: number): string {
  return createHash('sha256').update(`${executionArn}|${redriveCount}`).digest('hex').slice(0, 64);
}

async function redriveNotifier(
  stack: StackInfo,
  options: ReplayOptions,
  io: Io,
  sfn: SFNClient
): Promise<void> {
  const notifierArn = requireOutput(stack, 'NotifierStateMachineArn');
  const cutoff = io.now().getTime() - REDRIVE_WINDOW_DAYS * DAY_MS;
  const failed: ExecutionListItem[] = [];
  try {
    for await (const page of paginateListExecutions(
      { client: sfn },
      { stateMachineArn: notifierArn, statusFilter: 'FAILED' }
    )) {
      let older = false;
      for (const execution of page.executions ?? []) {
        const stopped = execution.stopDate?.getTime() ?? execution.startDate?.getTime() ?? 0;
        if (stopped >= cutoff) failed.push(execution);
        // Newest first; notifier runs last minutes, so a day of margin covers any that stopped inside the window.
        if ((execution.startDate?.getTime() ?? 0) < cutoff - DAY_MS) older = true;
      }
      if (older) break;
    }
  } catch (error) {
    throw toCliError(error, 'list the failed notifier executions');
  }

  if (failed.length === 0) {
    io.stdout.write(
      `No failed notifier executions in the last ${REDRIVE_WINDOW_DAYS} days (${stack.env}).\n`
    );
    report(io, { notifier: true, dryRun: options.dryRun === true, executions: [] });
    return;
  }
  io.stdout.write(
    `${options.dryRun ? 'Dry run: would redrive' : 'Redriving'} ${failed.length} failed notifier execution(s) of the last ${REDRIVE_WINDOW_DAYS} days:\n`
  );
  let errors = 0;
  report(io, {
    notifier: true,
    dryRun: options.dryRun === true,
    executions: failed.map((execution) => execution.executionArn),
  });
  for (const execution of failed) {
    const arn = execution.executionArn ?? '';
    if (options.dryRun) {
      io.stdout.write(`  ${arn} (stopped ${execution.stopDate?.toISOString() ?? '?'})\n`);
      continue;
    }
    try {
      await sfn.send(
        new RedriveExecutionCommand({
          executionArn: arn,
          clientToken: redriveClientToken(arn, execution.redriveCount ?? 0),
        })
      );
      io.stdout.write(`  ✓ ${arn}\n`);
    } catch (error) {
      errors += 1;
      const err = error as { name?: string; message?: string };
      if (err.name === 'ExecutionNotRedrivable' || err.name === 'ExecutionLimitExceeded') {
        io.stdout.write(`  ✗ ${arn}: ${err.name}: ${err.message ?? ''}\n`);
      } else {
        throw toCliError(error, `redrive ${arn}`);
      }
    }
  }
  if (errors > 0) {
    throw new CliError(
      `${errors} of ${failed.length} notifier execution(s) could not be redriven (see above); use \`sfn-slack renotify --execution-arn <watched execution>\` for those`,
      ExitCode.failed
    );
  }
}
