import { RealClock, VirtualClock } from './clock.js';
import { loadDefinition } from './definition.js';
import { ERR, StatesError, toStatesError } from './errors.js';
import { EventLog } from './events.js';
import { ExpressionEngine, QueryEvaluationError } from './expressions.js';
import { findCatcher, findRetrier, retryDelayMs } from './retry.js';
const DEFAULT_LIMIT = 262_144;
/** Standard workflows fail when the history reaches 25,000 events; also stops runaway loops on a virtual clock. */
const MAX_EVENTS = 25_000;
function byteSize(value) {
    return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}
/** JSON round trip: what a real service boundary does to a value (drops undefined, Dates become strings). */
function asJson(value) {
    return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
/** 'arn:aws:states:::aws-sdk:sfn:getExecutionHistory' → resourceType 'aws-sdk:sfn', resource 'getExecutionHistory'. */
function describeResource(arn) {
    const rest = arn.replace(/^arn:[^:]+:states:::/, '');
    const cut = rest.lastIndexOf(':');
    return cut < 0
        ? { resourceType: rest, resource: rest }
        : { resourceType: rest.slice(0, cut), resource: rest.slice(cut + 1) };
}
const ISO_OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Variables of one scope (the workflow, a Parallel branch, a Map iteration); inner scopes read outer ones. */
class Scope {
    parent;
    vars = {};
    constructor(parent) {
        this.parent = parent;
    }
    visible() {
        return this.parent ? { ...this.parent.visible(), ...this.vars } : { ...this.vars };
    }
}
class Execution {
    machine;
    options;
    clock;
    log;
    engine;
    random;
    limit;
    transitions = 0;
    contextBase;
    started;
    constructor(machine, input, options) {
        this.machine = machine;
        this.options = options;
        this.clock = options.clock ?? new VirtualClock();
        this.random = options.random ?? Math.random;
        this.limit = options.payloadLimitBytes ?? DEFAULT_LIMIT;
        this.log = new EventLog(this.clock, options.onEvent);
        this.engine = new ExpressionEngine({ clock: this.clock, random: this.random });
        this.started = this.clock.now();
        const stateMachineArn = options.stateMachineArn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:local';
        const machineName = stateMachineArn.split(':').pop() ?? 'local';
        const name = options.name ?? options.executionArn?.split(':').pop() ?? 'local-execution';
        const executionArn = options.executionArn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
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
    context(run, retryCount) {
        return structuredClone({
            ...this.contextBase,
            State: { Name: run.name, EnteredTime: run.enteredTime, RetryCount: retryCount },
        });
    }
    checkSize(value, who) {
        if (byteSize(value) > this.limit)
            throw new StatesError(ERR.DataLimitExceeded, `The state/task '${who}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    async evaluate(template, states, run, location) {
        const scope = { states, variables: run.scope.visible() };
        try {
            return await this.engine.evaluateTemplate(template, scope, {
                stateName: run.name,
                enteredEventId: run.entered,
                location,
            });
        }
        catch (error) {
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
    evaluationError(run, location, message) {
        const error = new QueryEvaluationError(`An error occurred while executing the state '${run.name}' (entered at the event id #${run.entered}). ${message}`, location);
        this.log.emit('EvaluationFailed', run.name, {
            state: run.name,
            error: error.error,
            cause: error.cause,
            location,
        });
        return error;
    }
    /** Output and Assign see the same (entry) variable values; new values apply after the state exits. */
    async outputAndAssign(run, outputTemplate, assignTemplates, fallback, states, locations) {
        const output = outputTemplate === undefined
            ? fallback
            : await this.evaluate(outputTemplate, states, run, locations.output);
        const assigned = {};
        for (const [i, template] of assignTemplates.entries()) {
            if (template === undefined)
                continue;
            Object.assign(assigned, await this.evaluate(template, states, run, locations.assign[i] ?? 'Assign'));
        }
        let total = 0;
        for (const [variable, value] of Object.entries(assigned)) {
            const size = byteSize(value);
            total += size;
            if (size > this.limit)
                throw new StatesError(ERR.DataLimitExceeded, `The variable '${variable}' in state '${run.name}' is larger than 256 KiB.`);
        }
        if (total > this.limit)
            throw new StatesError(ERR.DataLimitExceeded, `The variables assigned by state '${run.name}' total more than 256 KiB.`);
        return { output, assigned };
    }
    /** Runs a machine, branch or item processor from StartAt to its end; returns its output. */
    async runMachine(machine, input, scope) {
        let name = machine.StartAt;
        let current = input;
        while (name !== undefined) {
            const state = machine.States[name];
            if (!state)
                throw new StatesError(ERR.Runtime, `No state named '${name}'.`);
            const outcome = await this.runState(name, state, current, scope);
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
    async runState(name, state, input, scope) {
        this.transitions += 1;
        const enteredTime = new Date(this.clock.now()).toISOString();
        const entered = this.log.emit(`${state.Type}StateEntered`, name, { name, input: JSON.stringify(input) });
        const run = { name, state, input, scope, entered, enteredTime };
        let outcome;
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
                if (state.Type === 'Wait')
                    await this.wait(run, states);
                const r = await this.outputAndAssign(run, state.Output, [state.Assign], input, states, {
                    output: 'Output',
                    assign: ['Assign'],
                });
                this.checkSize(r.output, name);
                outcome = { ...r, next: state.Type === 'Succeed' || state.End ? undefined : state.Next };
            }
        }
        const details = { name, output: JSON.stringify(outcome.output) };
        if (Object.keys(outcome.assigned).length > 0)
            details.assignedVariables = Object.fromEntries(Object.entries(outcome.assigned).map(([k, v]) => [k, JSON.stringify(v)]));
        this.log.emit(`${state.Type}StateExited`, name, details);
        Object.assign(scope.vars, outcome.assigned);
        return outcome;
    }
    async fail(run) {
        const states = { input: run.input, context: this.context(run, 0) };
        const { Error: errorTemplate, Cause: causeTemplate } = run.state;
        const error = errorTemplate === undefined ? undefined : await this.evaluate(errorTemplate, states, run, 'Error');
        const cause = causeTemplate === undefined ? undefined : await this.evaluate(causeTemplate, states, run, 'Cause');
        for (const [field, value] of [
            ['Error', error],
            ['Cause', cause],
        ]) {
            if (value !== undefined && typeof value !== 'string')
                throw this.evaluationError(run, field, `The ${field} field must evaluate to a string, got ${JSON.stringify(value)}`);
        }
        // A Fail state without Error fails the execution with no error name; '' marks that.
        throw new StatesError(error ?? '', cause);
    }
    async wait(run, states) {
        if (run.state.Seconds !== undefined) {
            const seconds = await this.evaluate(run.state.Seconds, states, run, 'Seconds');
            if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 99999999)
                throw this.evaluationError(run, 'Seconds', `The Seconds field must be an integer from 0 to 99999999, got ${JSON.stringify(seconds)}`);
            await this.clock.sleep(seconds * 1000);
            return;
        }
        const timestamp = await this.evaluate(run.state.Timestamp, states, run, 'Timestamp');
        const ms = typeof timestamp === 'string' && ISO_OFFSET_DATE_TIME.test(timestamp)
            ? Date.parse(timestamp)
            : Number.NaN;
        if (Number.isNaN(ms))
            throw this.evaluationError(run, 'Timestamp', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${String(timestamp)}`);
        await this.clock.sleep(Math.max(0, ms - this.clock.now()));
    }
    async choice(run) {
        const { state, input } = run;
        const states = { input, context: this.context(run, 0) };
        for (const [i, rule] of (state.Choices ?? []).entries()) {
            const location = `Choices/${i}/Condition`;
            const matched = typeof rule.Condition === 'boolean'
                ? rule.Condition
                : await this.evaluate(rule.Condition, states, run, location);
            if (typeof matched !== 'boolean')
                throw this.evaluationError(run, location, `The Condition field must evaluate to a boolean, got ${JSON.stringify(matched)}`);
            if (!matched)
                continue;
            // The rule's Output replaces the state's; the state's Assign applies on every path, the rule's wins on a clash.
            const hasOutput = 'Output' in rule;
            const r = await this.outputAndAssign(run, hasOutput ? rule.Output : state.Output, [state.Assign, rule.Assign], input, states, {
                output: hasOutput ? `Choices/${i}/Output` : 'Output',
                assign: ['Assign', `Choices/${i}/Assign`],
            });
            this.checkSize(r.output, run.name);
            return { ...r, next: rule.Next };
        }
        if (state.Default === undefined)
            throw new StatesError(ERR.NoChoiceMatched, `No Choice Rule matched in state '${run.name}' and it has no Default.`);
        const r = await this.outputAndAssign(run, state.Output, [state.Assign], input, states, {
            output: 'Output',
            assign: ['Assign'],
        });
        this.checkSize(r.output, run.name);
        return { ...r, next: state.Default };
    }
    /** Task, Parallel and Map: produce a result, then Output/Assign with $states.result; Retry and Catch around both. */
    async withRetry(run, produce) {
        const { state } = run;
        const retryCounts = state.Retry.map(() => 0);
        let retryCount = 0;
        for (;;) {
            const context = this.context(run, retryCount);
            try {
                const states = { input: run.input, context };
                const result = await produce(states);
                const r = await this.outputAndAssign(run, state.Output, [state.Assign], result, { ...states, result }, {
                    output: 'Output',
                    assign: ['Assign'],
                });
                this.checkSize(r.output, run.name);
                return { ...r, next: state.End ? undefined : state.Next };
            }
            catch (thrown) {
                // Handler errors are StatesErrors by now (invoke converts them); anything else is a runner bug: no catching it.
                if (!(thrown instanceof StatesError))
                    throw thrown;
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
                const catcher = findCatcher(state.Catch, error.error);
                if (!catcher)
                    throw error;
                return this.caught(run, catcher, error, context);
            }
        }
    }
    async caught(run, catcher, error, context) {
        const errorOutput = { Error: error.error };
        if (error.cause !== undefined)
            errorOutput.Cause = error.cause;
        const index = run.state.Catch.indexOf(catcher);
        const r = await this.outputAndAssign(run, catcher.Output, [catcher.Assign], errorOutput, { input: run.input, context, errorOutput }, {
            output: `Catch/${index}/Output`,
            assign: [`Catch/${index}/Assign`],
        });
        this.checkSize(r.output, run.name);
        return { ...r, next: catcher.Next };
    }
    async task(run, states) {
        const { state, name } = { state: run.state, name: run.name };
        const args = state.Arguments === undefined
            ? run.input
            : await this.evaluate(state.Arguments, states, run, 'Arguments');
        this.checkSize(args, name);
        let timeoutSeconds;
        if (state.TimeoutSeconds !== undefined) {
            const t = await this.evaluate(state.TimeoutSeconds, states, run, 'TimeoutSeconds');
            if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 99999999)
                throw this.evaluationError(run, 'TimeoutSeconds', `The TimeoutSeconds field must be an integer from 1 to 99999999, got ${JSON.stringify(t)}`);
            timeoutSeconds = t;
        }
        return this.invoke(name, state.Resource, args, states.context, timeoutSeconds);
    }
    async parallel(run, states) {
        const args = run.state.Arguments === undefined
            ? run.input
            : await this.evaluate(run.state.Arguments, states, run, 'Arguments');
        this.log.emit('ParallelStateStarted', run.name);
        const results = [];
        try {
            // Branches run one after another: same results, and on a virtual clock their waits add up (see docs).
            for (const branch of run.state.Branches ?? [])
                results.push(await this.runMachine(branch, args, new Scope(run.scope)));
        }
        catch (error) {
            this.log.emit('ParallelStateFailed', run.name, failureDetails(error));
            throw error;
        }
        this.log.emit('ParallelStateSucceeded', run.name);
        this.checkSize(results, run.name);
        return results;
    }
    async map(run, states) {
        const { state } = run;
        const items = state.Items === undefined ? run.input : await this.evaluate(state.Items, states, run, 'Items');
        if (!Array.isArray(items))
            throw this.evaluationError(run, 'Items', `The Items field must be a JSON array, got ${JSON.stringify(items)?.slice(0, 100)}`);
        if (state.MaxConcurrency !== undefined) {
            const max = await this.evaluate(state.MaxConcurrency, states, run, 'MaxConcurrency');
            if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
                throw this.evaluationError(run, 'MaxConcurrency', `The MaxConcurrency field must be a non-negative integer, got ${JSON.stringify(max)}`);
        }
        this.log.emit('MapStateStarted', run.name, { length: items.length });
        const results = [];
        try {
            for (const [index, value] of items.entries()) {
                const itemContext = { ...states.context, Map: { Item: { Index: index, Value: value } } };
                const itemInput = state.ItemSelector === undefined
                    ? value
                    : await this.evaluate(state.ItemSelector, { input: run.input, context: itemContext }, run, 'ItemSelector');
                this.log.emit('MapIterationStarted', run.name, { name: run.name, index });
                try {
                    // Iterations run one after another whatever MaxConcurrency says (see docs).
                    results.push(await this.runMachine(state.ItemProcessor, itemInput, new Scope(run.scope)));
                }
                catch (error) {
                    this.log.emit('MapIterationFailed', run.name, { name: run.name, index });
                    throw error;
                }
                this.log.emit('MapIterationSucceeded', run.name, { name: run.name, index });
            }
        }
        catch (error) {
            this.log.emit('MapStateFailed', run.name, failureDetails(error));
            throw error;
        }
        this.log.emit('MapStateSucceeded', run.name);
        this.checkSize(results, run.name);
        return results;
    }
    async invoke(name, resource, args, context, timeoutSeconds) {
        const handler = this.options.resources[resource];
        if (!handler)
            throw new StatesError(ERR.Runtime, `The local runner has no handler for the resource '${resource}' (state '${name}'); add it to RunOptions.resources.`);
        const described = describeResource(resource);
        const scheduled = {
            ...described,
            region: 'local',
            parameters: JSON.stringify(args),
        };
        if (timeoutSeconds !== undefined)
            scheduled.timeoutInSeconds = timeoutSeconds;
        this.log.emit('TaskScheduled', name, scheduled);
        this.log.emit('TaskStarted', name, { ...described });
        const start = this.clock.now();
        const timedOut = () => new StatesError(ERR.Timeout, `The task in state '${name}' did not finish within its TimeoutSeconds (${timeoutSeconds}).`);
        const overdue = () => timeoutSeconds !== undefined && this.clock.now() - start > timeoutSeconds * 1000;
        let result;
        try {
            const call = handler({
                resource,
                arguments: structuredClone(args),
                stateName: name,
                context: structuredClone(context),
            });
            result = asJson(await this.withRealTimeout(call, timeoutSeconds, timedOut));
            if (overdue())
                throw timedOut();
            this.checkSize(result, resource);
        }
        catch (thrown) {
            const error = overdue() ? timedOut() : toStatesError(thrown);
            this.log.emit(error.error === ERR.Timeout ? 'TaskTimedOut' : 'TaskFailed', name, {
                ...described,
                error: error.error,
                cause: error.cause,
            });
            throw error;
        }
        this.log.emit('TaskSucceeded', name, { ...described, output: JSON.stringify(result) });
        return result;
    }
    /** A virtual clock checks elapsed virtual time after the call; only a real clock needs a racing timer. */
    async withRealTimeout(call, timeoutSeconds, timedOut) {
        if (timeoutSeconds === undefined || !(this.clock instanceof RealClock))
            return call;
        let timer;
        try {
            return await Promise.race([
                call,
                new Promise((_, reject) => {
                    timer = setTimeout(() => reject(timedOut()), timeoutSeconds * 1000);
                }),
            ]);
        }
        finally {
            clearTimeout(timer);
        }
    }
}
function failureDetails(error) {
    if (!(error instanceof StatesError))
        return {};
    return error.cause === undefined ? { error: error.error } : { error: error.error, cause: error.cause };
}
/**
 * Runs a JSONata state machine locally. Definition problems (invalid or unsupported ASL) throw
 * AslDefinitionError before anything runs; everything that happens during the run, including an
 * unknown Resource (States.Runtime), ends in a FAILED result rather than a throw.
 */
export async function runStateMachine(definition, input, options) {
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
    }
    catch (thrown) {
        if (!(thrown instanceof StatesError))
            throw thrown;
        const details = {};
        if (thrown.error !== '')
            details.error = thrown.error;
        if (thrown.cause !== undefined)
            details.cause = thrown.cause;
        log.emit(thrown.error === ERR.Timeout && /execution ran longer/.test(thrown.cause ?? '')
            ? 'ExecutionTimedOut'
            : 'ExecutionFailed', undefined, details);
        const result = {
            status: 'FAILED',
            stateTransitions: execution.transitions,
            events: log.events,
        };
        if (thrown.error !== '')
            result.error = thrown.error;
        if (thrown.cause !== undefined)
            result.cause = thrown.cause;
        return result;
    }
}
