import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonata from 'jsonata';
import { jsonStringSubstitution } from '../../contract/definition-values.js';
import { muteSubstitutions } from '../../contract/message-store.js';
import { TAG_MENTION } from '../../contract/settings.js';
import { AWS_FUNCTION_SIGNATURES, awsFunctions } from '../../local/asl/functions.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const statemachinesDir = path.join(repoRoot, 'statemachines');

/** The notifier's substitutions besides its resource ARNs: the store's mute count and the tag mention pattern. */
export function notifierStoreSubstitutions(tableName: string): Record<string, string> {
  return {
    TableName: tableName,
    MentionPattern: jsonStringSubstitution('MentionPattern', TAG_MENTION.source),
    ...muteSubstitutions(),
  };
}

// asl-validator ships CommonJS without type declarations: load it with require and give it its documented shape.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options: { readonly checkPaths: boolean; readonly checkArn: boolean }
) => { isValid: boolean; errorsText: (separator?: string) => string };

/**
 * asl-validator on a definition: its schema (every state's fields, JSONata strings that compile), transitions,
 * terminal states and ARNs. Its JSONPath path checks are left out: every definition here is JSONata (each state's
 * JSONPath-only fields are refused by test/statemachines/definitions.test.ts), and they are half the CPU of a
 * call (the validator builds its whole schema set again on each one).
 */
export function validateAsl(definition: unknown) {
  return aslValidator(definition, { checkPaths: false, checkArn: true });
}

export type State = Record<string, unknown> & { Type: string };
export interface Definition {
  QueryLanguage?: string;
  StartAt: string;
  States: Record<string, State>;
  [key: string]: unknown;
}

export function aslFiles(): string[] {
  return readdirSync(statemachinesDir)
    .filter((name) => name.endsWith('.asl.json'))
    .sort();
}

export function readAsl(name: string): string {
  return readFileSync(path.join(statemachinesDir, name), 'utf8');
}

/** Every `{% … %}` string anywhere in the definition, with the JSON path where it sits. */
export function jsonataStrings(value: unknown, at = '$'): Array<{ at: string; expression: string }> {
  if (typeof value === 'string') {
    const match = /^\{%([\s\S]*)%\}$/.exec(value);
    return match?.[1] === undefined ? [] : [{ at, expression: match[1] }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => jsonataStrings(item, `${at}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => jsonataStrings(item, `${at}.${key}`));
  }
  return [];
}

/** `${Name}` placeholders, as DefinitionSubstitutions fill them. */
export function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string));
}

export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no substitution for \${${name}}`);
    return value;
  });
}

/**
 * Step Functions' $parse and $hash, as the local runner has them: the functions these definitions use ($millis stays
 * unbound: tests pin the time in the text).
 */
const RUNNER_FUNCTIONS = awsFunctions({
  clock: { now: () => 0, sleep: async () => {} },
  random: Math.random,
});
const USED_FUNCTIONS = ['parse', 'hash'] as const;

/**
 * Evaluates one `{% … %}` field the way Step Functions does: `$states` bound, and the functions AWS adds to
 * JSONata 2.0.6 that these definitions use.
 */
export async function evaluate(
  field: unknown,
  states: Record<string, unknown>,
  variables: Record<string, unknown> = {}
): Promise<unknown> {
  if (typeof field !== 'string') throw new Error(`not a JSONata field: ${JSON.stringify(field)}`);
  const match = /^\{%([\s\S]*)%\}$/.exec(field);
  if (match?.[1] === undefined) throw new Error(`not a JSONata field: ${field}`);
  const expression = jsonata(match[1]);
  for (const name of USED_FUNCTIONS) {
    expression.registerFunction(
      name,
      RUNNER_FUNCTIONS[name] as (...args: unknown[]) => unknown,
      AWS_FUNCTION_SIGNATURES[name]
    );
  }
  return expression.evaluate({}, { ...variables, states });
}

/** The state a Choice state goes to for this input: the first rule whose Condition holds, else Default. */
export async function route(choice: State, input: unknown): Promise<string | undefined> {
  for (const rule of choice.Choices as Array<{ Condition: string; Next: string }>) {
    if ((await evaluate(rule.Condition, { input })) === true) return rule.Next;
  }
  return choice.Default as string | undefined;
}

export function state(definition: Definition, name: string): State {
  const found = definition.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found;
}

/** State names each state can go to next (Next, Default, Choices[].Next, Catch[].Next). */
export function successors(state: State): string[] {
  const next: string[] = [];
  if (typeof state.Next === 'string') next.push(state.Next);
  if (typeof state.Default === 'string') next.push(state.Default);
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) {
      for (const item of list as Array<{ Next?: unknown }>)
        if (typeof item.Next === 'string') next.push(item.Next);
    }
  }
  return next;
}

/**
 * Evaluates every `{% %}` string nested in a field (an object or array of them, as Arguments and Assign may be),
 * as the runner does; plain values stay as they are.
 */
export async function evaluateNested(
  field: unknown,
  states: Record<string, unknown>,
  variables: Record<string, unknown> = {}
): Promise<unknown> {
  if (typeof field === 'string')
    return /^\{%[\s\S]*%\}$/.test(field) ? evaluate(field, states, variables) : field;
  if (Array.isArray(field)) return Promise.all(field.map((item) => evaluateNested(item, states, variables)));
  if (field !== null && typeof field === 'object') {
    const entries = await Promise.all(
      Object.entries(field).map(async ([k, v]) => [k, await evaluateNested(v, states, variables)] as const)
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return field;
}
