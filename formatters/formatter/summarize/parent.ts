/**
 * The parent execution of a child started by Step Functions (`startExecution`, `.sync`, `.waitForTaskToken`):
 * Step Functions passes the parent's ARN in the child's input as `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`
 * (the console then links the two). It is read from the execution's input (the history's ExecutionStarted, or
 * the status-change event's `detail.input`), which may be cut, so a JSON that does not parse is searched too.
 */

export const STARTED_BY_KEY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

const EXECUTION_ARN = /^arn:[a-z0-9-]+:states:[a-z0-9-]+:\d{12}:execution:[^:\s"]+:[^:\s"]+$/;
const IN_TEXT = new RegExp(`"${STARTED_BY_KEY}"\\s*:\\s*"([^"\\\\]{1,2048})"`);

function arnOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 2048 && EXECUTION_ARN.test(value) ? value : undefined;
}

/** The parent execution's ARN named in an execution's input (a JSON string or an object), if any. */
export function startedByArn(input: unknown): string | undefined {
  if (typeof input === 'object' && input !== null) {
    return arnOrUndefined((input as Record<string, unknown>)[STARTED_BY_KEY]);
  }
  if (typeof input !== 'string' || !input.includes(STARTED_BY_KEY)) return undefined;
  // The member is at the top level of the input; a search finds it in a cut input too.
  return arnOrUndefined(IN_TEXT.exec(input)?.[1]);
}
