/**
 * List prices (us-east-1, on-demand, beyond free tiers) used to turn measured usage into dollars. Read from the
 * public AWS pricing pages on the date below; prices change, so the date travels with every figure.
 */
export const prices = {
  date: '2026-11-25',
  region: 'us-east-1',
  /** Step Functions Standard: per state transition ($0.025 per 1,000). */
  standardTransition: 0.025 / 1000,
  /** Step Functions Express: per request ($1.00 per million). */
  expressRequest: 1 / 1_000_000,
  /** Step Functions Express: per GB-second ($0.06 per GB-hour for the first 1,000 GB-hours), 64 MB and 100 ms minimum. */
  expressGbSecond: 0.06 / 3600,
  /** Lambda arm64: per GB-second (first 6 billion GB-s a month). */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda x86_64: per GB-second (first 6 billion GB-s a month). */
  lambdaX86GbSecond: 0.0000166667,
  /** Lambda: per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** SQS FIFO: per request ($0.50 per million, first 100 billion a month), 64 KiB chunks. */
  sqsFifoRequest: 0.5 / 1_000_000,
  /** SQS standard: per request ($0.40 per million). */
  sqsStandardRequest: 0.4 / 1_000_000,
  /** EventBridge Pipes: per request after filtering ($0.40 per million), 64 KiB chunks. */
  pipesRequest: 0.4 / 1_000_000,
  /**
   * EventBridge: an event a rule sends to another event bus (another account or region) is billed as a custom
   * event ($1.00 per million, 64 KiB chunks); the Step Functions status change on the source's default bus is free.
   */
  eventToAnotherBus: 1 / 1_000_000,
  /** DynamoDB on-demand: per write request unit (1 KB), $0.625 per million. */
  dynamoDbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: per read request unit (4 KB strongly consistent), $0.125 per million. */
  dynamoDbReadUnit: 0.125 / 1_000_000,
  /** Secrets Manager: per secret per month ($0.40). */
  secretMonth: 0.4,
  /** CloudWatch: per standard-resolution metric alarm per month ($0.10). */
  alarmMonth: 0.1,
} as const;

/** What one notification uses in a design; everything per notification. */
export interface Usage {
  readonly standardTransitions: number;
  readonly expressRequests: number;
  /** Billed Express GB-seconds (after the 64 MB / 100 ms rounding). */
  readonly expressGbSeconds: number;
  readonly lambdaRequests: number;
  /** Billed Lambda arm64 GB-seconds (memory in GB × billed duration in s, 1 ms granularity). */
  readonly lambdaGbSeconds: number;
  /** Billed Lambda x86_64 GB-seconds. */
  readonly lambdaX86GbSeconds: number;
  readonly sqsFifoRequests: number;
  readonly sqsStandardRequests: number;
  readonly pipesRequests: number;
  /** DynamoDB request units (absent: the design makes no DynamoDB call in this figure). */
  readonly dynamoDbReadUnits?: number;
  readonly dynamoDbWriteUnits?: number;
}

export function dollarsPerThousand(usage: Usage): number {
  const perNotification =
    usage.standardTransitions * prices.standardTransition +
    usage.expressRequests * prices.expressRequest +
    usage.expressGbSeconds * prices.expressGbSecond +
    usage.lambdaRequests * prices.lambdaRequest +
    usage.lambdaGbSeconds * prices.lambdaArmGbSecond +
    usage.lambdaX86GbSeconds * prices.lambdaX86GbSecond +
    usage.sqsFifoRequests * prices.sqsFifoRequest +
    usage.sqsStandardRequests * prices.sqsStandardRequest +
    usage.pipesRequests * prices.pipesRequest +
    (usage.dynamoDbReadUnits ?? 0) * prices.dynamoDbReadUnit +
    (usage.dynamoDbWriteUnits ?? 0) * prices.dynamoDbWriteUnit;
  return perNotification * 1000;
}

/** Express bills memory in 64 MB steps and duration rounded up to 100 ms. */
export function expressBilledGbSeconds(durationMs: number, memoryMb = 64): number {
  const billedMb = Math.max(64, Math.ceil(memoryMb / 64) * 64);
  const billedSeconds = Math.max(100, Math.ceil(durationMs / 100) * 100) / 1000;
  return (billedMb / 1024) * billedSeconds;
}

/** Lambda bills duration per 1 ms. */
export function lambdaBilledGbSeconds(durationMs: number, memoryMb: number): number {
  return (memoryMb / 1024) * (Math.ceil(durationMs) / 1000);
}

/** SQS and Pipes bill a request per started 64 KiB of payload. */
export function requestChunks(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / (64 * 1024)));
}
