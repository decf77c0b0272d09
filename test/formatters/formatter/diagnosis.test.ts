/**
 * What each Task ran, from the state machine definition (DescribeStateMachineForExecution's `Definition`),
 * and deeper diagnosis: Distributed Map item counts (DescribeMapRun through the handler's SFN client, never
 * blocking the message), the failed child execution's link, the failed Lambda's log group link.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeMapRunCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FormatterOutput, StatusChangeEvent } from '../../../contract/formatter.js';
import { CENTRAL_ENVIRONMENT_ENV } from '../../../contract/sources.js';
import { definitionText, formatExecution } from '../../../formatters/formatter/format.js';
import { createHandler } from '../../../formatters/formatter/handler.js';
import { sourceSfnClient } from '../../../formatters/formatter/source-client.js';
import { taskResources } from '../../../formatters/formatter/summarize/definition.js';
import { summarize } from '../../../formatters/formatter/summarize/index.js';
import { ACCOUNT, executionArn, HistoryBuilder, REGION } from '../../../local/history-builder.js';

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

const quiet = new Logger({ logLevel: 'SILENT' });

/** The pages as the notifier reads them (`includeExecutionData: false`): no task parameters. */
function withoutExecutionData(b: HistoryBuilder) {
  return b.pages().map((page) => ({
    events: page.events.map((e) => {
      const { taskScheduledEventDetails, ...rest } = e as Record<string, unknown>;
      return taskScheduledEventDetails
        ? { ...rest, taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke' } }
        : rest;
    }),
  }));
}

const DEFINITION = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Extract',
  States: {
    Extract: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: {
        FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:extract-orders:live`,
        Payload: '{% $states.input %}',
      },
      Next: 'Fan',
    },
    Fan: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Transform',
          States: {
            Transform: {
              Type: 'Task',
              Resource: 'arn:aws:states:::glue:startJobRun.sync',
              Arguments: { JobName: 'transform-orders' },
              End: true,
            },
          },
        },
        {
          StartAt: 'Index',
          States: {
            Index: {
              Type: 'Task',
              Resource: 'arn:aws:states:::ecs:runTask.sync',
              Parameters: {
                TaskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/indexer:7`,
                Cluster: 'c',
              },
              End: true,
            },
          },
        },
      ],
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Arguments: { StateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:load-partition` },
            End: true,
          },
        },
      },
      Next: 'Dynamic',
    },
    Dynamic: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: '{% $states.input.fn %}' },
      Next: 'Legacy',
    },
    Legacy: { Type: 'Task', Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:legacy-fn`, Next: 'Sdk' },
    Sdk: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
      Arguments: { Bucket: 'b' },
      End: true,
    },
  },
});

describe('what each Task ran, from the definition', () => {
  it('names functions, jobs, task definitions and child state machines, literal values only', () => {
    const resources = taskResources(DEFINITION);
    expect(Object.fromEntries([...resources].map(([name, r]) => [name, `${r.kind} ${r.label}`]))).toEqual({
      Extract: 'lambda extract-orders:live',
      Transform: 'glue transform-orders',
      Index: 'ecs indexer:7',
      Child: 'states load-partition',
      Dynamic: 'lambda lambda:invoke',
      Legacy: 'lambda legacy-fn',
      Sdk: 'aws-sdk s3:putObject',
    });
    expect(taskResources('not json').size).toBe(0);
    expect(taskResources(undefined).size).toBe(0);
    expect(taskResources(JSON.stringify({ States: 'x' })).size).toBe(0);
  });

  it('accepts the definition as saved: the ASL, or a describe response in either casing', () => {
    expect(definitionText({ definition: DEFINITION })).toBe(DEFINITION);
    expect(definitionText({ Definition: DEFINITION })).toBe(DEFINITION);
    expect(definitionText(JSON.parse(DEFINITION))).toBe(JSON.stringify(JSON.parse(DEFINITION)));
    expect(definitionText({ name: 'x' })).toBeUndefined();
  });

  it('preview from a file posts what the deployed notifier posts: the function name from the definition', async () => {
    // The history as saved with its execution data (the FunctionName in the task parameters) ...
    const b = new HistoryBuilder();
    b.started();
    b.succeed(b.task('Extract', 0));
    const withData = b.pages();
    // ... and as the notifier reads it (includeExecutionData: false: no parameters).
    const withoutData = withoutExecutionData(b);
    const event: StatusChangeEvent = {
      detail: { executionArn: executionArn('run-def'), status: 'SUCCEEDED' },
    };
    const deployed = await createHandler({ logger: quiet })({
      event,
      settings: { environment: 'prod', destination: { type: 'webhook' } },
      pages: withoutData,
      definition: DEFINITION,
    });
    if (deployed.kind !== 'message') throw new Error('expected a message');
    const preview = await formatExecution({
      pages: withData,
      event,
      settings: { environment: 'prod' },
      definition: DEFINITION,
    });
    expect(preview.message.blocks).toEqual(deployed.delivery.payload.blocks);
    expect(texts(preview.message).join('\n')).toContain('*Extract* · _Task_ · extract-orders:live');
    // Without the definition, the notifier can only say which integration ran.
    const bare = summarize({ pages: withoutData });
    expect(bare.steps[0]?.resource?.label).toBe('lambda:invoke');
  });
});

