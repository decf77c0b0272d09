/**
 * Slack mrkdwn escaping: only `&`, `<`, `>` (in that order). Applied to every string that came from the
 * execution before a template sees it, so a state name or cause can never ping `<!channel>` or fake a link.
 */
export declare function escapeText(text: string): string;
/** A deep copy of `value` with every string escaped (keys are kept as they are). */
export declare function escapeDeep<T>(value: T): T;
