/**
 * Test files in vitest's usual order (the slowest first, from its cache of the last run), except that the files
 * that wait on a child process for seconds start first even on a fresh clone, where there is no cache and vitest
 * would order by file size: a short file that runs the binary would otherwise start last and make the tail of the
 * run.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const START_FIRST = ['test/e2e/start.test.ts', 'test/infra/app-errors.test.ts', 'test/cli/startup.test.ts'];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = START_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
      return index === -1 ? START_FIRST.length : index;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
