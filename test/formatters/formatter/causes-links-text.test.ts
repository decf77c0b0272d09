/**
 * Service causes read reason first, console links for every partition, cuts that never split a character,
 * and names, errors and causes that can never break the mrkdwn around them.
 */
import { describe, expect, it } from 'vitest';
import { executionConsoleUrl } from '../../../contract/console.js';
import { cutText } from '../../../formatters/formatter/cut.js';
import { formatExecution } from '../../../formatters/formatter/format.js';
import { lambdaLogsConsoleUrl } from '../../../formatters/formatter/render/console-url.js';
import { truncateMrkdwn, truncatePlain } from '../../../formatters/formatter/render/text.js';
import { summarizeCause } from '../../../formatters/formatter/summarize/cause.js';
import { codeSpan, mrkdwnName } from '../../../formatters/shared/escape.js';
import { HistoryBuilder } from '../../../local/history-builder.js';
import { slackRejections } from '../helpers/slack-oracle.js';

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

/** Noise the size of a real service description, so a cut at the start would keep only noise. */
const NOISE = 'x'.repeat(5_000);

/** Causes as each `.sync` integration's failure carries them (the service's Describe/Get response, PascalCase). */
const SERVICE_CAUSES: readonly [string, unknown, string, string][] = [
  [
    'athena',
    {
      QueryExecution: {
        QueryExecutionId: 'q-123',
        Query: `SELECT ${NOISE}`,
        WorkGroup: 'primary',
        Status: {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'amount' cannot be resolved",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006 },
        },
      },
    },
    "COLUMN_NOT_FOUND: line 1:8: Column 'amount' cannot be resolved",
    'query q-123',
  ],
  [
    'emr',
    {
      Step: {
        Id: 's-1',
        Name: 'spark-job',
        Config: { Args: [NOISE] },
        Status: {
          State: 'FAILED',
          FailureDetails: {
            Reason: 'Unknown Error.',
            Message: 'Exception in thread main: OOM',
            LogFile: 's3://l/',
          },
        },
      },
    },
    'Exception in thread main: OOM',
    'step spark-job (s-1)',
  ],
  [
    'emr',
    {
      Cluster: {
        Id: 'j-1',
        Name: 'nightly',
        Configurations: [NOISE],
        Status: {
          State: 'TERMINATED_WITH_ERRORS',
          StateChangeReason: { Code: 'BOOTSTRAP_FAILURE', Message: 'bootstrap action 1 failed' },
        },
      },
    },
    'bootstrap action 1 failed',
    'TERMINATED_WITH_ERRORS (BOOTSTRAP_FAILURE)',
  ],
  [
    'codebuild',
    {
      Build: {
        Id: 'proj:abc',
        ProjectName: 'proj',
        BuildStatus: 'FAILED',
        Environment: { Image: NOISE },
        Phases: [
          { PhaseType: 'INSTALL', PhaseStatus: 'SUCCEEDED' },
          {
            PhaseType: 'BUILD',
            PhaseStatus: 'FAILED',
            Contexts: [
              {
                StatusCode: 'COMMAND_EXECUTION_ERROR',
                Message: 'Error while executing command: npm test. Reason: exit status 1',
              },
            ],
          },
        ],
      },
    },
    'Error while executing command: npm test. Reason: exit status 1',
    'phase BUILD',
  ],
  [
    'sagemaker',
    {
      TrainingJobName: 'train-1',
      TrainingJobStatus: 'Failed',
      HyperParameters: { blob: NOISE },
      FailureReason: 'AlgorithmError: ExecuteUserScriptError: exit code 1',
    },
    'AlgorithmError: ExecuteUserScriptError: exit code 1',
    'training job train-1',
  ],
  [
    'glue',
    {
      JobName: 'etl',
      Id: 'jr_1',
      JobRunState: 'FAILED',
      Arguments: { x: NOISE },
      ErrorMessage: 'AnalysisException: path does not exist',
    },
    'AnalysisException: path does not exist',
    'job etl',
  ],
  [
    'ecs',
    {
      TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/c/abc',
      Overrides: { x: NOISE },
      StoppedReason: 'Essential container in task exited',
      Containers: [{ Name: 'app', ExitCode: 137, Reason: 'OutOfMemoryError' }],
    },
    'Essential container in task exited',
    'app exited 137: OutOfMemoryError',
  ],
  [
    'batch',
    {
      JobId: 'j-1',
      JobName: 'nightly',
      JobQueue: 'q',
      Parameters: { x: NOISE },
      Status: 'FAILED',
      StatusReason: 'Essential container in task exited',
    },
    'Essential container in task exited',
    'job nightly (j-1)',
  ],
  [
    'service',
    {
      jobRun: {
        id: 'e-1',
        arguments: NOISE,
        state: 'FAILED',
        stateDetails: 'Job failed, please check complete logs',
      },
    },
    'Job failed, please check complete logs',
    '',
  ],
];

describe('service causes: the reason first', () => {
  for (const [kind, cause, reason, context] of SERVICE_CAUSES) {
    it(`${kind}: ${reason.slice(0, 40)}`, async () => {
      const read = summarizeCause(JSON.stringify(cause));
      expect(read?.kind).toBe(kind);
      expect(read?.detail?.startsWith(reason)).toBe(true);
      expect(read?.detail).toContain(context);
      const b = new HistoryBuilder();
      b.started();
      const failed = b.task('Run', 0, { fail: { error: 'States.TaskFailed', cause: JSON.stringify(cause) } });
      b.fail(failed, 'States.TaskFailed', JSON.stringify(cause));
      for (const template of ['detailed', 'compact']) {
        const { message } = await formatExecution({ pages: b.pages(), settings: { template } });
        const all = texts(message).join('\n');
        expect(all).toContain(reason);
        // Any raw text shown comes after the reason, never instead of it.
        const noise = all.indexOf('x'.repeat(100));
        if (kind !== 'service') expect(noise).toBe(-1);
        else if (noise >= 0) expect(noise).toBeGreaterThan(all.indexOf(reason));
        expect(slackRejections(message)).toEqual([]);
      }
    });
  }
});

