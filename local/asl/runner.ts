import { executionNameOf, stateMachineNameOf } from '../../contract/arns.js';
import { type Clock, RealClock, VirtualClock } from './clock.js';
import { type Catcher, loadDefinition, type MachineDef, type StateDef } from './definition.js';
import { ERR, StatesError, toStatesError } from './errors.js';
import { EventLog, type HistoryEvent } from './events.js';
import { type EvalScope, ExpressionEngine, expressionText, QueryEvaluationError } from './expressions.js';
import { findCatcher, findRetrier, retryDelayMs } from './retry.js';
import { fromSdkError, serviceErrorStyleFor } from './service-errors.js';

export interface TaskInvocation {
  /** e.g. 'arn:aws:states:::lambda:invoke', 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory'. */
  resource: string;
  /** The evaluated Arguments (the state input when the state has none). */
  arguments: unknown;
  stateName: string;
  /** $states.context */
  context: unknown;
  /** The task state's evaluated `Credentials`: the role AWS would assume to run the task. */
  credentials?: TaskCredentials;
}

/** What a Task state's `Credentials` field gives the task (AWS records it as `taskCredentials`). */
export interface TaskCredentials {
  roleArn: string;
}
export type ResourceHandler = (task: TaskInvocation) => Promise<unknown>;

export interface RunOptions {
  /** Keyed by exact Resource string; a Resource not in the map fails the execution with States.Runtime. */
  resources: Record<string, ResourceHandler>;
  /** @default new VirtualClock() */
  clock?: Clock;
  /** @default 'arn:aws:states:us-east-1:123456789012:execution:<machine name>:<name>' */
  executionArn?: string;
  /** @default 'arn:aws:states:us-east-1:123456789012:stateMachine:local' */
  stateMachineArn?: string;
  /** Execution name. @default the last part of executionArn, else 'local-execution' */
  name?: string;
  /** For JitterStrategy FULL and unseeded $random. @default Math.random */
  random?: () => number;
  /** @default 262144 (256 KiB) */
  payloadLimitBytes?: number;
  onEvent?: (event: HistoryEvent) => void;
  /** Called when a retrier matched, before its delay is slept (for progress lines on a real clock). */
  onRetry?: (retry: RetryNotice) => void;
}

/** What `onRetry` is told. */
export interface RetryNotice {
  readonly stateName: string;
  readonly error: string;
  /** 1-based number of this retry for the matching retrier. */
  readonly attempt: number;
  /** The retrier's MaxAttempts. */
  readonly maxAttempts: number;
  readonly delayMs: number;
}

export interface ExecutionResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  /** Each state entered counts one, each retry one more (see docs/local-runner.md). */
  stateTransitions: number;
  events: HistoryEvent[];
}

const DEFAULT_LIMIT = 262_144;
/** Standard workflows fail when the history reaches 25,000 events; also stops runaway loops on a virtual clock. */
const MAX_EVENTS = 25_000;

type Json = unknown;
interface Outcome {
  output: Json;
  assigned: Record<string, Json>;
  next?: string;
}

/** The UTF-8 size AWS measures; `text` when the value is already serialized. */
function byteSize(value: unknown, text: string = JSON.stringify(value) ?? 'null'): number {
  return Buffer.byteLength(text, 'utf8');
}

/** JSON round trip: what a real service boundary does to a value (drops undefined, Dates become strings). */
function asJson(value: unknown): Json {
  return throughJson(value).value;
}

/** The JSON round trip and the text it went through: a task result's size and event output, serialized once. */
function throughJson(value: unknown): { readonly value: Json; readonly text: string } {
  const text = value === undefined ? 'null' : JSON.stringify(value);
  return { value: JSON.parse(text), text };
}

/** 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory' → resourceType 'aws-sdk:sfn', resource 'getExecutionHistory'. */
function describeResource(arn: string): { resourceType: string; resource: string } {
  const rest = arn.replace(/^arn:[^:]+:states:::/, '');
  const cut = rest.lastIndexOf(':');
  return cut < 0
    ? { resourceType: rest, resource: rest }
    : { resourceType: rest.slice(0, cut), resource: rest.slice(cut + 1) };
}

