/**
 * What a reader sees about a failure: the cause read out instead of dumped (Lambda errors, `.sync` ECS/Glue/
 * Batch failure descriptions, child executions), and handled errors (caught, retried then recovered) told
 * apart from the failure that ended the run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlackMessage, StatusChangeEvent } from '../../../contract/formatter.js';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { slackLimitProblems } from '../../../formatters/formatter/render/limits.js';
import { summarizeCause } from '../../../formatters/formatter/summarize/cause.js';
import { HistoryBuilder } from '../../../local/history-builder.js';
import { loadFixture, repoRoot } from '../helpers/fixtures.js';

interface Block {
  type: string;
  text?: { text: string };
  elements?: { text?: string }[];
}

function blocks(message: SlackMessage): Block[] {
  return (message.blocks ?? []) as unknown as Block[];
}

function sectionTexts(message: SlackMessage): string[] {
  return blocks(message)
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text?.text ?? '');
}

function contextTexts(message: SlackMessage): string[] {
  return blocks(message)
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''));
}

function allText(message: SlackMessage): string {
  return [message.text, ...sectionTexts(message), ...contextTexts(message)].join('\n');
}

async function renderFixture(name: string, settings = {}) {
  const { page, event } = loadFixture(name);
  return formatExecution({ pages: [page], event, settings: { environment: 'prod', ...settings } });
}

/** A history whose only task fails once with `cause` (and the execution with it). */
function failingWith(cause: string, error = 'States.TaskFailed') {
  const b = new HistoryBuilder();
  b.started();
  const failed = b.task('Work', 0, { fail: { error, cause } });
  b.fail(failed, error, cause);
  return b.pages();
}

// An ECS task description as `ecs:runTask.sync` puts it in the cause (DescribeTasks' Task, PascalCase).
const ecsTask = {
  Attachments: [],
  ClusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/etl',
  Containers: [
    { ExitCode: 0, LastStatus: 'STOPPED', Name: 'log-router' },
    {
      ExitCode: 137,
      LastStatus: 'STOPPED',
      Name: 'worker',
      Reason: 'OutOfMemoryError: Container killed due to memory usage',
    },
  ],
  LastStatus: 'STOPPED',
  StopCode: 'EssentialContainerExited',
  StoppedReason: 'Essential container in task exited',
  TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/etl/0a1b2c3d4e5f',
  TaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/worker:3',
};

