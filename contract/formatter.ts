/**
 * The formatter Lambda's contract: what the notifier state machine (statemachines/notifier.asl.json) sends it
 * (NotifyInput), what it decides (NotifyDecision), how one destination's message is formatted (FormatterInput,
 * FormatterOutput), and the message that travels on the FIFO queue to the delivery state machine
 * (DeliveryMessage). The local runner, the CDK construct and the tests all speak this contract.
 *
 * Member names are camelCase, but for the queue entries (SendMessageBatch's, as the aws-sdk integration takes
 * them); history pages keep whatever casing they arrived with (the SDK integration capitalizes member names).
 */

import type { Block, KnownBlock } from '@slack/types';
import type { DigestRequest } from './digest.js';
import type { DeployedSettings } from './routes.js';

/**
 * A Slack Block Kit block (`@slack/types`): a known block, or any block with a `type` (what a message read
 * back from Slack or written by hand may hold). The formatter itself only ever sends known blocks.
 */
export type SlackBlock = KnownBlock | Block;

/** A Slack message body as chat.postMessage and incoming webhooks take it. */
export interface SlackMessage {
  /** Plain-text fallback: the notification text, and what a reader without blocks sees. At most 4,000 chars. */
  readonly text: string;
  readonly blocks?: readonly SlackBlock[];
}

/** A message the formatter made: its blocks are known Block Kit blocks, checked against Slack's limits. */
export interface FormattedMessage extends SlackMessage {
  readonly blocks?: readonly KnownBlock[];
}

/** Where the message goes. The same value keys the FIFO message group, so one destination posts in order. */
export type Destination =
  | {
      /** Slack Web API chat.postMessage with the bot token held by the EventBridge connection. */
      readonly type: 'channel';
      /** Channel ID (C…) or name (#alerts). */
      readonly channel: string;
    }
  | {
      /** An incoming webhook whose URL is the SSM SecureString `/{env}/SLACK_URL`, read at delivery time. */
      readonly type: 'webhook';
    };

/**
 * The settings of one message: what the notifier's routing states resolved for one destination
 * (contract/routes.ts `RoutedDelivery`), passed to the formatter unchanged.
 */
export interface NotifierSettings {
  /** Environment name shown in the message, e.g. `prod`. */
  readonly environment: string;
  /** The route that sent it here. @default - none (a preview or an older notifier) */
  readonly route?: string;
  /**
   * The Slack actions the environment enables (`redrive`, `stop`, `mute`): their buttons are added where they
   * can succeed (formatters/formatter/buttons.ts). Channel destinations only.
   * @default - no buttons
   */
  readonly actions?: readonly string[];
  readonly destination: Destination;
  /**
   * Template name (`detailed`, `compact`), `custom/<id>` for a custom template the stack bundled, or (local
   * runs and previews) a path to a `.jsonata` file.
   * @default 'detailed'
   */
  readonly template?: string;
  /**
   * Slack mention added to failed, timed-out and aborted messages, e.g. `<!subteam^S0123>` or `<@U0123>`.
   * Comes from configuration, never from the execution, so it is not escaped.
   * @default - no mention
   */
  readonly mentionOnFailure?: string;
}

/**
 * The EventBridge event "Step Functions Execution Status Change" as the rule delivers it. Only `detail` is
 * required; the envelope fields are used when present.
 */
export interface StatusChangeEvent {
  readonly id?: string;
  readonly account?: string;
  readonly region?: string;
  readonly time?: string;
  readonly detail: StatusChangeDetail;
}

export interface StatusChangeDetail {
  readonly executionArn: string;
  readonly stateMachineArn?: string;
  readonly name?: string;
  readonly status: string;
  /** Epoch milliseconds. */
  readonly startDate?: number | string | null;
  /** Epoch milliseconds; null while running. */
  readonly stopDate?: number | string | null;
  readonly input?: string | null;
  readonly output?: string | null;
  readonly redriveCount?: number | null;
  readonly redriveDate?: number | string | null;
  readonly redriveStatus?: string | null;
  readonly error?: string | null;
  readonly cause?: string | null;
  readonly [key: string]: unknown;
}

/**
 * One destination's message to format (formatters/formatter/handler.ts createHandler; the notifier's decision,
 * formatters/formatter/notify.ts, calls it once per destination with the folded history). Three cases:
 * - `pages` (or a `partial` fold state) with no `nextToken`: the whole (rest of the) history; the answer is a
 *   `message`.
 * - `pages` with `nextToken`: more pages follow; the answer is a `partial` to send back with the next pages.
 * - `historyUnavailable` or `readHistory`: no pages (the history could not be read, or the formatter must read
 *   the history itself with `@aws-sdk/client-sfn`).
 */
export interface FormatterInput {
  readonly event: StatusChangeEvent;
  readonly settings: NotifierSettings;
  /** GetExecutionHistory pages, API shape (camelCase) or SDK-integration shape (PascalCase). */
  readonly pages?: readonly unknown[];
  /** The formatter's own fold state from the previous call, returned untouched. */
  readonly partial?: unknown;
  /** Set when more pages follow the ones given. */
  readonly nextToken?: string | null;
  /** Why the history could not be read (the Catch's Error and Cause). The message still goes out. */
  readonly historyUnavailable?: { readonly error: string; readonly cause?: string };
  /** Ask the formatter to read the whole history itself (after `States.DataLimitExceeded`). */
  readonly readHistory?: boolean;
  /**
   * The execution's state machine definition: the `Definition` member of the SDK integration's
   * `describeStateMachineForExecution` result (the ASL as a JSON string). Names what each Task state ran.
   * @default - unknown: the notification goes out without it
   */
  readonly definition?: string;
  /**
   * The daily digest (issue 24; statemachines/digest.asl.json sends only this): the answer is the digest's
   * `message` for the queue, or `skip` on a quiet day with `quiet: "skip"`. `event` and `settings` are absent then.
   */
  readonly digest?: DigestRequest;
}

