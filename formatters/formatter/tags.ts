/**
 * A watched state machine's tags, read by the formatter (formatters/formatter/notify.ts) with the SDK: ListTagsForResource
 * answers `tags: [{ key, value }]`; the Step Functions aws-sdk integration capitalizes members (`Tags`, `Key`,
 * `Value`). Either casing is read, so a recorded or forwarded answer of either shape gives the same tags.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';

/** Tag name → value, from a ListTagsForResource answer of either casing; entries without a string key are skipped. */
export function tagMap(answer: unknown): Record<string, string> {
  const record = (answer ?? {}) as { tags?: unknown; Tags?: unknown };
  const list = Array.isArray(record.tags) ? record.tags : Array.isArray(record.Tags) ? record.Tags : [];
  const out: Record<string, string> = {};
  for (const item of list as Array<Record<string, unknown>>) {
    const key = item?.key ?? item?.Key;
    const value = item?.value ?? item?.Value;
    if (typeof key === 'string' && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The tags of `stateMachineArn`, read with `client` (the execution account's read role in a central environment). */
export async function readMachineTags(
  client: SFNClient,
  stateMachineArn: string
): Promise<Record<string, string>> {
  const { ListTagsForResourceCommand } = await import('@aws-sdk/client-sfn');
  return tagMap(await client.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn })));
}
