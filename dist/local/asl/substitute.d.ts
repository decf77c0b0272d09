/**
 * Replaces `${Name}` placeholders as CloudFormation DefinitionSubstitutions do. Throws when the text has
 * a placeholder without a value, or a substitution is never used (both are deploy-time mistakes).
 */
export declare function substitute(definitionText: string, substitutions: Record<string, string>): string;