/** The formatter's answer. */
export type FormatterOutput =
  | {
      readonly kind: 'partial';
      /** Bounded (well under 64 KiB serialized); send it back with the next pages. */
      readonly partial: unknown;
    }
  | {
      readonly kind: 'message';
      /** The SQS message body (the notifier sends it as JSON). */
      readonly delivery: DeliveryMessage;
      /** FIFO MessageGroupId: the destination, so each channel gets its messages in order. */
      readonly messageGroupId: string;
      /** FIFO MessageDeduplicationId: SHA-256 hex of `executionArn|status|redriveCount`. */
      readonly deduplicationId: string;
    }
  | {
      /** The digest has nothing to post (a quiet day with `quiet: "skip"`). */
      readonly kind: 'skip';
      readonly reason: string;
    };

/**
 * What the notifier's Format state sends the formatter Lambda (formatters/formatter/notify.ts): the deployed settings,
 * the event (its texts cut) and what the previous state gave.
 */
export interface NotifyInput {
  /** The deployed settings (contract/routes.ts), written into the definition at synth. */
  readonly settings: DeployedSettings;
  readonly event: StatusChangeEvent;
  /**
   * The previous state's output: FetchHistory's `{ page }` (the first page, SDK-integration shape, absent when it
   * was too large to pass), `{ historyUnavailable }`, or a `hold` decision being re-checked after its wait.
   */
  readonly last?: {
    readonly page?: unknown;
    readonly historyUnavailable?: { readonly error: string; readonly cause?: string };
    readonly mute?: MuteHold;
  };
}

/** A mute being held: what the formatter needs to look again and to send the summary. */
export interface MuteHold {
  /** The muted state machine. */
  readonly machine: string;
  /** The `sfn-slack:mute-until` value the count item is keyed by. */
  readonly tag: string;
  /** The end this hold last knew (epoch ms): kept when the tag cannot be read again. */
  readonly until: number;
  /** Where the summary goes: the destinations the held notification was routed to. */
  readonly destinations: readonly { readonly group: string; readonly channel?: string }[];
}

/** One SendMessageBatch entry (the aws-sdk integration's member names). */
export interface QueueEntry {
  readonly Id: string;
  /** A `DeliveryMessage` as JSON. */
  readonly MessageBody: string;
  readonly MessageGroupId: string;
  readonly MessageDeduplicationId: string;
}

/** The formatter's decision: the notifier's Decide state takes the path named by `action`. */
export type NotifyDecision =
  | { readonly action: 'send'; readonly reason: string; readonly entries: readonly QueueEntry[] }
  | {
      readonly action: 'hold';
      readonly reason: string;
      /** When the notifier looks again (ISO 8601): the mute's end, or 15 minutes on. */
      readonly wakeAt: string;
      readonly mute: MuteHold;
    }
  | { readonly action: 'none'; readonly reason: string };

/** SendMessageBatch takes at most 10 entries. */
export const QUEUE_BATCH_MAX = 10;
/**
 * The bytes of message bodies one decision may carry: the decision is a state's data, which Step Functions caps
 * at 256 KiB; the rest is room for the entries' other members and the reason.
 */
export const QUEUE_BATCH_BUDGET_BYTES = 200 * 1024;

/** The body of one message on the FIFO queue, which the delivery state machine posts. */
export interface DeliveryMessage {
  /** The request body to post: chat.postMessage (with `channel`) or webhook (without). */
  readonly payload: SlackMessage & { readonly channel?: string; readonly unfurl_links?: boolean };
  /** Plain text only, posted instead when Slack rejects the blocks (invalid_blocks, msg_too_long, ...). */
  readonly fallback: SlackMessage & { readonly channel?: string };
  readonly executionArn: string;
  readonly status: string;
  readonly deduplicationId: string;
  /**
   * The lifecycle fields the delivery state machine keeps one message per execution with (formatters/formatter/lifecycle.ts).
   * Optional so a message queued by an older formatter still delivers (as a new parent, never deduplicated by
   * the store beyond its id).
   */
  /** The execution's redrive count in the event. */
  readonly redriveCount?: number;
  /** `redrive#rank#time`: news with a key not above the one shown is stale and dropped. */
  readonly orderKey?: string;
  /** When the status changed (ISO 8601). */
  readonly eventTime?: string;
  /** When the execution started (ISO 8601): `runningLongerThan` counts from here. */
  readonly startedAt?: string;
  /** When the execution ended (ISO 8601), absent while it runs: a late delivery says "delayed: the run ended at …". */
  readonly endedAt?: string;
  /** The short reply added in the parent message's thread when this news edits an existing message. */
  readonly reply?: { readonly text: string; readonly failure: boolean };
  /** The watched state machine (for per-machine grouping such as storm digests). */
  readonly stateMachineArn?: string;
  /** The account the execution ran in (the event's, else the ARN's). @default - unknown */
  readonly account?: string;
  /** The region the execution ran in (the event's, else the ARN's). @default - unknown */
  readonly region?: string;
  /**
   * The mention of this destination's "still running" banner (`runningLongerThan`): its route's mention (or the
   * machine's `sfn-slack:mention` tag where the route allows overrides; empty when the route has none), set by the
   * notifier on a RUNNING notification only. The delivery carries it into the check it schedules; a check without
   * it (queued before this field existed) takes the environment's mention (the delivery's `MentionOnFailure`).
   * @default - the environment's
   */
  readonly runningMention?: string;
}
