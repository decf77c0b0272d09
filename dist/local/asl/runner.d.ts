import { type Clock } from './clock.js';
import { type HistoryEvent } from './events.js';
export interface TaskInvocation {
    /** e.g. 'arn:aws:states:::lambda:invoke', 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory'. */
    resource: string;
    /** The evaluated Arguments (the state input when the state has none). */
    arguments: unknown;
    stateName: string;
    /** $states.context */
    context: unknown;
}
export type ResourceHandler = (task: TaskInvocation) => Promise<unknown>;
export interface RunOptions {
    /** Keyed by exact Resource string; a Resource not in the map fails the execution with States.Runtime. */
    resources: Record<string, ResourceHandler>;
    /** @default new VirtualClock() */
    clock?: Clock;
    /** @default 'arn:aws:states:us-east-1:123456789012:execution:<machine name>:<name>' */
    executionArn?: string;
    /** @default 'arn:aws:states:us-east-1:123456789012:stateMachine:local' */
    stateMachineArn?: string;
    /** Execution name. @default the last part of executionArn, else 'local-execution' */
    name?: string;
    /** For JitterStrategy FULL and unseeded $random. @default Math.random */
    random?: () => number;
    /** @default 262144 (256 KiB) */
    payloadLimitBytes?: number;
    onEvent?: (event: HistoryEvent) => void;
    /** Called when a retrier matched, before its delay is slept (for progress lines on a real clock). */
    onRetry?: (retry: RetryNotice) => void;
}
/** What `onRetry` is told. */
export interface RetryNotice {
    readonly stateName: string;
    readonly error: string;
    /** 1-based number of this retry for the matching retrier. */
    readonly attempt: number;
    /** The retrier's MaxAttempts. */
    readonly maxAttempts: number;
    readonly delayMs: number;
}
export interface ExecutionResult {
    status: 'SUCCEEDED' | 'FAILED';
    output?: unknown;
    error?: string;
    cause?: string;
    /** Each state entered counts one, each retry one more (see docs/local-runner.md). */
    stateTransitions: number;
    events: HistoryEvent[];
}
/**
 * Runs a JSONata state machine locally. Definition problems (invalid or unsupported ASL) throw
 * AslDefinitionError before anything runs; everything that happens during the run, including an
 * unknown Resource (States.Runtime), ends in a FAILED result rather than a throw.
 */
export declare function runStateMachine(definition: string | object, input: unknown, options: RunOptions): Promise<ExecutionResult>;
