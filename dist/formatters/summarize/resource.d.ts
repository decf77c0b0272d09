import { type UnknownRecord } from './normalize.js';
import type { StepResource } from './types.js';
/**
 * What a Task ran, from its `TaskScheduled` (or `LambdaFunctionScheduled`, `ActivityScheduled`) details.
 * `eventType` tells the legacy Lambda and Activity forms apart.
 */
export declare function describeResource(eventType: string, details: UnknownRecord): StepResource | undefined;
/** A nested execution's ARN from a task's reduced output (TaskSubmitted/TaskSucceeded of startExecution). */
export declare function childExecutionArn(details: UnknownRecord): string | undefined;