/** A Resource that names a Lambda function directly (not through `arn:aws:states:::lambda:invoke`). */
const LAMBDA_FUNCTION_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/;

/** JSONata's name for a value's type, as AWS words it in "Expected 'array', but was 'number'". */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The longest delay a Wait Timestamp may ask for, in seconds (2^31 - 1). */
const MAX_WAIT_SECONDS = 2_147_483_647;

const ISO_OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Variables of one scope (the workflow, a Parallel branch, a Map iteration); inner scopes read outer ones. */
class Scope {
  readonly vars: Record<string, Json> = {};

  constructor(readonly parent?: Scope) {}

  visible(): Record<string, Json> {
    return this.parent ? { ...this.parent.visible(), ...this.vars } : { ...this.vars };
  }
}

/** Where a state runs: its name, scope, and the ids/times stamped when it was entered. */
interface StateRun {
  name: string;
  state: StateDef;
  input: Json;
  scope: Scope;
  entered: number;
  enteredTime: string;
}

class Execution {
  readonly clock: Clock;
  readonly log: EventLog;
  readonly engine: ExpressionEngine;
  readonly random: () => number;
  readonly limit: number;
  transitions = 0;
  readonly contextBase: { Execution: Record<string, unknown>; StateMachine: Record<string, unknown> };
  private readonly started: number;

  constructor(
    readonly machine: MachineDef,
    input: Json,
    readonly options: RunOptions
  ) {
    this.clock = options.clock ?? new VirtualClock();
    this.random = options.random ?? Math.random;
    this.limit = options.payloadLimitBytes ?? DEFAULT_LIMIT;
    this.log = new EventLog(this.clock, options.onEvent);
    this.engine = new ExpressionEngine({ clock: this.clock, random: this.random });
    this.started = this.clock.now();
    const stateMachineArn =
      options.stateMachineArn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:local';
    const machineName = stateMachineNameOf(stateMachineArn) ?? 'local';
    const name = options.name ?? executionNameOf(options.executionArn) ?? 'local-execution';
    const executionArn =
      options.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    this.contextBase = {
      Execution: {
        Id: executionArn,
        Input: input,
        Name: name,
        StartTime: new Date(this.started).toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: stateMachineArn, Name: machineName },
    };
  }

  context(run: StateRun, retryCount: number): Record<string, unknown> {
    return structuredClone({
      ...this.contextBase,
      State: { Name: run.name, EnteredTime: run.enteredTime, RetryCount: retryCount },
    });
  }

  checkSize(value: Json, who: string, text?: string): void {
    if (byteSize(value, text) > this.limit)
      throw new StatesError(
        ERR.DataLimitExceeded,
        `The state/task '${who}' returned a result with a size exceeding the maximum number of bytes service limit.`
      );
  }

  async evaluate(
    template: unknown,
    states: Record<string, unknown>,
    run: StateRun,
    location: string
  ): Promise<Json> {
    // A JSONPath state runs only with language-neutral fields (checked at load): its values are literals.
    if (run.state.QueryLanguage === 'JSONPath') return structuredClone(template);
    const scope: EvalScope = { states, variables: run.scope.visible() };
    try {
      return await this.engine.evaluateTemplate(template, scope, {
        stateName: run.name,
        enteredEventId: run.entered,
        location,
      });
    } catch (error) {
      if (error instanceof QueryEvaluationError)
        this.log.emit('EvaluationFailed', run.name, {
          state: run.name,
          error: error.error,
          cause: error.cause,
          location: error.location,
        });
      throw error;
    }
  }

  /** A failed check of an evaluated value; `location` undefined when the value came from no field (AWS omits it). */
  evaluationError(run: StateRun, location: string | undefined, message: string): QueryEvaluationError {
    const error = new QueryEvaluationError(
      `An error occurred while executing the state '${run.name}' (entered at the event id #${run.entered}). ${message}`,
      location ?? ''
    );
    const details: Record<string, unknown> = { state: run.name, error: error.error, cause: error.cause };
    if (location !== undefined) details.location = location;
    this.log.emit('EvaluationFailed', run.name, details);
    return error;
  }

