const PLACEHOLDER = /\$\{([^{}]+)\}/g;
/**
 * Replaces `${Name}` placeholders as CloudFormation DefinitionSubstitutions do. Throws when the text has
 * a placeholder without a value, or a substitution is never used (both are deploy-time mistakes).
 */
export function substitute(definitionText, substitutions) {
    const used = new Set();
    const missing = new Set();
    const out = definitionText.replace(PLACEHOLDER, (whole, key) => {
        if (!Object.hasOwn(substitutions, key)) {
            missing.add(key);
            return whole;
        }
        used.add(key);
        return substitutions[key];
    });
    if (missing.size > 0)
        throw new Error(`definition substitution: no value for placeholder(s) ${[...missing].map((k) => `\${${k}}`).join(', ')}`);
    const unused = Object.keys(substitutions).filter((k) => !used.has(k));
    if (unused.length > 0)
        throw new Error(`definition substitution: key(s) not used in the definition: ${unused.join(', ')}`);
    return out;
}
