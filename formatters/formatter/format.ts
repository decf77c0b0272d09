/**
 * The in-process entry: history pages (+ event) → summary → template → a Slack message within Slack's
 * limits. Used by the Lambda handler, the `render` command, the local pipeline and previews.
 */
import type { FormattedMessage, NotifierSettings, StatusChangeEvent } from '../../contract/formatter.js';
import { enforceSlackLimits } from './render/limits.js';
import { safeMention } from './render/mention.js';
import { checkTemplateOutput } from './render/template-output.js';
import { DEFAULT_TEMPLATE, evaluateTemplate } from './render/templates.js';
import { buildTemplateInput, plainTime, type TemplateInput } from './render/view.js';
import { summarize } from './summarize/index.js';
import type { ExecutionSummary } from './summarize/types.js';

export { TemplateError } from './render/templates.js';
export { definitionText } from './summarize/definition.js';
export type { ExecutionSummary } from './summarize/types.js';

export interface FormatOptions {
  /** The EventBridge status-change event; its status is the one the message reports. @default - none */
  readonly event?: StatusChangeEvent;
  /** GetExecutionHistory pages (either casing, any order). May be empty. */
  readonly pages: readonly unknown[];
  /** Environment, template, mention. @default - template `detailed`, no environment, no mention */
  readonly settings?: Partial<NotifierSettings>;
  /** Console region when it differs from the execution ARN's. @default - the ARN's region */
  readonly consoleRegion?: string;
  /** A fold state from earlier partial calls. @default - none */
  readonly partial?: unknown;
  /** Why the history could not be read. @default - it was read */
  readonly historyUnavailable?: { readonly error: string; readonly cause?: string };
  /**
   * The state machine definition (DescribeStateMachineForExecution's `Definition`), as the notifier passes it:
   * names what each Task ran. @default - none
   */
  readonly definition?: string;
  /**
   * Read task parameters and outputs from the pages. The deployed notifier reads histories without them, so
   * by default they are ignored here too and a preview shows what the notifier posts. @default false
   */
  readonly executionData?: boolean;
}

export interface FormatResult {
  readonly message: FormattedMessage;
  readonly summary: ExecutionSummary;
  /** What was dropped from the template's blocks to keep the message valid, each naming the template. */
  readonly warnings: readonly string[];
}

/**
 * Formats one execution. Async because JSONata 2 evaluates asynchronously. Throws `TemplateError` when the
 * template cannot be read, compiled or evaluated, or does not return a Slack message.
 */
export async function formatExecution(options: FormatOptions): Promise<FormatResult> {
  const summary = summarize({
    pages: options.pages,
    ...(options.event ? { event: options.event } : {}),
    ...(options.partial === undefined ? {} : { partial: options.partial }),
    ...(options.historyUnavailable ? { historyUnavailable: options.historyUnavailable } : {}),
    ...(options.definition === undefined ? {} : { definition: options.definition }),
    executionData: options.executionData ?? false,
  });
  const warnings: string[] = [];
  const message = await renderSummary(summary, options.settings ?? {}, options.consoleRegion, (w) =>
    warnings.push(w)
  );
  return { message, summary, warnings };
}

/**
 * Renders a summary with the configured template and enforces Slack's limits on the result. Throws
 * `TemplateError` when the template fails or returns something that is not a Slack message; blocks that
 * cannot be made valid are dropped and reported to `warn` (@default ignored), each naming the template.
 */
export async function renderSummary(
  summary: ExecutionSummary,
  settings: Partial<NotifierSettings>,
  consoleRegion?: string,
  warn: (warning: string) => void = () => undefined
): Promise<FormattedMessage> {
  const template = settings.template ?? DEFAULT_TEMPLATE;
  const built = templateInputOf(summary, settings, consoleRegion);
  const input: TemplateInput = { ...built, context: { ...built.context, template } };
  const output = await evaluateTemplate(template, input);
  checkTemplateOutput(template, output);
  return enforceSlackLimits(output, input.view.notificationText, (w) => warn(`template '${template}': ${w}`));
}

/**
 * The plain-text-only version of a message (no blocks), posted when Slack rejects the blocks. Everything
 * execution-derived in it is escaped.
 */
export function plainTextMessage(
  summary: ExecutionSummary,
  settings: Partial<NotifierSettings>
): FormattedMessage {
  const input = templateInputOf(summary, settings, undefined);
  const { view, context } = input;
  const x = input.summary.execution;
  const lines = [
    `${context.mention ? `${context.mention} ` : ''}${view.notificationText}`,
    x.status === 'RUNNING'
      ? `Started ${plainTime(x.startMs)} · running`
      : `Started ${plainTime(x.startMs)} · ended ${plainTime(x.stopMs)} · ${view.duration}`,
  ];
  const fatal = view.failures.find((f) => f.handling === 'fatal');
  const reason = fatal ? fatal.reason : view.reason;
  if (reason) lines.push(reason);
  if (view.earlierRuns.length > 0)
    lines.push(`Earlier runs: ${view.earlierRuns.length} failed, then redriven`);
  if (view.historyNote) lines.push(view.historyNote);
  if (x.executionArn) lines.push(x.executionArn);
  if (context.consoleUrl) lines.push(context.consoleUrl);
  return enforceSlackLimits({ text: lines.join('\n') }, view.notificationText);
}

/**
 * The last template input built, kept for one more use: the handler builds the plain-text fallback and the
 * template's message from the same summary, one after the other, and the input is the costly part of both.
 */
let lastInput: { summary: ExecutionSummary; key: string; input: TemplateInput } | undefined;

/** The template input for `summary` (context without a template name), built once for two uses in a row. */
function templateInputOf(
  summary: ExecutionSummary,
  settings: Partial<NotifierSettings>,
  consoleRegion: string | undefined
): TemplateInput {
  const mention = mentionOf(settings);
  const key = [settings.environment ?? '', mention.mentionOnFailure ?? '', consoleRegion ?? ''].join(
    '\u0000'
  );
  const reuse = lastInput;
  lastInput = undefined;
  if (reuse && reuse.summary === summary && reuse.key === key) return reuse.input;
  const input = buildTemplateInput(summary, {
    ...(settings.environment === undefined ? {} : { environment: settings.environment }),
    ...mention,
    ...(consoleRegion === undefined ? {} : { consoleRegion }),
  });
  lastInput = { summary, key, input };
  return input;
}

/** The settings' failure mention, when it is one (a forged or malformed value is dropped, never printed). */
function mentionOf(settings: Partial<NotifierSettings>): { mentionOnFailure?: string } {
  const mention = safeMention(settings.mentionOnFailure);
  return mention === undefined ? {} : { mentionOnFailure: mention };
}
