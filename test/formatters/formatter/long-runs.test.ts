/**
 * Long runs: the step list keeps what matters (failed, retried, slow steps and the last steps before the
 * end) and folds the repetitive successes of a polling loop into counts.
 */
import { describe, expect, it } from 'vitest';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { foldPages, LIMITS, summarize } from '../../../formatters/formatter/summarize/index.js';
import { HistoryBuilder } from '../../../local/history-builder.js';
import { slackRejections } from '../helpers/slack-oracle.js';

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

/** Submit, then `polls` × (Poll, Wait 5 s, IsDone), one poll slow, then Load fails after a retry. */
function pollingRun(polls: number): HistoryBuilder {
  const b = new HistoryBuilder();
  b.started();
  let prev = b.task('Submit', 0);
  for (let i = 0; i < polls; i++) {
    prev = b.task('Poll', prev);
    if (i === Math.floor(polls / 2)) {
      // One poll that hangs for 10 minutes among 2-second ones.
      const entered = b.add('TaskStateEntered', prev, 'stateEnteredEventDetails', { name: 'Poll' });
      const ok = b.add('TaskSucceeded', entered, 'taskSucceededEventDetails', {}, 600);
      prev = b.add('TaskStateExited', ok, 'stateExitedEventDetails', { name: 'Poll' });
    }
    const wait = b.add('WaitStateEntered', prev, 'stateEnteredEventDetails', { name: 'Wait' });
    prev = b.add('WaitStateExited', wait, 'stateExitedEventDetails', { name: 'Wait' }, 5);
    const choice = b.add('ChoiceStateEntered', prev, 'stateEnteredEventDetails', { name: 'IsDone' });
    prev = b.add('ChoiceStateExited', choice, 'stateExitedEventDetails', { name: 'IsDone' });
  }
  const failed = b.task('Load', prev, {
    failedAttemptsFirst: 1,
    fail: { error: 'LoadError', cause: 'no rows' },
  });
  b.fail(failed, 'LoadError', 'no rows');
  return b;
}

describe('the step list of a long run', () => {
  it('a 312-poll loop becomes a few counted lines, and the end of the run is shown', async () => {
    const b = pollingRun(312);
    const s = summarize({ pages: b.pages() });
    // Folded by rounds in run order: Submit, the rounds before the slow poll, the poll before it, the slow
    // poll, the rounds after it, the last round's end, Load.
    expect(s.steps.length).toBeLessThanOrEqual(12);
    const poll = s.steps.find((step) => step.name === 'Poll' && step.repeat);
    expect(poll?.repeat?.count).toBeGreaterThan(150);
    const counted = s.steps.reduce((n, step) => n + (step.repeat?.count ?? 1), 0) + s.omittedSteps;
    expect(counted).toBe(1 + 313 + 312 * 2 + 1);
    // The slow poll stands on its own line; the last step (how the run ended) is listed, with its retry.
    expect(s.steps.find((step) => step.slow)).toMatchObject({ name: 'Poll' });
    expect(s.steps.at(-1)).toMatchObject({ name: 'Load', outcome: 'failed', attempts: 2 });

    const { message } = await formatExecution({ pages: b.pages() });
    expect(slackLimitProblems(message)).toEqual([]);
    expect(slackRejections(message)).toEqual([]);
    const all = texts(message).join('\n');
    expect(all).toMatch(/:white_check_mark: \*Poll\* ×1\d\d · _Task_ · lambda:invoke · \d+m \d\ds in all/);
    expect(all).toContain(':snail: slow');
    expect(all).toMatch(/:x: \*Load\* · _Task_ · lambda:invoke · [^\n]*2 attempts/);
    const compact = await formatExecution({ pages: b.pages(), settings: { template: 'compact' } });
    expect(texts(compact.message).join('\n')).toContain(`· ${counted} steps`);
  });

  it('the same list comes out when the history arrives page by page', () => {
    const b = pollingRun(60);
    let partial: unknown;
    for (const page of b.pages(100)) partial = foldPages(partial, [page]);
    const whole = summarize({ pages: b.pages() });
    const paged = summarize({ pages: [], partial });
    expect(paged.steps).toEqual(whole.steps);
  });

  it('many distinct steps: failures and the last steps stay, the earliest plain successes are counted', () => {
    const b = new HistoryBuilder();
    b.started();
    let prev = b.task('Start', 0, { failedAttemptsFirst: 1 });
    for (let i = 0; i < 80; i++) prev = b.task(`Step${i}`, prev);
    b.succeed(prev);
    const s = summarize({ pages: b.pages() });
    expect(s.steps).toHaveLength(LIMITS.maxSteps);
    expect(s.steps[0]).toMatchObject({ name: 'Start', attempts: 2 });
    expect(s.steps.at(-1)?.name).toBe('Step79');
    expect(s.omittedSteps).toBe(81 - LIMITS.maxSteps);
  });
});
