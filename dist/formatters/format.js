import { enforceSlackLimits } from './render/limits.js';
import { checkTemplateOutput } from './render/template-output.js';
import { DEFAULT_TEMPLATE, evaluateTemplate } from './render/templates.js';
import { buildTemplateInput, plainTime } from './render/view.js';
import { summarize } from './summarize/index.js';
export { TemplateError } from './render/templates.js';
/**
 * Formats one execution. Async because JSONata 2 evaluates asynchronously. Throws `TemplateError` when the
 * template cannot be read, compiled or evaluated, or does not return a Slack message.
 */
export async function formatExecution(options) {
    const summary = summarize({
        pages: options.pages,
        ...(options.event ? { event: options.event } : {}),
        ...(options.partial === undefined ? {} : { partial: options.partial }),
        ...(options.historyUnavailable ? { historyUnavailable: options.historyUnavailable } : {}),
    });
    const warnings = [];
    const message = await renderSummary(summary, options.settings ?? {}, options.consoleRegion, (w) => warnings.push(w));
    return { message, summary, warnings };
}
/**
 * Renders a summary with the configured template and enforces Slack's limits on the result. Throws
 * `TemplateError` when the template fails or returns something that is not a Slack message; blocks that
 * cannot be made valid are dropped and reported to `warn` (@default ignored), each naming the template.
 */
export async function renderSummary(summary, settings, consoleRegion, warn = () => undefined) {
    const template = settings.template ?? DEFAULT_TEMPLATE;
    const input = buildTemplateInput(summary, {
        ...(settings.environment === undefined ? {} : { environment: settings.environment }),
        ...(settings.mentionOnFailure === undefined ? {} : { mentionOnFailure: settings.mentionOnFailure }),
        ...(consoleRegion === undefined ? {} : { consoleRegion }),
        template,
    });
    const output = await evaluateTemplate(template, input);
    checkTemplateOutput(template, output);
    return enforceSlackLimits(output, input.view.notificationText, (w) => warn(`template '${template}': ${w}`));
}
/**
 * The plain-text-only version of a message (no blocks), posted when Slack rejects the blocks. Everything
 * execution-derived in it is escaped.
 */
export function plainTextMessage(summary, settings) {
    const input = buildTemplateInput(summary, {
        ...(settings.environment === undefined ? {} : { environment: settings.environment }),
        ...(settings.mentionOnFailure === undefined ? {} : { mentionOnFailure: settings.mentionOnFailure }),
    });
    const { view, context } = input;
    const x = input.summary.execution;
    const lines = [
        `${context.mention ? `${context.mention} ` : ''}${view.notificationText}`,
        `Started ${plainTime(x.startMs)} · ended ${plainTime(x.stopMs)} · ${view.duration}`,
    ];
    const fatal = view.failures.find((f) => f.handling === 'fatal');
    if (fatal?.parsed)
        lines.push(fatal.parsed);
    if (view.historyNote)
        lines.push(view.historyNote);
    if (x.executionArn)
        lines.push(x.executionArn);
    if (context.consoleUrl)
        lines.push(context.consoleUrl);
    return enforceSlackLimits({ text: lines.join('\n') }, view.notificationText);
}
