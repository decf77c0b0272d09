/**
 * The formatter's `digest` operation: reads the routed machines' last 24 hours, sums them up, renders the digest
 * template (users can change it, like the others) within Slack's limits, and answers the message for the FIFO
 * queue, with its own deduplication id per destination and day; or `skip` on a quiet day with `quiet: "skip"`.
 */
import { createHash } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  DIGEST_WINDOW_HOURS,
  type DigestRequest,
  destinationKey,
  digestDeduplicationKey,
} from '../../../contract/digest.js';
import type { DeliveryMessage, FormatterOutput } from '../../../contract/formatter.js';
import { DIGEST_TEMPLATE } from '../../../contract/templates.js';
import { toMs } from '../lifecycle.js';
import { enforceSlackLimits } from '../render/limits.js';
import { checkTemplateOutput } from '../render/template-output.js';
import { evaluateTemplate } from '../render/templates.js';
import { summarizeDigest } from './compute.js';
import { type DigestClients, type DigestReadStats, readDigestMachines } from './read.js';
import type { DigestMachine, DigestSummary } from './types.js';
import { buildDigestInput } from './view.js';

/** SHA-256 hex of `digest|environment|destination|day`: one digest per destination and day on the FIFO queue. */
export function digestDeduplicationId(environment: string, destination: string, day: string): string {
  return createHash('sha256')
    .update(digestDeduplicationKey(environment, destination, day))
    .digest('hex');
}

/** The calendar day of `ms` in `timeZone`, `YYYY-MM-DD`: the digest's day, for its deduplication id. */
export function localDay(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

export function digestWindow(request: DigestRequest, now: number): { sinceMs: number; untilMs: number } {
  const untilMs = toMs(request.until) ?? now;
  return { sinceMs: untilMs - (request.hours ?? DIGEST_WINDOW_HOURS) * 3_600_000, untilMs };
}

/** The digest of `machines` (already read) as the formatter answers it. */
export async function renderDigest(
  request: DigestRequest,
  machines: readonly DigestMachine[],
  window: { readonly sinceMs: number; readonly untilMs: number },
  warn: (warning: string) => void = () => undefined
): Promise<{ output: FormatterOutput; summary: DigestSummary }> {
  const summary = summarizeDigest(machines, window);
  if (summary.quiet && request.quiet === 'skip') {
    return { output: { kind: 'skip', reason: 'a quiet day (quiet: "skip")' }, summary };
  }
  const template = request.template ?? DIGEST_TEMPLATE;
  const input = buildDigestInput(summary, {
    environment: request.environment,
    timeZone: request.timeZone,
    ...(request.hours === undefined ? {} : { hours: request.hours }),
  });
  const raw = await evaluateTemplate(template, input);
  checkTemplateOutput(template, raw);
  const message = enforceSlackLimits(raw, `${input.view.title}: ${input.view.countsLine}`, (w) =>
    warn(`template '${template}': ${w}`)
  );
  const key = destinationKey(request.destination);
  const day = localDay(window.untilMs, request.timeZone);
  const deduplicationId = digestDeduplicationId(request.environment, key, day);
  const channel = request.destination.type === 'channel' ? request.destination.channel : undefined;
  const delivery: DeliveryMessage = {
    payload: { ...message, ...(channel ? { channel } : {}), unfurl_links: false },
    fallback: { text: message.text, ...(channel ? { channel } : {}) },
    // Not an execution: the digest's own key, so the store keeps it apart from every execution's message.
    executionArn: `digest:${request.environment}:${key}:${day}`,
    status: 'DIGEST',
    deduplicationId,
    eventTime: new Date(window.untilMs).toISOString(),
  };
  return { output: { kind: 'message', delivery, messageGroupId: key, deduplicationId }, summary };
}

/** Reads, sums up and renders. Throws when the template fails (the machine retries, then fails visibly). */
export async function digestOperation(
  request: DigestRequest,
  clients: SFNClient | DigestClients,
  options: {
    readonly now?: number;
    readonly stats?: DigestReadStats;
    readonly warn?: (w: string) => void;
  } = {}
): Promise<FormatterOutput> {
  const window = digestWindow(request, options.now ?? Date.now());
  const machines = await readDigestMachines(clients, request, window, options.stats);
  return (await renderDigest(request, machines, window, options.warn)).output;
}