  /** AWS's error for an expression whose result has the wrong JSON type. */
  unexpectedType(
    run: StateRun,
    location: string,
    template: unknown,
    expected: string,
    value: unknown
  ): never {
    throw this.evaluationError(
      run,
      location,
      `The JSONata expression '${expressionText(template) ?? ''}' specified for the field '${location}' returned an unexpected result type. Expected '${expected}', but was '${typeName(value)}' for value: ${JSON.stringify(value)}`
    );
  }

  /** Output and Assign see the same (entry) variable values; new values apply after the state exits. */
  async outputAndAssign(
    run: StateRun,
    outputTemplate: unknown,
    assignTemplates: Array<Record<string, unknown> | undefined>,
    fallback: Json,
    states: Record<string, unknown>,
    locations: { output: string; assign: string[] }
  ): Promise<{ output: Json; assigned: Record<string, Json> }> {
    const output =
      outputTemplate === undefined
        ? fallback
        : await this.evaluate(outputTemplate, states, run, locations.output);
    const assigned: Record<string, Json> = {};
    for (const [i, template] of assignTemplates.entries()) {
      if (template === undefined) continue;
      Object.assign(assigned, await this.evaluate(template, states, run, locations.assign[i] ?? 'Assign'));
    }
    let total = 0;
    for (const [variable, value] of Object.entries(assigned)) {
      const size = byteSize(value);
      total += size;
      if (size > this.limit)
        throw new StatesError(
          ERR.DataLimitExceeded,
          `The variable '${variable}' in state '${run.name}' is larger than 256 KiB.`
        );
    }
    if (total > this.limit)
      throw new StatesError(
        ERR.DataLimitExceeded,
        `The variables assigned by state '${run.name}' total more than 256 KiB.`
      );
    return { output, assigned };
  }

  /**
   * Runs a machine, branch or item processor from StartAt to its end; returns its output. `onAbort` is told
   * which state failed a branch or iteration: AWS ends that state with a `<Type>StateAborted` event (a Fail
   * state has ended already and gets none).
   */
  async runMachine(
    machine: MachineDef,
    input: Json,
    scope: Scope,
    onAbort?: (name: string, state: StateDef) => void
  ): Promise<Json> {
    let name: string | undefined = machine.StartAt;
    let current: Json = input;
    while (name !== undefined) {
      const state: StateDef | undefined = machine.States[name];
      if (!state) throw new StatesError(ERR.Runtime, `No state named '${name}'.`);
      let outcome: Outcome;
      try {
        outcome = await this.runState(name, state, current, scope);
      } catch (error) {
        if (onAbort && state.Type !== 'Fail' && error instanceof StatesError) onAbort(name, state);
        throw error;
      }
      if (this.log.events.length >= MAX_EVENTS)
        throw new StatesError(ERR.Runtime, `The execution history reached ${MAX_EVENTS} events.`);
      const timeout = this.machine.TimeoutSeconds;
      if (timeout !== undefined && this.clock.now() - this.started > timeout * 1000)
        throw new StatesError(ERR.Timeout, `The execution ran longer than its TimeoutSeconds (${timeout}).`);
      current = outcome.output;
      name = outcome.next;
    }
    return current;
  }

