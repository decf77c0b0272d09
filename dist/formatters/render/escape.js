/**
 * Slack mrkdwn escaping: only `&`, `<`, `>` (in that order). Applied to every string that came from the
 * execution before a template sees it, so a state name or cause can never ping `<!channel>` or fake a link.
 */
export function escapeText(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** A deep copy of `value` with every string escaped (keys are kept as they are). */
export function escapeDeep(value) {
    if (typeof value === 'string')
        return escapeText(value);
    if (Array.isArray(value))
        return value.map((item) => escapeDeep(item));
    if (typeof value === 'object' && value !== null) {
        const out = {};
        for (const [key, item] of Object.entries(value))
            out[key] = escapeDeep(item);
        return out;
    }
    return value;
}
