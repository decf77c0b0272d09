import jsonata from 'jsonata';
import { AslDefinitionError, ERR, StatesError } from './errors.js';
import { awsFunctions } from './functions.js';
const EXPRESSION = /^\{%([\s\S]*)%\}$/;
/** The text inside `{% %}`, or undefined when the string is a plain literal (whitespace outside counts). */
export function expressionText(value) {
    if (typeof value !== 'string')
        return undefined;
    const match = EXPRESSION.exec(value);
    return match ? (match[1] ?? '').trim() : undefined;
}
const RELATIVE_KEYS = new Set(['stages', 'predicate', 'group', 'terms']);
const SKIP_KEYS = new Set(['type', 'value', 'position', 'keepArray', 'consarray']);
/**
 * AWS rejects a reference to the implicit root input (`$`, `$$`, a bare field name at top level):
 * "Always start from $states.input or a variable". Names inside a path after its first step, filters,
 * sorts and groups are relative to that path and allowed.
 */
function findRootReference(node, relative) {
    if (node === null || typeof node !== 'object')
        return undefined;
    if (Array.isArray(node)) {
        for (const child of node) {
            const found = findRootReference(child, relative);
            if (found)
                return found;
        }
        return undefined;
    }
    const n = node;
    if (n.type === 'path' && Array.isArray(n.steps)) {
        for (const [i, step] of n.steps.entries()) {
            const found = findRootReference(step, i > 0 ? true : relative);
            if (found)
                return found;
        }
        return findRootReference(n.group, true);
    }
    if (!relative && n.type === 'name')
        return `field name '${String(n.value)}'`;
    if (!relative && n.type === 'variable' && (n.value === '' || n.value === '$'))
        return n.value === '' ? "'$'" : "'$$'";
    for (const [key, child] of Object.entries(n)) {
        if (SKIP_KEYS.has(key))
            continue;
        const found = findRootReference(child, relative || RELATIVE_KEYS.has(key));
        if (found)
            return found;
    }
    return undefined;
}
/** Parses every JSONata expression once, at load time, so syntax errors fail before the execution starts. */
export function checkExpression(text, where) {
    let ast;
    try {
        ast = jsonata(text).ast();
    }
    catch (error) {
        const e = error;
        throw new AslDefinitionError(`${where}: the JSONata expression '${text}' does not parse: ${e.code ?? ''} ${e.message}`.trim());
    }
    const root = findRootReference(ast, false);
    if (root)
        throw new AslDefinitionError(`${where}: the JSONata expression '${text}' references the implicit root input (${root}); ` +
            'Step Functions has none: start from $states.input or a variable');
}
/** Raised for any evaluation failure; carries the location for the EvaluationFailed event. */
export class QueryEvaluationError extends StatesError {
    location;
    constructor(cause, location) {
        super(ERR.QueryEvaluationError, cause);
        this.location = location;
    }
}
function prefix(site) {
    return `An error occurred while executing the state '${site.stateName}' (entered at the event id #${site.enteredEventId}).`;
}
/** Makes a JSONata result plain JSON (sequences become arrays); anything not JSON is an evaluation error. */
function toJson(value, fail) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean')
        return value;
    if (typeof value === 'number') {
        if (!Number.isFinite(value))
            fail(`returned the non-JSON number ${value}`);
        return value;
    }
    if (typeof value === 'function')
        return fail('returned a function, which is not a JSON value');
    if (Array.isArray(value))
        return value.filter((v) => v !== undefined).map((v) => toJson(v, fail));
    if (typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            if (v !== undefined)
                out[k] = toJson(v, fail);
        }
        return out;
    }
    return fail(`returned a value of type ${typeof value}, which is not JSON`);
}
/** Compiles and evaluates `{% %}` templates with the AWS function set; one per execution. */
export class ExpressionEngine {
    functionOptions;
    cache = new Map();
    constructor(functionOptions) {
        this.functionOptions = functionOptions;
    }
    compile(text) {
        let expr = this.cache.get(text);
        if (!expr) {
            expr = jsonata(text);
            for (const fn of awsFunctions(this.functionOptions)) {
                expr.registerFunction(fn.name, fn.implementation, fn.signature);
            }
            this.cache.set(text, expr);
        }
        return expr;
    }
    /** Evaluates one expression string (without the delimiters). */
    async evaluateExpression(text, scope, site) {
        const fail = (why) => {
            throw new QueryEvaluationError(`${prefix(site)} The JSONata expression '${text}' specified for the field '${site.location}' ${why}`, site.location);
        };
        let result;
        try {
            // `eval` bound to undefined: AWS removes $eval, so calling it fails as calling any non-function does.
            result = await this.compile(text).evaluate(undefined, {
                ...scope.variables,
                eval: undefined,
                states: scope.states,
            });
        }
        catch (error) {
            if (error instanceof StatesError)
                throw error;
            const e = error;
            return fail(`threw an error during evaluation. ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
        }
        if (result === undefined)
            return fail('returned nothing (undefined).');
        return toJson(result, fail);
    }
    /** Evaluates every `{% %}` string nested in `template`; object keys are never evaluated. */
    async evaluateTemplate(template, scope, site) {
        const text = expressionText(template);
        if (text !== undefined)
            return this.evaluateExpression(text, scope, site);
        if (Array.isArray(template)) {
            const out = [];
            for (const [i, item] of template.entries()) {
                out.push(await this.evaluateTemplate(item, scope, { ...site, location: `${site.location}/${i}` }));
            }
            return out;
        }
        if (template !== null && typeof template === 'object') {
            const out = {};
            for (const [key, value] of Object.entries(template)) {
                out[key] = await this.evaluateTemplate(value, scope, {
                    ...site,
                    location: `${site.location}/${key}`,
                });
            }
            return out;
        }
        return template;
    }
}