  async runState(name: string, state: StateDef, input: Json, scope: Scope): Promise<Outcome> {
    this.transitions += 1;
    const enteredTime = new Date(this.clock.now()).toISOString();
    const entered = this.log.emit(`${state.Type}StateEntered`, name, { name, input: JSON.stringify(input) });
    const run: StateRun = { name, state, input, scope, entered, enteredTime };
    let outcome: Outcome;
    switch (state.Type) {
      case 'Task':
        outcome = await this.withRetry(run, (states) => this.task(run, states));
        break;
      case 'Parallel':
        outcome = await this.withRetry(run, (states) => this.parallel(run, states));
        break;
      case 'Map':
        outcome = await this.withRetry(run, (states) => this.map(run, states));
        break;
      case 'Choice':
        outcome = await this.choice(run);
        break;
      case 'Fail':
        return this.fail(run);
      default: {
        const states = { input, context: this.context(run, 0) };
        if (state.Type === 'Wait') await this.wait(run, states);
        const r = await this.outputAndAssign(run, state.Output, [state.Assign], input, states, {
          output: 'Output',
          assign: ['Assign'],
        });
        this.checkSize(r.output, name);
        outcome = { ...r, next: state.Type === 'Succeed' || state.End ? undefined : state.Next };
      }
    }
    const details: Record<string, unknown> = { name, output: JSON.stringify(outcome.output) };
    if (Object.keys(outcome.assigned).length > 0)
      details.assignedVariables = Object.fromEntries(
        Object.entries(outcome.assigned).map(([k, v]) => [k, JSON.stringify(v)])
      );
    this.log.emit(`${state.Type}StateExited`, name, details);
    Object.assign(scope.vars, outcome.assigned);
    return outcome;
  }

  async fail(run: StateRun): Promise<never> {
    const states = { input: run.input, context: this.context(run, 0) };
    const { Error: errorTemplate, Cause: causeTemplate } = run.state;
    const error =
      errorTemplate === undefined ? undefined : await this.evaluate(errorTemplate, states, run, 'Error');
    const cause =
      causeTemplate === undefined ? undefined : await this.evaluate(causeTemplate, states, run, 'Cause');
    for (const [field, value] of [
      ['Error', error],
      ['Cause', cause],
    ] as const) {
      if (value !== undefined && typeof value !== 'string')
        throw this.evaluationError(
          run,
          field,
          `The ${field} field must evaluate to a string, got ${JSON.stringify(value)}`
        );
    }
    // A Fail state without Error fails the execution with no error name; '' marks that.
    throw new StatesError((error as string | undefined) ?? '', cause as string | undefined);
  }

  async wait(run: StateRun, states: Record<string, unknown>): Promise<void> {
    if (run.state.Seconds !== undefined) {
      const seconds = await this.evaluate(run.state.Seconds, states, run, 'Seconds');
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 99999999)
        throw this.evaluationError(
          run,
          'Seconds',
          `The Seconds field must be an integer from 0 to 99999999, got ${JSON.stringify(seconds)}`
        );
      await this.clock.sleep(seconds * 1000);
      return;
    }
    const timestamp = await this.evaluate(run.state.Timestamp, states, run, 'Timestamp');
    const ms =
      typeof timestamp === 'string' && ISO_OFFSET_DATE_TIME.test(timestamp)
        ? Date.parse(timestamp)
        : Number.NaN;
    if (Number.isNaN(ms))
      throw this.evaluationError(
        run,
        'Timestamp',
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${String(timestamp)}`
      );
    // Recorded on AWS: 24855 days ahead waits, 24856 days fails (delays are held in a signed 32-bit second count).
    if (ms - this.clock.now() > MAX_WAIT_SECONDS * 1000)
      throw new StatesError(
        ERR.Runtime,
        `An error occurred while executing the state '${run.name}' (entered at the event id #${run.entered}). Wait state delay is too long.`
      );
    await this.clock.sleep(Math.max(0, ms - this.clock.now()));
  }

