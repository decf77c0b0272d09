/**
 * The EventBridge status-change event for an execution as DescribeExecution answers it: what `renotify` starts the
 * notifier with and what `preview --execution-arn` formats. Kept apart from the commands so that previewing a file
 * does not load the AWS SDK clients the commands use.
 */
import { createHash } from 'node:crypto';
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { parseArn } from '../../contract/arns.js';
import type { StatusChangeEvent } from '../../contract/formatter.js';

/**
 * StartExecution input is capped at 256 KiB; the event keeps the execution's input and output only while it
 * stays well under that, and says so with `inputDetails`/`outputDetails` as EventBridge does.
 */
const MAX_EVENT_BYTES = 200 * 1024;

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

function deterministicId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
