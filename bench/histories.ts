/**
 * Generated histories of a given size for the formatter benchmark: a Map whose iterations each run a Lambda
 * task, every 50th failing with a 32 KiB cause (caught by a Pass), then a final task and the execution failing
 * with a 32 KiB cause. The builder is the one the formatter tests use (their worst case is its ~25,000-event
 * form), imported from there so both measure the same shape.
 */
import type { StatusChangeEvent } from '../contract/formatter.js';
import { bigHistory, executionArn, type RawEvent } from '../local/history-builder.js';

/** Events outside the Map iterations (start, Map enter/start/succeed/exit, the failing task, the end). */
const fixedEvents = 10;
/** Average events per iteration with one failing in 50 (7 for a success, 8 for a caught failure). */
const eventsPerIteration = 7 + 1 / 50;

export interface GeneratedHistory {
  readonly event: StatusChangeEvent;
  /** GetExecutionHistory pages of 1,000 events (API shape). */
  readonly pages: { events: RawEvent[] }[];
  readonly eventCount: number;
}

/** A failed execution's history of about `events` events (exact count in `eventCount`). */
export function generatedHistory(events: number, name = `bench-${events}`): GeneratedHistory {
  const iterations = Math.max(0, Math.round((events - fixedEvents) / eventsPerIteration));
  const builder = bigHistory(iterations);
  const arn = executionArn(name);
  const first = builder.events[0] as RawEvent;
  const last = builder.events[builder.events.length - 1] as RawEvent;
  const details = last.executionFailedEventDetails as { error: string; cause: string };
  const event: StatusChangeEvent = {
    id: `bench-${name}`,
    account: arn.split(':')[4] as string,
    region: arn.split(':')[3] as string,
    time: new Date(last.timestamp * 1000).toISOString(),
    detail: {
      executionArn: arn,
      stateMachineArn: arn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      name,
      status: 'FAILED',
      startDate: Math.round(first.timestamp * 1000),
      stopDate: Math.round(last.timestamp * 1000),
      input: '{}',
      output: null,
      redriveCount: 0,
      error: details.error,
      cause: details.cause,
    },
  };
  return { event, pages: builder.pages(1_000), eventCount: builder.events.length };
}
