import jsonata from 'jsonata';
import { AslDefinitionError, ERR, StatesError } from './errors.js';
import { AWS_FUNCTION_SIGNATURES, awsFunctions, type FunctionOptions } from './functions.js';

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** The text inside `{% %}`, or undefined when the string is a plain literal (whitespace outside counts). */
export function expressionText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = EXPRESSION.exec(value);
  return match ? (match[1] ?? '').trim() : undefined;
}

type AstNode = { type?: string; value?: unknown; steps?: AstNode[] } & Record<string, unknown>;
const RELATIVE_KEYS = new Set(['stages', 'predicate', 'group', 'terms']);
const SKIP_KEYS = new Set(['type', 'value', 'position', 'keepArray', 'consarray']);

/**
 * AWS rejects a reference to the implicit root input (`$`, `$$`, a bare field name at top level):
 * "Always start from $states.input or a variable". Names inside a path after its first step, filters,
 * sorts and groups are relative to that path and allowed.
 */
function findRootReference(node: unknown, relative: boolean): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findRootReference(child, relative);
      if (found) return found;
    }
    return undefined;
  }
  const n = node as AstNode;
  if (n.type === 'path' && Array.isArray(n.steps)) {
    for (const [i, step] of n.steps.entries()) {
      const found = findRootReference(step, i > 0 ? true : relative);
      if (found) return found;
    }
    return findRootReference(n.group, true);
  }
  if (!relative && n.type === 'name') return `field name '${String(n.value)}'`;
  if (!relative && n.type === 'variable' && (n.value === '' || n.value === '$'))
    return n.value === '' ? "'$'" : "'$$'";
  for (const [key, child] of Object.entries(n)) {
    if (SKIP_KEYS.has(key)) continue;
    const found = findRootReference(child, relative || RELATIVE_KEYS.has(key));
    if (found) return found;
  }
  return undefined;
}

/** What checking an expression found: nothing, a parse error, or a reference to the implicit root input. */
type Check = { parseError: string } | { root: string } | undefined;
/**
 * Checks by expression text, for the life of the process: the same definitions are loaded again and again (each
 * local pipeline, test and bench run), and parsing their expressions was most of the time a load took.
 */
const checked = new Map<string, Check>();

function check(text: string): Check {
  if (checked.has(text)) return checked.get(text);
  let result: Check;
  try {
    const root = findRootReference(jsonata(text).ast(), false);
    result = root ? { root } : undefined;
  } catch (error) {
    const e = error as { code?: string; message: string };
    result = { parseError: `${e.code ?? ''} ${e.message}`.trim() };
  }
  checked.set(text, result);
  return result;
}

/** Parses every JSONata expression once, at load time, so syntax errors fail before the execution starts. */
export function checkExpression(text: string, where: string): void {
  const result = check(text);
  if (result && 'parseError' in result) {
    throw new AslDefinitionError(
      `${where}: the JSONata expression '${text}' does not parse: ${result.parseError}`.trim()
    );
  }
  if (result)
    throw new AslDefinitionError(
      `${where}: the JSONata expression '${text}' references the implicit root input (${result.root}); ` +
        'Step Functions has none: start from $states.input or a variable'
    );
}

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
export class QueryEvaluationError extends StatesError {
  constructor(
    cause: string,
    readonly location: string
  ) {
    super(ERR.QueryEvaluationError, cause);
  }
}

function prefix(site: EvalSite): string {
  return `An error occurred while executing the state '${site.stateName}' (entered at the event id #${site.enteredEventId}).`;
}

/** Makes a JSONata result plain JSON (sequences become arrays); anything not JSON is an evaluation error. */
function toJson(value: unknown, fail: (why: string) => never): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`returned the non-JSON number ${value}`);
    return value;
  }
  // AWS's wording for a function (or any other non-JSON value) as an expression's result.
  if (typeof value === 'function') return fail('returned an unsupported result type.');
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map((v) => toJson(v, fail));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out[k] = toJson(v, fail);
    }
    return out;
  }
  return fail(`returned a value of type ${typeof value}, which is not JSON`);
}