describe('causes read out', () => {
  it('a Lambda error with only errorType/errorMessage is one line, without its JSON again', async () => {
    const cause = JSON.stringify({ errorType: 'LockTimeout', errorMessage: 'table orders is locked' });
    const { message } = await formatExecution({ pages: failingWith(cause, 'LockTimeout') });
    const failure = sectionTexts(message).find((t) => t.includes('*Work*')) ?? '';
    expect(failure).toContain('> LockTimeout: table orders is locked');
    expect(failure).not.toContain('```');
    expect(allText(message)).not.toContain('"errorType"');
  });

  it('a Lambda stack trace shows its first lines in a code block, not the JSON', async () => {
    const stackTrace = [
      '  File "/var/task/app.py", line 12, in handler\n    load(rows)\n',
      '  File "/var/task/load.py", line 40, in load\n    check(row)\n',
      '  File "/var/task/check.py", line 7, in check\n    raise ValueError(row)\n',
    ];
    const cause = JSON.stringify({ errorType: 'ValueError', errorMessage: 'row 42', stackTrace });
    const { message } = await formatExecution({ pages: failingWith(cause, 'ValueError') });
    const failure = sectionTexts(message).find((t) => t.includes('*Work*')) ?? '';
    expect(failure).toContain('> ValueError: row 42');
    const code = /```([\s\S]*)```/.exec(failure)?.[1] ?? '';
    // Five lines kept of six, then a marker.
    expect(code.split('\n')).toEqual([
      '  File "/var/task/app.py", line 12, in handler',
      '    load(rows)',
      '  File "/var/task/load.py", line 40, in load',
      '    check(row)',
      '  File "/var/task/check.py", line 7, in check',
      '…',
    ]);
    expect(failure).not.toContain('stackTrace');
  });

  it('Python`s "Traceback" header line is skipped', async () => {
    const { message } = await renderFixture('lambda-failure');
    const failure = sectionTexts(message).find((t) => t.startsWith(':x: *Transform*')) ?? '';
    expect(failure).toContain('```  File "/var/task/app.py", line 12, in handler```');
    expect(failure).not.toContain('Traceback');
  });

  it('the Node.js runtime`s `trace` is read like `stackTrace`', () => {
    const cause = summarizeCause(
      JSON.stringify({
        errorType: 'Error',
        errorMessage: 'boom',
        trace: ['Error: boom', '    at handler (/var/task/index.mjs:3:9)'],
      })
    );
    expect(cause).toMatchObject({
      kind: 'lambda',
      stack: ['Error: boom', '    at handler (/var/task/index.mjs:3:9)'],
    });
    expect(cause?.hasMore).toBeUndefined();
  });

  it('an unknown JSON shape, or a Lambda error with more members, keeps its raw text', async () => {
    const odd = JSON.stringify({ code: 'E42', detail: 'quota', retryable: false });
    const { message } = await formatExecution({ pages: failingWith(odd, 'Custom.Error') });
    const failure = sectionTexts(message).find((t) => t.includes('*Work*')) ?? '';
    expect(failure).toContain('```{"code":"E42","detail":"quota","retryable":false}```');

    const extra = summarizeCause(JSON.stringify({ errorType: 'E', errorMessage: 'm', data: { id: 7 } }));
    expect(extra).toMatchObject({ kind: 'lambda', errorType: 'E', errorMessage: 'm', hasMore: true });
  });

  it('plain-text causes are still shown', async () => {
    const { message } = await formatExecution({ pages: failingWith('disk full on /tmp', 'Custom.Error') });
    expect(sectionTexts(message).find((t) => t.includes('*Work*'))).toContain('```disk full on /tmp```');
  });

  it('an ECS task failure is one readable line: reason, stop code, failed containers, task ARN', async () => {
    const { message, summary } = await formatExecution({ pages: failingWith(JSON.stringify(ecsTask)) });
    expect(summary.failures[0]?.cause).toMatchObject({
      kind: 'ecs',
      errorMessage: 'Essential container in task exited',
      detail:
        'Essential container in task exited (EssentialContainerExited) · worker exited 137: OutOfMemoryError: ' +
        'Container killed due to memory usage · task arn:aws:ecs:eu-west-1:123456789012:task/etl/0a1b2c3d4e5f',
    });
    const failure = sectionTexts(message).find((t) => t.includes('*Work*')) ?? '';
    expect(failure).toContain(
      '> Essential container in task exited (EssentialContainerExited) · worker exited 137'
    );
    // The container that exited 0 is not named, and the JSON is not dumped.
    expect(failure).not.toContain('log-router');
    expect(allText(message)).not.toContain('"Containers"');
    expect(slackLimitProblems(message)).toEqual([]);
  });

  it('the DescribeTasks API shape (camelCase) reads the same', () => {
    const camel = {
      containers: [{ exitCode: 2, name: 'app', reason: 'bad flag' }],
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/c/abc',
    };
    expect(summarizeCause(JSON.stringify(camel))?.detail).toBe(
      'Essential container in task exited (EssentialContainerExited) · app exited 2: bad flag · task arn:aws:ecs:us-east-1:111122223333:task/c/abc'
    );
  });

  it('a container that never ran is named with its reason (no exit code)', () => {
    const task = {
      Containers: [
        { Name: 'app', LastStatus: 'STOPPED', Reason: 'CannotPullContainerError: pull access denied' },
      ],
      StopCode: 'TaskFailedToStart',
      StoppedReason: 'Task failed to start',
      TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/etl/ff',
    };
    expect(summarizeCause(task)?.detail).toBe(
      'Task failed to start (TaskFailedToStart) · app: CannotPullContainerError: pull access denied · task arn:aws:ecs:eu-west-1:123456789012:task/etl/ff'
    );
  });

  it('the bundled example: RefreshAggregates shows the container`s reason, escaped, and no JSON', async () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8'));
    const { message } = await formatExecution({
      pages: read('nightly-etl-failed.history.json') as unknown[],
      event: read('nightly-etl-failed.event.json') as StatusChangeEvent,
    });
    const failure = sectionTexts(message).find((t) => t.includes('*RefreshAggregates*')) ?? '';
    expect(failure).toContain('refresh-aggregates exited 1: psycopg2.errors.DiskFull');
    expect(failure).toContain('&lt;see runbook&gt;');
    expect(failure).toContain('task arn:aws:ecs:eu-west-1:123456789012:task/etl/');
    expect(failure).not.toContain('```');
    expect(slackLimitProblems(message)).toEqual([]);
  });

  it('a Glue job run failure (JobRun, PascalCase) is one line', async () => {
    const run = {
      Attempt: 0,
      ErrorMessage: 'AnalysisException: Path does not exist: s3://lake/raw/2026-11-24',
      Id: 'jr_0123abcd',
      JobName: 'transform-orders',
      JobRunState: 'FAILED',
      StartedOn: 1795485600000,
    };
    const { message, summary } = await formatExecution({ pages: failingWith(JSON.stringify(run)) });
    expect(summary.failures[0]?.cause?.detail).toBe(
      'AnalysisException: Path does not exist: s3://lake/raw/2026-11-24 · FAILED · job transform-orders · run jr_0123abcd'
    );
    const failure = sectionTexts(message).find((t) => t.includes('*Work*')) ?? '';
    expect(failure).toContain('> AnalysisException: Path does not exist');
    expect(failure).not.toContain('"JobRunState"');
    // GetJobRun's own response wraps it in JobRun.
    expect(summarizeCause({ JobRun: run })?.kind).toBe('glue');
  });

  it('a Batch job failure: status reason, container exit code and reason, job', () => {
    const job = {
      JobArn: 'arn:aws:batch:eu-west-1:123456789012:job/7c1d',
      JobId: '7c1d',
      JobName: 'reindex',
      JobQueue: 'arn:aws:batch:eu-west-1:123456789012:job-queue/default',
      Status: 'FAILED',
      StatusReason: 'Essential container in task exited',
      Container: { ExitCode: 3, Reason: 'index corrupt', LogStreamName: 'reindex/default/abc' },
    };
    expect(summarizeCause(JSON.stringify(job))).toMatchObject({
      kind: 'batch',
      detail:
        'Essential container in task exited · FAILED · container exited 3: index corrupt · job reindex (7c1d)',
    });
  });

  it('a failed child execution shows its error and cause, its own Lambda cause read in turn', () => {
    const child = {
      ExecutionArn: 'arn:aws:states:eu-west-1:123456789012:execution:child:c1',
      Status: 'FAILED',
      Error: 'ValueError',
      Cause: JSON.stringify({ errorType: 'ValueError', errorMessage: 'bad row' }),
      Input: '{}',
    };
    expect(summarizeCause(JSON.stringify(child))).toMatchObject({
      kind: 'execution',
      errorType: 'ValueError',
      errorMessage: 'ValueError: bad row',
      childStatus: 'FAILED',
    });
  });

  it('a nested failure fixture shows the child`s error without dumping the child execution', async () => {
    const { message } = await renderFixture('nested-failure');
    const text = allText(message);
    expect(text).toContain('DataQualityError: 3 rows failed validation');
    expect(text).not.toContain('"StateMachineArn"');
  });

  it('what is read out is escaped', async () => {
    const task = { ...ecsTask, StoppedReason: '<!channel> stopped & gone' };
    const { message } = await formatExecution({ pages: failingWith(JSON.stringify(task)) });
    const text = allText(message);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; stopped &amp; gone (EssentialContainerExited)');
  });

  it('huge stack lines and reasons stay bounded', () => {
    const cause = summarizeCause(
      JSON.stringify({ errorType: 'E', errorMessage: 'm', stackTrace: Array(100).fill('x'.repeat(5_000)) })
    );
    expect(cause?.stack).toHaveLength(5);
    expect(Math.max(...(cause?.stack ?? []).map((l) => l.length))).toBeLessThanOrEqual(200);
    const task = {
      ...ecsTask,
      StoppedReason: 'r'.repeat(10_000),
      Containers: Array(20).fill(ecsTask.Containers[1]),
    };
    const detail = summarizeCause(task)?.detail ?? '';
    expect(detail.length).toBeLessThanOrEqual(800);
    expect(detail).toContain('+17 more containers');
  });
});