  async choice(run: StateRun): Promise<Outcome> {
    const { state, input } = run;
    const states = { input, context: this.context(run, 0) };
    for (const [i, rule] of (state.Choices ?? []).entries()) {
      const location = `Choices/${i}/Condition`;
      const matched =
        typeof rule.Condition === 'boolean'
          ? rule.Condition
          : await this.evaluate(rule.Condition, states, run, location);
      if (typeof matched !== 'boolean')
        throw this.evaluationError(
          run,
          location,
          `The Condition field must evaluate to a boolean, got ${JSON.stringify(matched)}`
        );
      if (!matched) continue;
      // The rule's Output replaces the state's; the state's Assign applies on every path, the rule's wins on a clash.
      const hasOutput = 'Output' in rule;
      const r = await this.outputAndAssign(
        run,
        hasOutput ? rule.Output : state.Output,
        [state.Assign, rule.Assign],
        input,
        states,
        {
          output: hasOutput ? `Choices/${i}/Output` : 'Output',
          assign: ['Assign', `Choices/${i}/Assign`],
        }
      );
      this.checkSize(r.output, run.name);
      return { ...r, next: rule.Next };
    }
    if (state.Default === undefined)
      throw new StatesError(
        ERR.NoChoiceMatched,
        `No Choice Rule matched in state '${run.name}' and it has no Default.`
      );
    const r = await this.outputAndAssign(run, state.Output, [state.Assign], input, states, {
      output: 'Output',
      assign: ['Assign'],
    });
    this.checkSize(r.output, run.name);
    return { ...r, next: state.Default };
  }

  /** Task, Parallel and Map: produce a result, then Output/Assign with $states.result; Retry and Catch around both. */
  async withRetry(
    run: StateRun,
    produce: (states: Record<string, unknown>) => Promise<Json>
  ): Promise<Outcome> {
    const { state } = run;
    const retryCounts = state.Retry.map(() => 0);
    let retryCount = 0;
    for (;;) {
      const context = this.context(run, retryCount);
      try {
        const states = { input: run.input, context };
        const result = await produce(states);
        const r = await this.outputAndAssign(
          run,
          state.Output,
          [state.Assign],
          result,
          { ...states, result },
          {
            output: 'Output',
            assign: ['Assign'],
          }
        );
        this.checkSize(r.output, run.name);
        return { ...r, next: state.End ? undefined : state.Next };
      } catch (thrown) {
        // Handler errors are StatesErrors by now (invoke converts them); anything else is a runner bug: no catching it.
        if (!(thrown instanceof StatesError)) throw thrown;
        const error = thrown;
        const ri = findRetrier(state.Retry, error.error);
        const retrier = state.Retry[ri];
        const attempts = retryCounts[ri] ?? 0;
        if (retrier && attempts < retrier.MaxAttempts) {
          const delay = retryDelayMs(retrier, attempts, this.random);
          retryCounts[ri] = attempts + 1;
          retryCount += 1;
          this.transitions += 1;
          this.options.onRetry?.({
            stateName: run.name,
            error: error.error,
            attempt: attempts + 1,
            maxAttempts: retrier.MaxAttempts,
            delayMs: delay,
          });
          await this.clock.sleep(delay);
          continue;
        }
        // Parallel and Map write their *StateFailed once, when the error is not retried (caught or not).
        if (state.Type === 'Parallel' || state.Type === 'Map')
          this.log.emit(`${state.Type}StateFailed`, run.name);
        const catcher = findCatcher(state.Catch, error.error);
        if (!catcher) throw error;
        return this.caught(run, catcher, error, context);
      }
    }
  }

  async caught(run: StateRun, catcher: Catcher, error: StatesError, context: unknown): Promise<Outcome> {
    const errorOutput: Record<string, string> = { Error: error.error };
    if (error.cause !== undefined) errorOutput.Cause = error.cause;
    const index = run.state.Catch.indexOf(catcher);
    const r = await this.outputAndAssign(
      run,
      catcher.Output,
      [catcher.Assign],
      errorOutput,
      { input: run.input, context, errorOutput },
      {
        output: `Catch/${index}/Output`,
        assign: [`Catch/${index}/Assign`],
      }
    );
    this.checkSize(r.output, run.name);
    return { ...r, next: catcher.Next };
  }

