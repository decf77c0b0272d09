/** The delivery queue as deployed (infra/constructs/slack-notifier.ts); the local pipeline builds the same. */
export const QUEUE_DEFAULTS = {
  /** Above the delivery machine's 240 s timeout, so a message is never handed out twice at once. */
  visibilityTimeoutSeconds: 360,
  /** Deliveries tried before a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Deduplication per message group: per destination (contract/routes.ts destinationKey). */
  deduplicationScope: 'messageGroup',
  /** The delivery queue keeps a message this long (SQS MessageRetentionPeriod, 4 days). */
  retentionSeconds: 4 * 86_400,
  /**
   * The dead-letter queues keep a message this long (14 days, the most SQS allows); a FIFO dead-letter queue counts
   * from the move, not the first send. What a replay needs must outlive it (the storm digest items do).
   */
  deadLetterRetentionSeconds: 14 * 86_400,
} as const;
