/** A retrier with AWS's defaults filled in. */
export interface Retrier {
    ErrorEquals: string[];
    IntervalSeconds: number;
    MaxAttempts: number;
    BackoffRate: number;
    MaxDelaySeconds?: number;
    JitterStrategy: 'FULL' | 'NONE';
}
export interface Catcher {
    ErrorEquals: string[];
    Next: string;
    Output?: unknown;
    Assign?: Record<string, unknown>;
}
export interface ChoiceRule {
    Condition: unknown;
    Next: string;
    Output?: unknown;
    Assign?: Record<string, unknown>;
}
/** One state as written, after validation (Retry/Catch normalised). */
export interface StateDef {
    Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
    Next?: string;
    End?: boolean;
    Output?: unknown;
    Assign?: Record<string, unknown>;
    Resource?: string;
    Arguments?: unknown;
    TimeoutSeconds?: unknown;
    Retry: Retrier[];
    Catch: Catcher[];
    Choices?: ChoiceRule[];
    Default?: string;
    Seconds?: unknown;
    Timestamp?: unknown;
    Error?: unknown;
    Cause?: unknown;
    /** Parallel */
    Branches?: MachineDef[];
    /** Map (inline) */
    Items?: unknown;
    ItemSelector?: unknown;
    ItemProcessor?: MachineDef;
    MaxConcurrency?: unknown;
}
export interface MachineDef {
    StartAt: string;
    States: Record<string, StateDef>;
    /** Execution timeout. */
    TimeoutSeconds?: number;
}
/**
 * Parses and validates a JSONata state machine definition. Throws AslDefinitionError naming the state
 * and field for anything invalid in a JSONata machine or not implemented by the local runner.
 */
export declare function loadDefinition(definition: string | object): MachineDef;
