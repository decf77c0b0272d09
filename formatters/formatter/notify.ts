/**
 * The notifier's Format step (statemachines/notifier.asl.json): everything the state machine does not do, decided
 * in TypeScript. From the event, the first history page and the deployed settings it reads the rest of the
 * history, the definition and the machine's tags (in a central environment with the execution account's read
 * role, in its region: formatters/formatter/source-client.ts), routes the event (contract/routes.ts), decides the mute
 * (formatters/formatter/mute.ts), formats one message per destination and answers the queue entries. The state machine
 * only takes the path the decision names: send, hold or none.
 *
 * Logs carry ids, statuses, counts and reasons only: never message content or execution data.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { parseArn, stateMachineArnOf } from '../../contract/arns.js';
import type {
  DeliveryMessage,
  FormatterInput,
  FormatterOutput,
  MuteHold,
  NotifierSettings,
  NotifyDecision,
  NotifyInput,
  QueueEntry,
  StatusChangeEvent,
} from '../../contract/formatter.js';
import { QUEUE_BATCH_BUDGET_BYTES, QUEUE_BATCH_MAX } from '../../contract/formatter.js';
import { MUTE_RECHECK_SECONDS } from '../../contract/message-store.js';
import {
  type DeployedSettings,
  destinationKey,
  type Route,
  type RouteSubject,
  routeDeliveries,
  routesWithoutTags,
  TAG_KEYS,
} from '../../contract/routes.js';
import { TAG_MENTION } from '../../contract/settings.js';
import type { ExecutionStatus } from '../../contract/statuses.js';
import { claimSummary, countHeld, type MuteStore, summaryMessages, summaryText } from './mute.js';
import { foldPages } from './summarize/index.js';
import { readMachineTags } from './tags.js';

/** What the decision is made with; the handler (formatters/formatter/handler.ts) gives the Lambda's defaults. */
export interface NotifyOptions {
  /** Formats one destination's message (formatters/formatter/handler.ts createHandler). */
  readonly format: (input: FormatterInput) => Promise<FormatterOutput>;
  /** The client that reads this event's execution: its history, definition and machine tags. */
  readonly sfnClient: (event: StatusChangeEvent) => Promise<SFNClient>;
  /** The message store the mute counts live in. @default - none: a mute cannot be counted, so it is not held */
  readonly store?: () => Promise<MuteStore | undefined>;
  readonly logger: Logger;
  /** @default Date.now */
  readonly now?: () => number;
}

export type NotifyHandler = (input: NotifyInput) => Promise<NotifyDecision>;

/** The state machine ARN of the event: `detail.stateMachineArn`, else derived from the execution ARN. */
export function machineOf(event: StatusChangeEvent): string {
  const d = event.detail;
  if (typeof d.stateMachineArn === 'string') return d.stateMachineArn;
  return typeof d.executionArn === 'string' ? (stateMachineArnOf(d.executionArn) ?? '') : '';
}

/**
 * The account the event says it came from differs from the execution ARN's: a source account naming another
 * account's execution. Refused: nothing is read for it and no message (with buttons) goes out.
 */
export function foreignExecution(event: StatusChangeEvent): boolean {
  const arnAccount = parseArn(String(event.detail.executionArn))?.account;
  return typeof event.account === 'string' && event.account !== arnAccount;
}

/** The settings one destination's message is formatted with (contract/formatter.ts NotifierSettings). */
interface Delivery {
  readonly settings: NotifierSettings;
  readonly group: string;
  readonly channel?: string;
  /** The "still running" banner's mention (RUNNING with runningLongerThan only). */
  readonly runningMention?: string;
}

/** Tags as routes may read them: a `sfn-slack:mention` that is not a user or user-group mention is dropped. */
function routableTags(tags: Record<string, string>): Record<string, string> {
  const mention = tags[TAG_KEYS.mention];
  if (mention === undefined || TAG_MENTION.test(mention)) return tags;
  const { [TAG_KEYS.mention]: _dropped, ...rest } = tags;
  return rest;
}

/**
 * The destinations of an event (contract/routes.ts routeDeliveries), with the notifier's two allowances: a
 * hand-made event (no status or no machine) goes to every route up to `stop`; unreadable tags count as meeting
 * every tag condition and apply no override, so a notification goes to too many places rather than none.
 */