describe('handled errors told apart from the failure', () => {
  it('retries that then succeed are "recovered", not shown as a failure', async () => {
    const { message } = await renderFixture('retries-then-success');
    const sections = sectionTexts(message);
    // No failure section; one small-print line.
    expect(sections.some((t) => t.startsWith(':x:'))).toBe(false);
    const handled = contextTexts(message).find((t) => t.includes('recovered')) ?? '';
    expect(handled).toMatch(
      /^:warning: \*\w+\* recovered after 2 retries: `[^`]+` — TooManyRequestsException: Rate exceeded$/
    );
  });

  it('in a failed run the real failure comes first, the recovered retry after it in small print', async () => {
    const b = new HistoryBuilder();
    b.started();
    const first = b.task('Extract', 0, { failedAttemptsFirst: 1 });
    const failed = b.task('Load', first, { fail: { error: 'LoadError', cause: 'table locked' } });
    b.fail(failed, 'LoadError', 'table locked');
    const { message } = await formatExecution({ pages: b.pages() });
    const list = blocks(message);
    const fatalAt = list.findIndex((x) => x.type === 'section' && x.text?.text.startsWith(':x: *Load*'));
    const handledAt = list.findIndex(
      (x) =>
        x.type === 'context' &&
        x.elements?.[0]?.text?.startsWith(':warning: *Extract* recovered after 1 retry: `Retryable`')
    );
    expect(fatalAt).toBeGreaterThan(0);
    expect(handledAt).toBeGreaterThan(fatalAt);
    // Extract is nowhere shown as a failure.
    expect(sectionTexts(message).some((t) => t.includes(':x: *Extract*'))).toBe(false);
  });

  it('retried attempts that end in the failure are merged into it, not listed as handled', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Flaky', 0, { failedAttemptsFirst: 2, fail: { error: 'Final', cause: 'gave up' } });
    b.fail(failed, 'Final', 'gave up');
    const { message } = await formatExecution({ pages: b.pages() });
    const flaky = sectionTexts(message).filter((t) => t.includes('*Flaky*') && !t.includes('_Task'));
    expect(flaky).toHaveLength(1);
    expect(flaky[0]).toContain(':x: *Flaky*, attempt 3 `Final` (earlier attempts: `Retryable`)');
    expect(contextTexts(message).some((t) => t.includes('Flaky'))).toBe(false);
  });

  it('a caught error says it was caught', async () => {
    const { message } = await renderFixture('caught-error');
    expect(contextTexts(message)).toContain(
      ':warning: *Enrich* failed, caught by Catch: `EnrichmentUnavailable` — EnrichmentUnavailable: geo service returned 503'
    );
    expect(sectionTexts(message).some((t) => t.startsWith(':x:'))).toBe(false);
  });

  it('many handled errors are listed up to 4, then counted, within the limits', async () => {
    const b = new HistoryBuilder();
    b.started();
    let prev = 0;
    for (let i = 0; i < 5; i++) prev = b.task(`Step${i}`, prev, { failedAttemptsFirst: 1 });
    b.succeed(prev);
    const { message } = await formatExecution({ pages: b.pages() });
    const handled = contextTexts(message).find((t) => t.includes('recovered')) ?? '';
    expect(handled.split('\n')).toHaveLength(5);
    expect(handled).toContain('_+1 more handled error_');
    expect(slackLimitProblems(message)).toEqual([]);
  });

  it('the compact template still names only the real failure', async () => {
    const { message } = await renderFixture('retries-then-success', { template: 'compact' });
    expect(allText(message)).not.toContain(':x:');
  });
});
