import jsonata from 'jsonata';
/** The templates that ship with the formatter. */
export declare const BUILT_IN_TEMPLATES: readonly ["detailed", "compact"];
export declare const DEFAULT_TEMPLATE = "detailed";
/** A template that could not be read, compiled or evaluated. The message names the template and the cause. */
export declare class TemplateError extends Error {
    readonly template: string;
    constructor(template: string, message: string, options?: ErrorOptions);
}
type Expression = ReturnType<typeof jsonata>;
/** The compiled template (compiled once per process; a changed file needs a new process). */
export declare function compileTemplate(name?: string): Expression;
/** Evaluates a template on its input. */
export declare function evaluateTemplate(name: string, input: unknown): Promise<unknown>;
export {};
