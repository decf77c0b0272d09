import { describe, expect, it } from 'vitest';
import { dollarsPerThousand, prices } from '../../bench/cost.js';
import { expressNotifierOf, onePage, stateEntered } from '../../bench/cost-scenarios.js';
import { loadFormatter } from '../../bench/pipeline.js';
import { checkCostTargets, limits, withCostTargets } from '../../bench/targets.js';
import type { HistoryEvent } from '../../local/asl/index.js';

const lambdaInvokes = (events: readonly HistoryEvent[]) =>
  events.filter(
    (e) =>
      e.type === 'TaskScheduled' && e.details?.resourceType === 'lambda' && e.details.resource === 'invoke'
  ).length;

describe('bench/cost-scenarios.ts: onePage on the local pipeline', () => {
  it('counts what the runs did: transitions, Lambda invocations, Slack and DynamoDB requests, and prices them', async () => {
    const { tally, entry } = await onePage(await loadFormatter());
    expect(tally.notifiers).toHaveLength(1);
    expect(tally.deliveries.length).toBeGreaterThanOrEqual(1);
    const notifier = tally.notifiers[0];
    // The notifier's transitions are its state-entered events, and the runner's own count agrees.
    expect(entry.notifierTransitions).toBe(stateEntered(notifier?.events ?? []));
    expect(entry.notifierTransitions).toBe(notifier?.stateTransitions);
    expect(entry.notifierTransitions).toBeGreaterThan(0);
    expect(entry.notifierTransitions).toBeLessThanOrEqual(limits.notifierTransitions);
    const deliveryEntered = tally.deliveries.reduce((n, d) => n + stateEntered(d.events), 0);
    expect(entry.deliveryTransitions).toBe(deliveryEntered);
    expect(entry.deliveryTransitions / entry.deliveryExecutions).toBeLessThanOrEqual(
      limits.deliveryTransitions
    );
    // The formatter and the delivery function: every lambda:invoke task of both machines.
    const invokes = [...tally.notifiers, ...tally.deliveries].reduce(
      (n, r) => n + lambdaInvokes(r.events),
      0
    );
    expect(entry.lambdaInvocations).toBe(invokes);
    expect(entry.lambdaInvocations).toBeGreaterThanOrEqual(2);
    // The HTTP tasks are the requests the local Slack server received.
    expect(entry.slackCalls).toBe(tally.slackRequests);
    expect(entry.slackCalls).toBeGreaterThanOrEqual(1);
    // The DynamoDB figures are the local server's count, and every one of those requests was sized in units.
    const requests = Object.values(entry.dynamoDbRequests).reduce((a, b) => a + b, 0);
    expect(requests).toBeGreaterThan(0);
    expect(tally.dynamoDbSized).toBe(requests);
    expect(tally.dynamoDbUnits.read + tally.dynamoDbUnits.write).toBeGreaterThanOrEqual(requests);
    // One receive and one delete per delivered message, one Pipes request per delivery execution.
    expect(tally.receives).toBe(tally.deliveries.length);
    expect(tally.deletes).toBe(1);
    expect(entry.pipesRequests).toBe(tally.deliveries.length);
    expect(entry).toMatchObject({ failedDeliveryExecutions: 0, deadLettered: 0 });

    expect(entry.dollarsPerThousand).toBeCloseTo(dollarsPerThousand(entry.usage), 12);
    // More than the transitions alone: every other service is priced in.
    expect(entry.dollarsPerThousand).toBeGreaterThan(
      entry.notifierTransitions * prices.standardTransition * 1000
    );
    expect(entry.dollarsPerThousand).toBeLessThanOrEqual(limits.onePageDollarsPerThousand);

    const express = expressNotifierOf(tally, entry);
    expect(express.usage.standardTransitions).toBe(0);
    expect(express.usage.expressRequests).toBe(entry.usage.expressRequests + 1);
    expect(express.dollarsPerThousand).toBeLessThan(entry.dollarsPerThousand);
    expect(express.dollarsPerThousand).toBeLessThanOrEqual(limits.expressDollarsPerThousand);
  }, 60_000);
});

describe('checkCostTargets', () => {
  const entry = (transitions: number, dollars: number) =>
    ({
      notifierTransitions: transitions,
      dollarsPerThousand: dollars,
      deliveryTransitions: 6,
      deliveryExecutions: 1,
    }) as never;
  it('passes the issue 20 limits and misses above them', () => {
    const ok = checkCostTargets({
      scenarios: { onePage: entry(4, 0.1), history25k: entry(8, 0.2) } as never,
      expressNotifier: { onePage: { dollarsPerThousand: 0.009 } } as never,
    });
    expect(ok.every((t) => t.pass)).toBe(true);
    const missed = checkCostTargets({
      scenarios: { onePage: entry(5, 0.12), history25k: entry(9, 0.2) } as never,
      expressNotifier: { onePage: { dollarsPerThousand: 0.011 } } as never,
    });
    expect(missed.filter((t) => !t.pass).map((t) => t.id)).toEqual([
      'transitions',
      'cost-one-page-dollars',
      'cost-25k-transitions',
      'cost-express-dollars',
    ]);
    // The cost run replaces the older one-page transitions check rather than adding a second.
    const merged = withCostTargets([{ id: 'transitions', target: 'old', figure: '10', pass: true }], ok);
    expect(merged.filter((t) => t.id === 'transitions')).toHaveLength(1);
    expect(merged).toHaveLength(ok.length);
  });
});