describe('console links for every partition', () => {
  const cases: [string, string, string | undefined][] = [
    ['aws', 'eu-west-1', 'https://eu-west-1.console.aws.amazon.com/'],
    ['aws-cn', 'cn-north-1', 'https://cn-north-1.console.amazonaws.cn/'],
    ['aws-us-gov', 'us-gov-west-1', 'https://us-gov-west-1.console.amazonaws-us-gov.com/'],
    ['aws-iso', 'us-iso-east-1', 'https://console.c2s.ic.gov/'],
    ['aws-iso-b', 'us-isob-east-1', 'https://console.sc2s.sgov.gov/'],
    ['aws-iso-e', 'eu-isoe-west-1', 'https://console.cloud.adc-e.uk/'],
    ['aws-iso-f', 'us-isof-south-1', 'https://console.csp.hci.ic.gov/'],
    ['aws-eusc', 'eusc-de-east-1', 'https://console.amazonaws.eu/'],
    ['aws-future', 'xx-new-1', undefined],
  ];
  for (const [partition, region, prefix] of cases) {
    it(`${partition}: ${prefix ?? 'no link'}`, () => {
      const arn = `arn:${partition}:states:${region}:123456789012:execution:sm:run`;
      const url = executionConsoleUrl(arn);
      if (prefix === undefined) expect(url).toBeUndefined();
      else {
        expect(url?.startsWith(prefix)).toBe(true);
        expect(url).toContain(`region=${region}#/v2/executions/details/${arn}`);
      }
      if (partition !== 'aws') expect(url ?? '').not.toContain('console.aws.amazon.com');
    });
  }

  it('a Lambda log group link is filtered to the time window, in the function ARN region', () => {
    const url = lambdaLogsConsoleUrl(
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:load-orders:live',
      { partition: 'aws', region: 'eu-west-1' },
      { startMs: 1_000, endMs: 61_000 }
    );
    expect(url).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fload-orders/log-events$3Fstart$3D1000$26end$3D61000'
    );
    expect(lambdaLogsConsoleUrl('bad name<>', { region: 'eu-west-1' }, {})).toBeUndefined();
  });
});

describe('cutting never splits a character', () => {
  const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it('an emoji or a flag at the cut goes whole or not at all', () => {
    const text = `ab${'😀'.repeat(10)}🇫🇷👩‍👩‍👧`;
    for (let max = 0; max <= text.length; max++) {
      const cut = cutText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(loneSurrogate.test(cut)).toBe(false);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut.endsWith('\ud83c\uddeb')).toBe(false); // half a flag
      expect(cut.endsWith('\u200d')).toBe(false); // half a family
      expect(loneSurrogate.test(truncateMrkdwn(text, max))).toBe(false);
      expect(loneSurrogate.test(truncatePlain(text, Math.max(1, max)))).toBe(false);
    }
  });

  it('a cause of emoji cut to Slack limits leaves no lone surrogate in the message JSON', async () => {
    const cause = '🔥'.repeat(30_000);
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task(`Step${'💥'.repeat(200)}`, 0, { fail: { error: '⚠️'.repeat(200), cause } });
    b.fail(failed, '⚠️'.repeat(200), cause);
    for (const template of ['detailed', 'compact']) {
      const { message } = await formatExecution({ pages: b.pages(), settings: { template } });
      for (const text of texts(message)) expect(loneSurrogate.test(text)).toBe(false);
      expect(JSON.stringify(message)).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    }
  });
});

describe('names and errors cannot break code spans or bold', () => {
  it('a name with formatting characters becomes a code span; a backtick a look-alike', () => {
    expect(mrkdwnName('Load')).toBe('*Load*');
    expect(mrkdwnName('Load*All')).toBe('`Load*All`');
    expect(mrkdwnName('_tmp_')).toBe('`_tmp_`');
    expect(mrkdwnName('my_job', false)).toBe('my_job');
    expect(codeSpan('a`b')).toBe('`a\u02cbb`');
  });

  it('state names and errors with backticks, asterisks, underscores and tildes keep every span balanced', async () => {
    const b = new HistoryBuilder();
    b.started();
    const first = b.task('*Load* `all` _now_ ~x~', 0);
    const failed = b.task('Next*', first, {
      fail: { error: 'Err`or*_~', cause: 'plain *cause* with `tick' },
    });
    b.fail(failed, 'Err`or*_~', 'plain *cause* with `tick');
    for (const template of ['detailed', 'compact']) {
      const { message } = await formatExecution({ pages: b.pages(), settings: { template } });
      const all = texts(message).join('\n');
      if (template === 'detailed') expect(all).toContain('`*Load* ˋallˋ _now_ ~x~`');
      expect(all).toContain('`Errˋor*_~`');
      // A name in a code span is never wrapped in bold (a `*` inside could end the bold).
      expect(all).toContain(':x: `Next*` `Errˋor*_~`');
      expect(all).not.toMatch(/\*`[^`]*`\*/);
      for (const text of texts(message)) {
        // Outside code blocks, backticks pair up: no span runs on into the rest of the message.
        const outside = text.replace(/```[\s\S]*?```/g, '');
        expect((outside.match(/`/g) ?? []).length % 2).toBe(0);
      }
    }
  });
});
