import { describe, expect, it } from 'vitest';
import { AslDefinitionError, runStateMachine, VirtualClock } from '../../../local/asl/index.js';
import { compareExecution } from './conformance/compare.js';
import { CASES_FILE, loadExecutions, standIns } from './conformance/recording.js';

/**
 * Features the runner refuses on purpose (docs/local-runner.md, "Not supported"). A recorded case that uses
 * one must be refused with a message naming it; every other case must run and agree with AWS.
 */
export const OUT_OF_SCOPE: readonly RegExp[] = [
  /JSONPath (feature|field|Choice)/,
  /field 'Item(Reader|Batcher)' is not supported/,
];

const executions = loadExecutions();
if (!executions)
  console.info(
    `conformance suite skipped: ${CASES_FILE} is absent (the recorded AWS executions live outside the repository)`
  );

describe.skipIf(!executions)('conformance with executions recorded on AWS', () => {
  for (const execution of executions ?? []) {
    const name = `${execution.caseId.split('::').slice(1).join('::')} ${execution.key}`;
    it(name, async () => {
      let result: Awaited<ReturnType<typeof runStateMachine>>;
      try {
        result = await runStateMachine(execution.definition, execution.input, {
          resources: standIns(execution.definition, execution.events),
          clock: new VirtualClock(),
          stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:conformance',
          random: () => 0.5,
        });
      } catch (error) {
        if (!(error instanceof AslDefinitionError)) throw error;
        expect(
          OUT_OF_SCOPE.some((reason) => reason.test(error.message)),
          error.message
        ).toBe(true);
        return;
      }
      expect(compareExecution(execution.events, result)).toEqual([]);
    });
  }
});