/**
 * The binding that carries the evaluating execution's AWS functions: a name with a space, which no expression
 * can write. Compiled expressions are shared by every execution in the process (compiling each expression again
 * for each execution, or each new pipeline's clock, was much of a local run's time); the AWS functions registered
 * in them ($millis, $now, $random) look up the evaluating execution's own, bound to its clock and random source,
 * so executions on different clocks can interleave. (An AsyncLocalStorage did this before: it turned on Node's
 * promise hooks for the whole process, a cost on every promise.)
 */
const EXECUTION_FUNCTIONS = 'sfn-local functions';

type Implementation = (...args: unknown[]) => unknown;
type ExecutionFunctions = Readonly<Record<string, Implementation>>;

/** What every shared expression registers: each AWS function's name and signature, calling the execution's. */
const sharedFunctions = Object.entries(AWS_FUNCTION_SIGNATURES).map(([name, signature]) => ({
  name,
  signature,
  implementation(this: jsonata.Focus, ...args: unknown[]): unknown {
    const own = this.environment.lookup(EXECUTION_FUNCTIONS) as ExecutionFunctions | undefined;
    const implementation = own?.[name];
    if (!implementation)
      throw new Error(`the AWS function $${name} was called outside an execution's evaluation`);
    return implementation(...args);
  },
}));

const compiled = new Map<string, jsonata.Expression>();

/** Compiles and evaluates `{% %}` templates with the AWS function set; one per execution. */
export class ExpressionEngine {
  private readonly functions: ExecutionFunctions;

  constructor(functionOptions: FunctionOptions) {
    // JSONata calls each with the arguments its signature (AWS_FUNCTION_SIGNATURES) admitted.
    this.functions = awsFunctions(functionOptions) as unknown as ExecutionFunctions;
  }

  private compile(text: string): jsonata.Expression {
    let expr = compiled.get(text);
    if (!expr) {
      expr = jsonata(text);
      for (const fn of sharedFunctions) expr.registerFunction(fn.name, fn.implementation, fn.signature);
      compiled.set(text, expr);
    }
    return expr;
  }

  /** Evaluates one expression string (without the delimiters). */
  async evaluateExpression(text: string, scope: EvalScope, site: EvalSite): Promise<unknown> {
    const fail = (why: string): never => {
      throw new QueryEvaluationError(
        `${prefix(site)} The JSONata expression '${text}' specified for the field '${site.location}' ${why}`,
        site.location
      );
    };
    let result: unknown;
    try {
      // `eval` bound to undefined: AWS removes $eval, so calling it fails as calling any non-function does.
      const expression = this.compile(text);
      result = await expression.evaluate(undefined, {
        ...scope.variables,
        eval: undefined,
        states: scope.states,
        [EXECUTION_FUNCTIONS]: this.functions,
      });
    } catch (error) {
      if (error instanceof StatesError) throw error;
      const e = error as { code?: string; message?: string };
      return fail(
        `threw an error during evaluation. ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`
      );
    }
    if (result === undefined) return fail('returned nothing (undefined).');
    return toJson(result, fail);
  }

  /** Evaluates every `{% %}` string nested in `template`; object keys are never evaluated. */
  async evaluateTemplate(template: unknown, scope: EvalScope, site: EvalSite): Promise<unknown> {
    const text = expressionText(template);
    if (text !== undefined) return this.evaluateExpression(text, scope, site);
    if (Array.isArray(template)) {
      const out: unknown[] = [];
      for (const [i, item] of template.entries()) {
        out.push(await this.evaluateTemplate(item, scope, { ...site, location: `${site.location}/${i}` }));
      }
      return out;
    }
    if (template !== null && typeof template === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(template as Record<string, unknown>)) {
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
