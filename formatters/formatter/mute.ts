/**
 * Mute holds, decided by the formatter (formatters/formatter/notify.ts), counted in the message store: one item per muted
 * state machine and mute (partition `mute#<state machine ARN>`, sort key the `sfn-slack:mute-until` value;
 * contract/message-store.ts). Each held notification adds 1 atomically, so parallel runs in a storm each count
 * once and exactly one run sees 1: that run holds (the notifier's HoldWhileMuted) and, at the mute's end, claims
 * the summary with a conditional write, so it is sent once.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stateMachineNameOf } from '../../contract/arns.js';
import type { DeliveryMessage, MuteHold } from '../../contract/formatter.js';
import { MUTE_PARTITION_PREFIX, MUTE_RETENTION_SECONDS, STORE_KEY } from '../../contract/message-store.js';
import { escapeText } from '../shared/escape.js';

/** The table and the client the formatter writes mute counts with. */
export interface MuteStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const keyOf = (machine: string, tag: string) => ({
  [STORE_KEY.partition]: `${MUTE_PARTITION_PREFIX}${machine}`,
  [STORE_KEY.sort]: tag,
});

/** Adds one held notification to the mute's count; returns the count after it. */
export async function countHeld(
  store: MuteStore,
  machine: string,
  tag: string,
  untilMs: number
): Promise<number> {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const answer = await store.client.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: keyOf(machine, tag),
      UpdateExpression: 'ADD held :one SET expiresAt = :expires',
      ExpressionAttributeValues: {
        ':one': 1,
        ':expires': Math.floor(untilMs / 1000) + MUTE_RETENTION_SECONDS,
      },
      ReturnValues: 'UPDATED_NEW',
    })
  );
  return Number(answer.Attributes?.held ?? 0);
}

/**
 * Claims the mute's summary: the first claim gets the count as it stands; a claim already made answers
 * `undefined` (another run sends it).
 */
export async function claimSummary(
  store: MuteStore,
  hold: Pick<MuteHold, 'machine' | 'tag'>,
  nowMs: number
): Promise<number | undefined> {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  try {
    const answer = await store.client.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keyOf(hold.machine, hold.tag),
        UpdateExpression: 'SET summarized = :now',
        ConditionExpression: 'attribute_not_exists(summarized)',
        ExpressionAttributeValues: { ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      })
    );
    return Number(answer.Attributes?.held ?? 0);
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

/** The summary's deduplication id: it names the mute (machine and tag value), so it goes once per destination. */
export function summaryId(hold: Pick<MuteHold, 'machine' | 'tag'>): string {
  return createHash('sha256').update(`mute|${hold.machine}|${hold.tag}`).digest('hex');
}

/** The summary's text: the machine's name (escaped), when the mute ended, how many were held. */
export function summaryText(machine: string, endedAtMs: number, held: number, environment: string): string {
  const name = escapeText(stateMachineNameOf(machine) ?? machine);
  return `${name} was muted until ${new Date(endedAtMs).toISOString()}: ${held} notification${
    held === 1 ? '' : 's'
  } held, not posted (${escapeText(environment)}). Its executions are in the Step Functions console.`;
}

/** One plain-text summary message per destination of the hold. */
export function summaryMessages(
  hold: MuteHold,
  text: string,
  executionArn: string
): Array<{ group: string; message: DeliveryMessage }> {
  const deduplicationId = summaryId(hold);
  return hold.destinations.map((d) => {
    const pin = d.channel === undefined ? {} : { channel: d.channel };
    return {
      group: d.group,
      message: {
        payload: { text, unfurl_links: false, ...pin },
        fallback: { text, ...pin },
        executionArn,
        status: 'MUTE_SUMMARY',
        deduplicationId,
      },
    };
  });
}
