import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dollarsPerThousand, prices } from '../../bench/cost.js';
import {
  type Assumptions,
  formatterMemoryMb,
  type Measured,
  notifierDesign,
  seedDesign,
} from '../../bench/designs.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

const measured: Measured = {
  notifierTransitions: 4,
  deliveryExecutions: 1,
  deliveryMs: 15,
  formatterInvocations: 1,
  formatterMs: 2.4,
  formatterMemoryMb: 512,
  messageBytes: 3_900,
  historyEvents: 48,
};

const assumed: Assumptions = {
  slackLatencyMs: 250,
  historyPageLatencyMs: 100,
  sqsSendLatencyMs: 20,
  seedMemoryMb: 128,
  seedPageSize: 100,
};

describe('seed design cost model', () => {
  it('bills two x86 Lambda functions and three SQS standard requests', () => {
    const { usage, durationsMs } = seedDesign(measured, assumed);
    // Lambda 1: one page (48 events) × 100 ms + 2.4 ms formatting + 20 ms send = 122.4 ms → 123 ms billed.
    expect(durationsMs.lambda1).toBeCloseTo(122.4, 10);
    expect(durationsMs.lambda2).toBe(250);
    const gbSeconds = (128 / 1024) * 0.123 + (128 / 1024) * 0.25;
    expect(usage.lambdaX86GbSeconds).toBeCloseTo(gbSeconds, 12);
    expect(usage).toMatchObject({ lambdaRequests: 2, sqsStandardRequests: 3, standardTransitions: 0 });
    const perNotification =
      2 * prices.lambdaRequest + gbSeconds * prices.lambdaX86GbSecond + 3 * prices.sqsStandardRequest;
    expect(dollarsPerThousand(usage)).toBeCloseTo(perNotification * 1000, 12);
  });

  it('reads the history page by page: 250 events at 100 a page are 3 calls', () => {
    const { durationsMs } = seedDesign({ ...measured, historyEvents: 250 }, assumed);
    expect(durationsMs.lambda1).toBeCloseTo(300 + 2.4 + 20, 10);
  });
});

describe('notifier design cost model', () => {
  it('bills transitions, one Express request rounded up to 100 ms at 64 MB, the formatter and the queue', () => {
    const { usage, durationsMs } = notifierDesign(measured, assumed);
    expect(durationsMs.express).toBe(265);
    expect(usage.expressGbSeconds).toBeCloseTo((64 / 1024) * 0.3, 12);
    expect(usage.lambdaGbSeconds).toBeCloseTo(0.5 * 0.003, 12);
    expect(usage).toMatchObject({
      standardTransitions: 4,
      expressRequests: 1,
      lambdaRequests: 1,
      sqsFifoRequests: 3,
      pipesRequests: 1,
      lambdaX86GbSeconds: 0,
    });
  });

  it('counts 64 KiB chunks for a large message and a receive per delivery attempt', () => {
    const { usage } = notifierDesign({ ...measured, messageBytes: 70_000, deliveryExecutions: 2 }, assumed);
    // send 2 chunks + 2 receives × 2 chunks + 1 delete.
    expect(usage.sqsFifoRequests).toBe(7);
    expect(usage.pipesRequests).toBe(4);
  });
});

describe('formatterMemoryMb', () => {
  it('reads a Lambda memory size from the construct', () => {
    const memory = formatterMemoryMb(path.join(repoRoot, 'infra', 'constructs', 'formatter-function.ts'));
    expect(Number.isInteger(memory)).toBe(true);
    expect(memory).toBeGreaterThanOrEqual(128);
    expect(memory).toBeLessThanOrEqual(10_240);
  });
});