export function deliveriesFor(
  settings: DeployedSettings,
  subject: RouteSubject,
  options: { readonly handMade: boolean; readonly tagsRead: boolean }
): Delivery[] {
  const handled: Route[] = settings.routes.map((route) =>
    options.handMade
      ? {
          ...route,
          statuses: [subject.status as ExecutionStatus],
          match: { stateMachineArns: [], stateMachineNamePrefixes: [], tags: {}, accounts: [], regions: [] },
        }
      : route
  );
  const routes = options.tagsRead ? handled : routesWithoutTags(handled);
  const tags = subject.tags ?? {};
  const running = settings.checksRunning === true && subject.status === 'RUNNING';
  const actions = settings.actions ?? [];
  return routeDeliveries({ ...settings, routes }, subject).map((d) => {
    const route = routes.find((r) => r.name === d.route);
    const tagMention = route?.tagOverrides ? tags[TAG_KEYS.mention] : undefined;
    const channel = d.destination.type === 'channel' ? d.destination.channel : undefined;
    return {
      settings: {
        environment: d.environment,
        route: d.route,
        destination: d.destination,
        template: d.template,
        ...(d.mentionOnFailure === undefined ? {} : { mentionOnFailure: d.mentionOnFailure }),
        ...(channel !== undefined && actions.length > 0 ? { actions } : {}),
      },
      group: destinationKey(d.destination),
      ...(channel === undefined ? {} : { channel }),
      ...(running ? { runningMention: tagMention ?? route?.mention ?? '' } : {}),
    };
  });
}

/** The body the queue gets: the destination's channel pinned (a formatter cannot send elsewhere), its banner mention. */
function pinned(message: DeliveryMessage, delivery: Delivery): DeliveryMessage {
  const pin = delivery.channel === undefined ? {} : { channel: delivery.channel };
  const { channel: _p, ...payload } = message.payload;
  const { channel: _f, ...fallback } = message.fallback;
  return {
    ...message,
    payload: { ...payload, ...pin },
    fallback: { ...fallback, ...pin },
    ...(delivery.runningMention === undefined ? {} : { runningMention: delivery.runningMention }),
  };
}

/**
 * The queue entries, at most QUEUE_BATCH_MAX, their bodies within QUEUE_BATCH_BUDGET_BYTES: past it, the
 * largest messages go as their plain-text fallback (what Slack would be sent if it refused the blocks).
 */
export function queueEntries(
  messages: ReadonlyArray<{ group: string; message: DeliveryMessage }>,
  logger?: Logger
): QueueEntry[] {
  if (messages.length > QUEUE_BATCH_MAX) {
    logger?.warn('more destinations than one batch takes', {
      destinations: messages.length,
      sent: QUEUE_BATCH_MAX,
    });
  }
  const bodies = messages.slice(0, QUEUE_BATCH_MAX).map((m) => ({ ...m, body: JSON.stringify(m.message) }));
  const total = () => bodies.reduce((n, b) => n + Buffer.byteLength(b.body), 0);
  while (total() > QUEUE_BATCH_BUDGET_BYTES) {
    const largest = bodies.reduce((a, b) => (Buffer.byteLength(b.body) > Buffer.byteLength(a.body) ? b : a));
    const { payload, fallback } = largest.message;
    if (payload.blocks === undefined) break;
    const textOnly: DeliveryMessage = {
      ...largest.message,
      payload: {
        ...fallback,
        ...(payload.unfurl_links === undefined ? {} : { unfurl_links: payload.unfurl_links }),
      },
    };
    largest.message = textOnly;
    largest.body = JSON.stringify(textOnly);
    logger?.warn('message sent as plain text to fit the batch', { group: largest.group });
  }
  return bodies.map((b, i) => ({
    Id: `m${i}`,
    MessageBody: b.body,
    MessageGroupId: b.group,
    MessageDeduplicationId: b.message.deduplicationId,
  }));
}

