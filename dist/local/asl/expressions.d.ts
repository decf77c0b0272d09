import { StatesError } from './errors.js';
import { type FunctionOptions } from './functions.js';
/** The text inside `{% %}`, or undefined when the string is a plain literal (whitespace outside counts). */
export declare function expressionText(value: unknown): string | undefined;
/** Parses every JSONata expression once, at load time, so syntax errors fail before the execution starts. */
export declare function checkExpression(text: string, where: string): void;
/** Where an evaluation happens, for the QueryEvaluationError cause (same wording as AWS's). */
export interface EvalSite {
    stateName: string;
    enteredEventId: number;
    /** e.g. 'Output/FunctionResult', 'Arguments', 'Choices/0/Condition'. */
    location: string;
}
/** What `$states` holds plus the visible variables. */
export interface EvalScope {
    states: Record<string, unknown>;
    variables: Record<string, unknown>;
}
/** Raised for any evaluation failure; carries the location for the EvaluationFailed event. */
export declare class QueryEvaluationError extends StatesError {
    readonly location: string;
    constructor(cause: string, location: string);
}
/** Compiles and evaluates `{% %}` templates with the AWS function set; one per execution. */
export declare class ExpressionEngine {
    private readonly functionOptions;
    private readonly cache;
    constructor(functionOptions: FunctionOptions);
    private compile;
    /** Evaluates one expression string (without the delimiters). */
    evaluateExpression(text: string, scope: EvalScope, site: EvalSite): Promise<unknown>;
    /** Evaluates every `{% %}` string nested in `template`; object keys are never evaluated. */
    evaluateTemplate(template: unknown, scope: EvalScope, site: EvalSite): Promise<unknown>;
}
