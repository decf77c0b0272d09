/** The delivery queue as deployed (infra/constructs/slack-notifier.ts); the local pipeline builds the same. */
export const QUEUE_DEFAULTS = {
  /** Above the delivery machine's 240 s timeout, so a message is never handed out twice at once. */
  visibilityTimeoutSeconds: 360,
  /** Deliveries tried before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Deduplication per message group: per destination (contract/routes.ts destinationKey). */
  deduplicationScope: 'messageGroup',
} as const;