function pageToken(page: unknown): string | undefined {
  const p = (page ?? {}) as { NextToken?: unknown; nextToken?: unknown };
  const token = p.NextToken ?? p.nextToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * The history folded, from the first page the notifier read (or none) to the last, read forward 1,000 events a
 * page without execution data. A token the service does not take back starts over from the first event.
 */
export async function foldHistory(
  client: SFNClient,
  executionArn: string,
  first: unknown
): Promise<{ partial: unknown; pages: number }> {
  const { GetExecutionHistoryCommand } = await import('@aws-sdk/client-sfn');
  let partial: unknown = first === undefined ? undefined : foldPages(undefined, [first]);
  let token = first === undefined ? undefined : pageToken(first);
  let pages = first === undefined ? 0 : 1;
  if (first !== undefined && token === undefined) return { partial, pages };
  let restarted = false;
  for (;;) {
    let answer: { events?: unknown[]; nextToken?: string };
    try {
      answer = await client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 1000,
          includeExecutionData: false,
          reverseOrder: false,
          ...(token === undefined ? {} : { nextToken: token }),
        })
      );
    } catch (error) {
      if ((error as Error).name !== 'InvalidToken' || restarted || token === undefined) throw error;
      restarted = true;
      partial = undefined;
      token = undefined;
      continue;
    }
    partial = foldPages(partial, [{ events: answer.events ?? [] }]);
    pages += 1;
    token = answer.nextToken;
    if (!token) return { partial, pages };
  }
}

async function describeDefinition(client: SFNClient, executionArn: string): Promise<string | undefined> {
  const { DescribeStateMachineForExecutionCommand } = await import('@aws-sdk/client-sfn');
  const answer = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
  return typeof answer.definition === 'string' ? answer.definition : undefined;
}

const nameOf = (error: unknown) => (error instanceof Error ? error.name : 'Error');