/** A Distributed Map whose Map Run failed (its items are child executions, not in this history). */
function distributedMapFailure(mapRunArn: string): HistoryBuilder {
  const b = new HistoryBuilder();
  b.started();
  const entered = b.add('MapStateEntered', 0, 'stateEnteredEventDetails', { name: 'ProcessFiles' });
  const started = b.add('MapStateStarted', entered, 'mapStateStartedEventDetails', { length: 1000 });
  const run = b.add('MapRunStarted', started, 'mapRunStartedEventDetails', { mapRunArn });
  const failed = b.add('MapRunFailed', run, 'mapRunFailedEventDetails', {
    error: 'States.ExceedToleratedFailureThreshold',
    cause: 'The specified tolerated failure threshold was exceeded',
  });
  const mapFailed = b.add('MapStateFailed', failed, 'mapStateFailedEventDetails', {});
  b.fail(
    mapFailed,
    'States.ExceedToleratedFailureThreshold',
    'The specified tolerated failure threshold was exceeded'
  );
  return b;
}

describe('deeper diagnosis through the handler', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => {
    sfn.reset();
    vi.unstubAllEnvs();
  });
  const mapRunArn = `arn:aws:states:${REGION}:${ACCOUNT}:mapRun:etl/ProcessFiles:0b5c`;
  const event: StatusChangeEvent = {
    detail: { executionArn: executionArn('run-map', 'etl'), status: 'FAILED' },
  };
  const settings = { environment: 'prod', destination: { type: 'webhook' as const } };

  function payloadText(out: FormatterOutput): string {
    if (out.kind !== 'message') throw new Error('expected a message');
    return texts(out.delivery.payload).join('\n');
  }

  it('a failed Distributed Map shows its items succeeded, failed and pending (DescribeMapRun)', async () => {
    sfn.on(DescribeMapRunCommand, { mapRunArn }).resolves({
      mapRunArn,
      executionArn: event.detail.executionArn,
      status: 'FAILED',
      startDate: new Date(),
      maxConcurrency: 40,
      toleratedFailurePercentage: 1,
      toleratedFailureCount: 0,
      itemCounts: {
        pending: 12,
        running: 3,
        succeeded: 935,
        failed: 50,
        timedOut: 0,
        aborted: 0,
        total: 1000,
        resultsWritten: 985,
      },
      executionCounts: {
        pending: 0,
        running: 0,
        succeeded: 935,
        failed: 50,
        timedOut: 0,
        aborted: 0,
        total: 985,
        resultsWritten: 985,
      },
    });
    const handle = createHandler({ sfnClient: new SFNClient({ region: REGION }), logger: quiet });
    const out = await handle({ event, settings, pages: distributedMapFailure(mapRunArn).pages() });
    expect(payloadText(out)).toContain('items of 1000: 935 succeeded, 50 failed, 15 pending');
    expect(sfn.commandCalls(DescribeMapRunCommand)).toHaveLength(1);
  });

  it('DescribeMapRun failing (no permission) never blocks the message', async () => {
    sfn
      .on(DescribeMapRunCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const handle = createHandler({ sfnClient: new SFNClient({ region: REGION }), logger: quiet });
    const out = await handle({ event, settings, pages: distributedMapFailure(mapRunArn).pages() });
    const text = payloadText(out);
    expect(text).toContain('ProcessFiles');
    expect(text).toContain('States.ExceedToleratedFailureThreshold');
    expect(text).not.toContain('items of');
  });

  it('in a central environment, DescribeMapRun goes through the execution account’s read role, never the formatter’s own', async () => {
    const central = { [CENTRAL_ENVIRONMENT_ENV]: 'org' };
    vi.stubEnv(CENTRAL_ENVIRONMENT_ENV, 'org');
    sfn
      .on(DescribeMapRunCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // EventBridge's envelope names the source account and region: the read role is chosen from them.
    const fromSource = { ...event, account: ACCOUNT, region: REGION };
    await createHandler({ logger: quiet })({
      event: fromSource,
      settings,
      pages: distributedMapFailure(mapRunArn).pages(),
    });
    const [call, ...others] = sfn.commandCalls(DescribeMapRunCommand);
    expect(others).toEqual([]);
    expect(call?.thisValue).toBe(await sourceSfnClient(fromSource, central));
    const client = call?.thisValue as SFNClient | undefined;
    expect(await client?.config.region()).toBe(REGION);
  });

  it('no Map Run to describe: no call', async () => {
    const b = new HistoryBuilder();
    b.started();
    b.succeed(b.task('Only', 0));
    await createHandler({ sfnClient: new SFNClient({ region: REGION }), logger: quiet })({
      event: { detail: { executionArn: executionArn('run-ok'), status: 'SUCCEEDED' } },
      settings,
      pages: b.pages(),
    });
    expect(sfn.commandCalls(DescribeMapRunCommand)).toHaveLength(0);
  });

  it('a failed Lambda links to its log group in the execution window; a failed child execution to the child', async () => {
    const b = new HistoryBuilder();
    b.started();
    const failed = b.task('Extract', 0, {
      fail: { error: 'KeyError', cause: '{"errorType":"KeyError","errorMessage":"id"}' },
    });
    b.fail(failed, 'KeyError', '{"errorType":"KeyError","errorMessage":"id"}');
    const lambda = await createHandler({ logger: quiet })({
      event: { detail: { executionArn: executionArn('run-logs', 'etl'), status: 'FAILED' } },
      settings,
      pages: withoutExecutionData(b),
      definition: DEFINITION,
    });
    const start = b.events[0]?.timestamp ?? 0;
    const stop = b.events.at(-1)?.timestamp ?? 0;
    expect(payloadText(lambda)).toContain(
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fextract-orders/log-events$3Fstart$3D${Math.round(start * 1000)}$26end$3D${Math.round(stop * 1000) + 60_000}|Open the function's logs>`
    );

    const child = `arn:aws:states:${REGION}:${ACCOUNT}:execution:load-partition:child-7`;
    const cause = JSON.stringify({
      ExecutionArn: child,
      Status: 'FAILED',
      Error: 'LoadError',
      Cause: 'bad row',
    });
    const c = new HistoryBuilder();
    c.started();
    const taskFailed = c.task('Child', 0, {
      service: { resourceType: 'states', resource: 'startExecution.sync:2' },
      fail: { error: 'States.TaskFailed', cause },
    });
    c.fail(taskFailed, 'States.TaskFailed', cause);
    const nested = await createHandler({ logger: quiet })({
      event: { detail: { executionArn: executionArn('run-child', 'etl'), status: 'FAILED' } },
      settings,
      pages: c.pages(),
      definition: DEFINITION,
    });
    const text = payloadText(nested);
    expect(text).toContain(`/v2/executions/details/${child}|Open the child execution>`);
    expect(text).toContain('load-partition');
  });
});
