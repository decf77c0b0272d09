/**
 * DefinitionSubstitutions are plain text replacement (CloudFormation and the local runner's `substitute()` alike):
 * a `${Placeholder}` inside a JSON string value gets the substituted text verbatim. This module makes a value safe
 * to land there. Pure (no aws-cdk-lib), so the local pipeline can use it too.
 */
/**
 * The text to substitute for a placeholder that sits alone inside a JSON string (`"${Name}"`): the value
 * JSON-escaped (`"`, `\`, control characters), without the surrounding quotes. After substitution the
 * definition holds exactly `value` as that JSON string.
 *
 * Throws for values no escaping can make safe: `${` (the substitution could be substituted again) and a whole
 * `{% … %}` (the state machine would evaluate it as an expression).
 * @param name the setting, named in the error message
 */
export declare function jsonStringSubstitution(name: string, value: string): string;