  async task(run: StateRun, states: Record<string, unknown>): Promise<Json> {
    const { state, name } = { state: run.state, name: run.name };
    const args =
      state.Arguments === undefined
        ? run.input
        : await this.evaluate(state.Arguments, states, run, 'Arguments');
    this.checkSize(args, name);
    let timeoutSeconds: number | undefined;
    if (state.TimeoutSeconds !== undefined) {
      const t = await this.evaluate(state.TimeoutSeconds, states, run, 'TimeoutSeconds');
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 99999999)
        throw this.evaluationError(
          run,
          'TimeoutSeconds',
          `The TimeoutSeconds field must be an integer from 1 to 99999999, got ${JSON.stringify(t)}`
        );
      timeoutSeconds = t;
    }
    let credentials: TaskCredentials | undefined;
    if (state.Credentials !== undefined) {
      const template = (state.Credentials as { RoleArn: unknown }).RoleArn;
      const roleArn = await this.evaluate(template, states, run, 'Credentials/RoleArn');
      if (typeof roleArn !== 'string' || roleArn === '')
        this.unexpectedType(run, 'Credentials/RoleArn', template, 'string', roleArn);
      credentials = { roleArn };
    }
    return this.invoke(name, state.Resource as string, args, states.context, timeoutSeconds, credentials);
  }

  async parallel(run: StateRun, states: Record<string, unknown>): Promise<Json> {
    const args =
      run.state.Arguments === undefined
        ? run.input
        : await this.evaluate(run.state.Arguments, states, run, 'Arguments');
    this.log.emit('ParallelStateStarted', run.name);
    const results: Json[] = [];
    const abort = (name: string, state: StateDef) => this.log.emit(`${state.Type}StateAborted`, name);
    // Branches run one after another: same results, and on a virtual clock their waits add up (see docs).
    for (const branch of run.state.Branches ?? [])
      results.push(await this.runMachine(branch, args, new Scope(run.scope), abort));
    this.log.emit('ParallelStateSucceeded', run.name);
    this.checkSize(results, run.name);
    return results;
  }

  /** The array a Map iterates: `Items` (a literal array or an expression), else the state input. */
  async mapItems(run: StateRun, states: Record<string, unknown>): Promise<Json[]> {
    const { state } = run;
    if (state.Items === undefined) {
      if (!Array.isArray(run.input))
        throw this.evaluationError(
          run,
          undefined,
          `Map state input must be an array but was: ${JSON.stringify(run.input)}`
        );
      return run.input;
    }
    const items = await this.evaluate(state.Items, states, run, 'Items');
    if (!Array.isArray(items)) this.unexpectedType(run, 'Items', state.Items, 'array', items);
    return items;
  }

  /**
   * ToleratedFailureCount/Percentage: evaluated and checked as AWS does; only a tolerance of 0 is run. A value
   * out of range is AWS's States.Runtime with its recorded sentence (recorded for the *Path variants).
   */
  async mapTolerance(run: StateRun, states: Record<string, unknown>): Promise<boolean> {
    const checks = {
      ToleratedFailurePercentage: {
        type: 'number',
        valid: (v: number) => v >= 0 && v <= 100,
        range: 'ToleratedFailurePercentage must be between 0 and 100.',
      },
      ToleratedFailureCount: {
        type: 'integer',
        valid: (v: number) => v >= 0,
        range: 'ToleratedFailureCount cannot be negative.',
      },
    };
    let tolerates = false;
    for (const field of ['ToleratedFailurePercentage', 'ToleratedFailureCount'] as const) {
      const template = run.state[field];
      if (template === undefined) continue;
      const check = checks[field];
      const value = await this.evaluate(template, states, run, field);
      if (typeof value !== 'number' || (check.type === 'integer' && !Number.isInteger(value)))
        this.unexpectedType(run, field, template, check.type, value);
      if (!check.valid(value))
        throw new StatesError(
          ERR.Runtime,
          `An error occurred while executing the state '${run.name}' (entered at the event id #${run.entered}). ${check.range}`
        );
      if (value > 0) tolerates = true;
    }
    return tolerates;
  }

  async map(run: StateRun, states: Record<string, unknown>): Promise<Json> {
    const { state } = run;
    const items = await this.mapItems(run, states);
    if (state.MaxConcurrency !== undefined) {
      const max = await this.evaluate(state.MaxConcurrency, states, run, 'MaxConcurrency');
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
        throw this.evaluationError(
          run,
          'MaxConcurrency',
          `The MaxConcurrency field must be a non-negative integer, got ${JSON.stringify(max)}`
        );
    }
    const tolerates = await this.mapTolerance(run, states);
    this.log.emit('MapStateStarted', run.name, { length: items.length });
    const results: Json[] = [];
    for (const [index, value] of items.entries()) {
      const itemContext = { ...(states.context as object), Map: { Item: { Index: index, Value: value } } };
      const itemInput =
        state.ItemSelector === undefined
          ? value
          : await this.evaluate(
              state.ItemSelector,
              { input: run.input, context: itemContext },
              run,
              'ItemSelector'
            );
      this.log.emit('MapIterationStarted', run.name, { name: run.name, index });
      let aborted: [string, StateDef] | undefined;
      try {
        // Iterations run one after another whatever MaxConcurrency says (see docs).
        results.push(
          await this.runMachine(
            state.ItemProcessor as MachineDef,
            itemInput,
            new Scope(run.scope),
            (n, s) => {
              aborted = [n, s];
            }
          )
        );
      } catch (error) {
        this.log.emit('MapIterationFailed', run.name, { name: run.name, index });
        if (aborted) this.log.emit(`${aborted[1].Type}StateAborted`, aborted[0]);
        if (tolerates && error instanceof StatesError && error.error !== ERR.Runtime)
          throw new StatesError(
            ERR.Runtime,
            `An iteration of Map state '${run.name}' failed and the state tolerates failures: the local runner does not implement tolerated failures (see docs/local-runner.md).`
          );
        throw error;
      }
      this.log.emit('MapIterationSucceeded', run.name, { name: run.name, index });
    }
    this.log.emit('MapStateSucceeded', run.name);
    this.checkSize(results, run.name);
    return results;
  }

  async invoke(
    name: string,
    resource: string,
    args: Json,
    context: unknown,
    timeoutSeconds: number | undefined,
    credentials?: TaskCredentials
  ): Promise<Json> {
    const handler = this.options.resources[resource];
    if (!handler)
      throw new StatesError(
        ERR.Runtime,
        `The local runner has no handler for the resource '${resource}' (state '${name}'); add it to RunOptions.resources.`
      );
    const events = LAMBDA_FUNCTION_ARN.test(resource)
      ? lambdaFunctionEvents(resource, args, timeoutSeconds, credentials)
      : taskEvents(resource, args, timeoutSeconds, credentials);
    this.log.emit(events.scheduled[0], name, events.scheduled[1]);
    this.log.emit(events.started[0], name, events.started[1]);
    const start = this.clock.now();
    // AWS's task timeout has no cause (recorded: `States.Timeout` with no cause key).
    const timedOut = () => new StatesError(ERR.Timeout);
    const overdue = () => timeoutSeconds !== undefined && this.clock.now() - start > timeoutSeconds * 1000;
    let result: ReturnType<typeof throughJson>;
    try {
      const invocation: TaskInvocation = {
        resource,
        arguments: structuredClone(args),
        stateName: name,
        context: structuredClone(context),
      };
      if (credentials) invocation.credentials = { ...credentials };
      const call = handler(invocation);
      result = throughJson(await this.withRealTimeout(call, timeoutSeconds, timedOut));
      if (overdue()) throw timedOut();
      this.checkSize(result.value, resource, result.text);
    } catch (thrown) {
      const style = serviceErrorStyleFor(resource);
      const error = overdue() ? timedOut() : toStatesError(style ? fromSdkError(style, thrown) : thrown);
      const details: Record<string, unknown> = { ...events.detail, error: error.error };
      if (error.cause !== undefined) details.cause = error.cause;
      this.log.emit(error.error === ERR.Timeout ? events.timedOut : events.failed, name, details);
      throw error;
    }
    this.log.emit(events.succeeded, name, { ...events.detail, output: result.text });
    return result.value;
  }

  /** A virtual clock checks elapsed virtual time after the call; only a real clock needs a racing timer. */
  private async withRealTimeout<T>(
    call: Promise<T>,
    timeoutSeconds: number | undefined,
    timedOut: () => Error
  ): Promise<T> {
    if (timeoutSeconds === undefined || !(this.clock instanceof RealClock)) return call;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        call,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(timedOut()), timeoutSeconds * 1000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface TaskEventNames {
  scheduled: [string, Record<string, unknown>];
  started: [string, Record<string, unknown> | undefined];
  succeeded: string;
  failed: string;
  timedOut: string;
  /** Details every outcome event repeats. */
  detail: Record<string, unknown>;
}

/** A service integration (`arn:aws:states:::…`): `Task*` events naming the resource. */
function taskEvents(
  resource: string,
  args: Json,
  timeoutSeconds: number | undefined,
  credentials: TaskCredentials | undefined
): TaskEventNames {
  const described = describeResource(resource);
  const scheduled: Record<string, unknown> = {
    ...described,
    region: 'local',
    parameters: JSON.stringify(args),
  };
  if (timeoutSeconds !== undefined) scheduled.timeoutInSeconds = timeoutSeconds;
  if (credentials) scheduled.taskCredentials = { ...credentials };
  return {
    scheduled: ['TaskScheduled', scheduled],
    started: ['TaskStarted', { ...described }],
    succeeded: 'TaskSucceeded',
    failed: 'TaskFailed',
    timedOut: 'TaskTimedOut',
    detail: described,
  };
}

/** A Lambda function ARN as the Resource: AWS writes `LambdaFunction*` events, the start without details. */
function lambdaFunctionEvents(
  resource: string,
  args: Json,
  timeoutSeconds: number | undefined,
  credentials: TaskCredentials | undefined
): TaskEventNames {
  const scheduled: Record<string, unknown> = { input: JSON.stringify(args), resource };
  if (timeoutSeconds !== undefined) scheduled.timeoutInSeconds = timeoutSeconds;
  if (credentials) scheduled.taskCredentials = { ...credentials };
  return {
    scheduled: ['LambdaFunctionScheduled', scheduled],
    started: ['LambdaFunctionStarted', undefined],
    succeeded: 'LambdaFunctionSucceeded',
    failed: 'LambdaFunctionFailed',
    timedOut: 'LambdaFunctionTimedOut',
    detail: {},
  };
}

/**
 * Runs a JSONata state machine locally. Definition problems (invalid or unsupported ASL) throw
 * AslDefinitionError before anything runs; everything that happens during the run, including an
 * unknown Resource (States.Runtime), ends in a FAILED result rather than a throw.
 */
export async function runStateMachine(
  definition: string | object,
  input: unknown,
  options: RunOptions
): Promise<ExecutionResult> {
  const machine = loadDefinition(definition);
  const executionInput = asJson(input === undefined ? {} : input);
  const execution = new Execution(machine, executionInput, options);
  const { log } = execution;
  log.emit('ExecutionStarted', undefined, {
    input: JSON.stringify(executionInput),
    roleArn: 'local',
  });
  try {
    execution.checkSize(executionInput, 'execution input');
    const output = await execution.runMachine(machine, executionInput, new Scope());
    log.emit('ExecutionSucceeded', undefined, { output: JSON.stringify(output) });
    return { status: 'SUCCEEDED', output, stateTransitions: execution.transitions, events: log.events };
  } catch (thrown) {
    if (!(thrown instanceof StatesError)) throw thrown;
    const details: Record<string, unknown> = {};
    if (thrown.error !== '') details.error = thrown.error;
    if (thrown.cause !== undefined) details.cause = thrown.cause;
    log.emit(
      thrown.error === ERR.Timeout && /execution ran longer/.test(thrown.cause ?? '')
        ? 'ExecutionTimedOut'
        : 'ExecutionFailed',
      undefined,
      details
    );
    const result: ExecutionResult = {
      status: 'FAILED',
      stateTransitions: execution.transitions,
      events: log.events,
    };
    if (thrown.error !== '') result.error = thrown.error;
    if (thrown.cause !== undefined) result.cause = thrown.cause;
    return result;
  }
}
