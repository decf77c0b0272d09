import { describe, expect, it } from 'vitest';
import { runStateMachine, VirtualClock } from '../../../local/asl/index.js';
import { compareEvents } from './conformance/compare.js';
import {
  INTEGRATIONS_DIR,
  loadIntegrationEntries,
  outOfScope,
  recordedAnswer,
  taskMachine,
} from './conformance/integrations.js';

/**
 * Every task attempt recorded on AWS in `../shared/fixtures/aws/sfn-integrations` (DynamoDB, SQS, EventBridge,
 * Step Functions, Lambda): the runner, given a stand-in that answers as the service did, writes the same task
 * events (Scheduled, Started, Succeeded/Failed/TimedOut, or the LambdaFunction* ones) with the same details.
 */
const entries = loadIntegrationEntries();
if (!entries)
  console.info(
    `integration event suite skipped: ${INTEGRATIONS_DIR} is absent (the AWS recordings live outside the repository)`
  );

const skipped = new Map<string, number>();
for (const entry of entries ?? []) {
  const reason = outOfScope(entry);
  if (reason) skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
}
if (skipped.size > 0)
  console.info(
    `integration event suite: attempts not replayed: ${[...skipped].map(([reason, n]) => `${n} × ${reason}`).join('; ')}`
  );

describe.skipIf(!entries)('task events as recorded on AWS', () => {
  for (const [i, entry] of (entries ?? []).entries()) {
    const reason = outOfScope(entry);
    const name = `${entry.file} #${i} ${entry.test.split('::').slice(1).join('::')} ${entry.state} ${entry.outcome}`;
    it.skipIf(reason !== undefined)(reason ? `${name} (not replayed: ${reason})` : name, async () => {
      const clock = new VirtualClock();
      const result = await runStateMachine(
        taskMachine(entry),
        {},
        {
          clock,
          resources: { [entry.resource]: recordedAnswer(entry, clock) },
        }
      );
      const taskEvents = result.events.slice(2, 2 + entry.events.length);
      expect(compareEvents(entry.events, taskEvents)).toEqual([]);
    });
  }
});
