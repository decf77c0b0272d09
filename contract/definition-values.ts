/**
 * How settings get into a state machine definition, for the CDK constructs and the local runner alike (one rule
 * for both, so a value the runner accepts is one a deploy accepts).
 *
 * DefinitionSubstitutions are plain text replacement (CloudFormation and the local runner's `substitute()` alike):
 * a `${Placeholder}` inside a JSON string value gets the substituted text verbatim. `jsonStringSubstitution` makes
 * a text safe to land there; `fillJsonValues` writes settings as JSON values instead, so the state machine reads
 * them as data and never as text pasted into a JSONata expression. Pure (no aws-cdk-lib).
 */

/** A whole string value that Step Functions would evaluate as JSONata instead of taking literally. */
const LOOKS_LIKE_JSONATA = /^\{%[\s\S]*%\}$/;

/**
 * Throws for a string no escaping can make safe: `${` (the substitution could be substituted again) and a whole
 * `{% … %}` (the state machine would evaluate it as an expression).
 * @param label the setting (and where in it), named in the error message
 */
function checkText(label: string, value: string): void {
  if (value.includes('${')) {
    throw new Error(
      `${label} ${JSON.stringify(value)} contains "\${", which a definition substitution would expand`
    );
  }
  if (LOOKS_LIKE_JSONATA.test(value)) {
    throw new Error(
      `${label} ${JSON.stringify(value)} is a JSONata expression ({% … %}); the state machine would evaluate it`
    );
  }
}

/**
 * The text to substitute for a placeholder that sits alone inside a JSON string (`"${Name}"`): the value
 * JSON-escaped (`"`, `\`, control characters), without the surrounding quotes. After substitution the
 * definition holds exactly `value` as that JSON string. Throws as `checkText` does.
 * @param name the setting, named in the error message
 */
export function jsonStringSubstitution(name: string, value: string): string {
  checkText(name, value);
  return JSON.stringify(value).slice(1, -1);
}

/** Checks every string inside a JSON value (`where`: the path to it, for the message). */
function checkValue(name: string, value: unknown, where: string): void {
  if (typeof value === 'string') {
    checkText(`${name}${where}`, value);
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkValue(name, item, `${where}[${index}]`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) checkValue(name, item, `${where}.${key}`);
  }
}

function replace(node: unknown, values: Readonly<Record<string, unknown>>): unknown {
  if (typeof node === 'string') {
    const name = /^\$\{([A-Za-z]+)\}$/.exec(node)?.[1];
    return name !== undefined && name in values ? values[name] : node;
  }
  if (Array.isArray(node)) return node.map((item) => replace(item, values));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, replace(item, values)]));
  }
  return node;
}

/**
 * The definition text with each `"${Name}"` of `values` replaced by its JSON value. Throws when a string inside
 * a value could be expanded again (`${`) or evaluated (`{% … %}`).
 */
export function fillJsonValues(definition: string, values: Readonly<Record<string, unknown>>): string {
  for (const [name, value] of Object.entries(values)) checkValue(name, value, '');
  return JSON.stringify(replace(JSON.parse(definition), values), null, 2);
}