/** Builds the Format step's handler. */
export function createNotifyHandler(options: NotifyOptions): NotifyHandler {
  const now = options.now ?? Date.now;
  const logger = options.logger;

  /** The mute's end as its tag says now; the end it last knew when the tag cannot be read. */
  async function recheck(input: NotifyInput, hold: MuteHold): Promise<NotifyDecision> {
    let until = hold.until;
    try {
      const tags = await readMachineTags(await options.sfnClient(input.event), hold.machine);
      const value = tags[TAG_KEYS.muteUntil];
      until = value === undefined ? 0 : Date.parse(value) || 0;
    } catch (error) {
      logger.warn('mute tag not read again; keeping the end it was muted to', { error: nameOf(error) });
    }
    const at = now();
    if (until > at) {
      return {
        action: 'hold',
        reason: 'still muted',
        wakeAt: new Date(Math.min(until, at + MUTE_RECHECK_SECONDS * 1000)).toISOString(),
        mute: { ...hold, until },
      };
    }
    const store = await options.store?.();
    let held = 1;
    if (store) {
      try {
        const claimed = await claimSummary(store, hold, at);
        if (claimed === undefined)
          return { action: 'none', reason: 'the mute summary was claimed by another run' };
        held = claimed;
      } catch (error) {
        // Sent anyway with the count this run knows: its deduplication id names the mute, so a copy is dropped.
        logger.warn('mute summary not claimed; sending it anyway', { error: nameOf(error) });
      }
    }
    const text = summaryText(hold.machine, at, held, input.settings.environment);
    const messages = summaryMessages(hold, text, input.event.detail.executionArn);
    logger.info('mute ended', { held, destinations: messages.length });
    return { action: 'send', reason: `mute ended: ${held} held`, entries: queueEntries(messages, logger) };
  }

  return async (input) => {
    const event = input?.event;
    if (!event?.detail || typeof event.detail.executionArn !== 'string') {
      throw new TypeError('formatter input has no event.detail.executionArn');
    }
    const settings = input.settings;
    const executionArn = event.detail.executionArn;
    logger.appendKeys({ executionArn, status: event.detail.status });
    if (foreignExecution(event)) {
      logger.warn('refused: the event names an execution of another account', { account: event.account });
      return { action: 'none', reason: "refused: the event's account is not the execution's" };
    }
    if (input.last?.mute) return recheck(input, input.last.mute);

    const machine = machineOf(event);
    const status = typeof event.detail.status === 'string' ? event.detail.status : undefined;
    const handMade = status === undefined || machine === '';
    let client: SFNClient | undefined;
    const sfn = async () => {
      client ??= await options.sfnClient(event);
      return client;
    };

    // Tags: only when a route or the mute needs them. Unreadable tags: conditions met, no overrides, no mute.
    let tags: Record<string, string> | undefined;
    if (settings.readTags && machine !== '') {
      try {
        tags = routableTags(await readMachineTags(await sfn(), machine));
      } catch (error) {
        logger.warn('tags not read; tag conditions count as met', { error: nameOf(error) });
      }
    }
    const deliveries = deliveriesFor(
      settings,
      {
        stateMachineArn: machine,
        status: status ?? '',
        ...(typeof event.account === 'string' ? { account: event.account } : {}),
        ...(typeof event.region === 'string' ? { region: event.region } : {}),
        ...(tags ? { tags } : {}),
      },
      { handMade, tagsRead: tags !== undefined }
    );
    if (deliveries.length === 0) {
      logger.info('no route takes the event');
      return { action: 'none', reason: 'no route takes this machine with this status' };
    }

    // Mute: counted, never posted; the run that counts first holds and sends the summary at the end.
    const muteTag = tags?.[TAG_KEYS.muteUntil];
    const muteUntil = muteTag === undefined ? 0 : Date.parse(muteTag) || 0;
    const store = settings.holdsMutes === false ? undefined : await options.store?.();
    if (muteTag !== undefined && muteUntil > now() && store) {
      try {
        const held = await countHeld(store, machine, muteTag, muteUntil);
        logger.info('held while muted', { held });
        if (held !== 1) return { action: 'none', reason: `muted until ${muteTag}: counted (${held} held)` };
        const mute: MuteHold = {
          machine,
          tag: muteTag,
          until: muteUntil,
          destinations: deliveries.map((d) => ({
            group: d.group,
            ...(d.channel === undefined ? {} : { channel: d.channel }),
          })),
        };
        return {
          action: 'hold',
          reason: `muted until ${muteTag}: the first held notification waits to send the summary`,
          wakeAt: new Date(Math.min(muteUntil, now() + MUTE_RECHECK_SECONDS * 1000)).toISOString(),
          mute,
        };
      } catch (error) {
        // A count that cannot be written is no reason to lose the notification: it goes out.
        logger.warn('mute count not written; sending as if not muted', { error: nameOf(error) });
      }
    }

    // The history (the rest of it, or all of it) and the definition, read once for every destination.
    let partial: unknown;
    let historyUnavailable = input.last?.historyUnavailable;
    if (!historyUnavailable) {
      try {
        const read = await foldHistory(await sfn(), executionArn, input.last?.page);
        partial = read.partial;
        logger.info('history read', { pages: read.pages });
      } catch (error) {
        logger.warn('history could not be read', { error: nameOf(error) });
        historyUnavailable = { error: nameOf(error), cause: (error as Error).message ?? '' };
      }
    }
    let definition: string | undefined;
    if (!historyUnavailable) {
      try {
        definition = await describeDefinition(await sfn(), executionArn);
      } catch (error) {
        logger.info('definition not described', { error: nameOf(error) });
      }
    }

    // Input and output reach the template only when the stack says it reads them.
    const formatted: StatusChangeEvent = settings.executionData
      ? event
      : { ...event, detail: { ...event.detail, input: undefined, output: undefined } };
    const messages: Array<{ group: string; message: DeliveryMessage }> = [];
    for (const delivery of deliveries) {
      const out = await options.format({
        event: formatted,
        settings: delivery.settings,
        ...(partial === undefined ? {} : { partial }),
        ...(historyUnavailable ? { historyUnavailable } : {}),
        ...(definition === undefined ? {} : { definition }),
      });
      if (out.kind !== 'message') throw new TypeError(`the formatter answered ${out.kind}, not a message`);
      messages.push({ group: delivery.group, message: pinned(out.delivery, delivery) });
    }
    const routes = deliveries.map((d) => d.settings.route).join(', ');
    return { action: 'send', reason: `routes: ${routes}`, entries: queueEntries(messages, logger) };
  };
}
