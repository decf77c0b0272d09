/**
 * The tag stand-ins for the notifier: `aws-sdk:sfn:listTagsForResource`, `tagResource` and `untagResource` on a
 * state machine, over one in-memory tag store (what `sfn-slack mute` writes on AWS). Answers in the SDK
 * integration's PascalCase shape.
 */
import { StatesError } from '../asl/index.js';

/** State machine ARN → its tags. */
export type TagStore = Map<string, Record<string, string>>;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

function resourceArn(args: unknown): string {
  const arn = (args as { ResourceArn?: unknown } | null)?.ResourceArn;
  if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) {
    throw new StatesError('Sfn.InvalidArnException', `Invalid Arn: '${String(arn)}'`);
  }
  return arn;
}

export function tagHandlers(store: TagStore) {
  return {
    list: async (task: { arguments: unknown }): Promise<unknown> => {
      const tags = store.get(resourceArn(task.arguments)) ?? {};
      return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
    },
    tag: async (task: { arguments: unknown }): Promise<unknown> => {
      const arn = resourceArn(task.arguments);
      const added = (task.arguments as { Tags?: { Key: string; Value: string }[] }).Tags ?? [];
      store.set(arn, { ...store.get(arn), ...Object.fromEntries(added.map((t) => [t.Key, t.Value])) });
      return {};
    },
    untag: async (task: { arguments: unknown }): Promise<unknown> => {
      const arn = resourceArn(task.arguments);
      const keys = (task.arguments as { TagKeys?: string[] }).TagKeys ?? [];
      const next = { ...store.get(arn) };
      for (const key of keys) delete next[key];
      store.set(arn, next);
      return {};
    },
  };
}
