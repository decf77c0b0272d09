/**
 * Writes settings into a definition as JSON values: a string that is exactly `"${Name}"` becomes the value
 * itself (an object, a list), so the state machine reads settings as data and never as text pasted into a
 * JSONata expression. Pure (no aws-cdk-lib): the local runner fills definitions the same way.
 */

/** A whole string Step Functions would evaluate as JSONata instead of taking literally. */
const LOOKS_LIKE_JSONATA = /^\{%[\s\S]*%\}$/;

function check(name: string, value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (value.includes('${')) {
      throw new Error(
        `${name}${where} ${JSON.stringify(value)} contains "\${", which a definition substitution would expand`
      );
    }
    if (LOOKS_LIKE_JSONATA.test(value)) {
      throw new Error(
        `${name}${where} ${JSON.stringify(value)} is a JSONata expression ({% … %}); the state machine would evaluate it`
      );
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) check(name, item, `${where}[${index}]`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) check(name, item, `${where}.${key}`);
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
  for (const [name, value] of Object.entries(values)) check(name, value, '');
  return JSON.stringify(replace(JSON.parse(definition), values), null, 2);
}
