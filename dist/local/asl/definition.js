import { AslDefinitionError, ERR } from './errors.js';
import { checkExpression, expressionText } from './expressions.js';
/** Fields that exist only in JSONPath states (AWS: "invalid in JSONata states"). */
const JSONPATH_ONLY = new Set([
    'InputPath',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'ItemsPath',
    'ErrorPath',
    'CausePath',
    'SecondsPath',
    'TimestampPath',
    'TimeoutSecondsPath',
    'HeartbeatSecondsPath',
    'MaxConcurrencyPath',
    'ToleratedFailurePercentagePath',
    'ToleratedFailureCountPath',
    'Result',
    'Iterator',
    'Variable',
    'And',
    'Or',
    'Not',
]);
/** Valid ASL that this runner does not implement: refused loudly rather than ignored. */
const NOT_IMPLEMENTED = new Set([
    'HeartbeatSeconds',
    'Credentials',
    'ItemReader',
    'ResultWriter',
    'ItemBatcher',
    'ToleratedFailurePercentage',
    'ToleratedFailureCount',
    'Label',
]);
const COMMON = ['Type', 'Comment', 'QueryLanguage'];
/**
 * The fields the ASL specification lists for a retrier and a (JSONata) catcher; nothing else, not even
 * `Comment`, which the spec allows on states and the top level but not inside Retry or Catch entries.
 */
const RETRIER_FIELDS = [
    'ErrorEquals',
    'IntervalSeconds',
    'MaxAttempts',
    'BackoffRate',
    'MaxDelaySeconds',
    'JitterStrategy',
];
const CATCHER_FIELDS = ['ErrorEquals', 'Next', 'Output', 'Assign'];
const FLOW = ['Next', 'End'];
const ALLOWED = {
    Task: [...COMMON, ...FLOW, 'Resource', 'Arguments', 'Output', 'Assign', 'TimeoutSeconds', 'Retry', 'Catch'],
    Pass: [...COMMON, ...FLOW, 'Output', 'Assign'],
    Choice: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
    Wait: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Output', 'Assign'],
    Succeed: [...COMMON, 'Output'],
    Fail: [...COMMON, 'Error', 'Cause'],
    Parallel: [...COMMON, ...FLOW, 'Branches', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch'],
    Map: [
        ...COMMON,
        ...FLOW,
        'Items',
        'ItemSelector',
        'ItemProcessor',
        'MaxConcurrency',
        'Output',
        'Assign',
        'Retry',
        'Catch',
    ],
};
const RESULT_REF = /\$states\s*\.\s*result\b/;
const ERROR_OUTPUT_REF = /\$states\s*\.\s*errorOutput\b/;
const VARIABLE_NAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;
function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
/** Every variable name a machine's own states assign (not its branches/iterations). */
function assignedNames(states) {
    const names = new Set();
    const add = (assign) => {
        if (isObject(assign))
            for (const name of Object.keys(assign))
                names.add(name);
    };
    for (const state of Object.values(states)) {
        if (!isObject(state))
            continue;
        add(state.Assign);
        for (const list of [state.Choices, state.Catch]) {
            if (Array.isArray(list))
                for (const item of list)
                    if (isObject(item))
                        add(item.Assign);
        }
    }
    return names;
}
class Checker {
    stateNames;
    outerNames;
    ownNames;
    /**
     * @param stateNames the states of the machine (or branch, or item processor) being checked
     * @param outerNames variables assigned in enclosing scopes, which an inner scope may read but not assign
     */
    constructor(stateNames, outerNames = new Set(), ownNames = new Set()) {
        this.stateNames = stateNames;
        this.outerNames = outerNames;
        this.ownNames = ownNames;
    }
    fail(where, message) {
        throw new AslDefinitionError(`${where}: ${message}`);
    }
    /** Walks a JSONata-capable value: no `.$` keys, every `{% %}` parses, $states.result/errorOutput only where AWS allows. */
    template(value, where, allow) {
        const text = expressionText(value);
        if (text !== undefined) {
            checkExpression(text, where);
            if (!allow.result && RESULT_REF.test(text))
                this.fail(where, '$states.result is only available in the Output and Assign of a Task, Map or Parallel state');
            if (!allow.errorOutput && ERROR_OUTPUT_REF.test(text))
                this.fail(where, "$states.errorOutput is only available in a Catcher's Output and Assign");
            return;
        }
        if (Array.isArray(value)) {
            value.forEach((item, i) => {
                this.template(item, `${where}/${i}`, allow);
            });
        }
        else if (isObject(value)) {
            for (const [key, child] of Object.entries(value)) {
                if (key.endsWith('.$'))
                    this.fail(`${where}/${key}`, "keys ending in '.$' are JSONPath syntax; in JSONata write the value as '{% ... %}'");
                this.template(child, `${where}/${key}`, allow);
            }
        }
    }
    assign(value, where, allow) {
        if (value === undefined)
            return;
        if (!isObject(value))
            this.fail(where, 'Assign must be a JSON object of variable names to values');
        for (const name of Object.keys(value)) {
            if (name === 'states')
                this.fail(where, "'states' is a reserved variable name");
            if (this.outerNames.has(name))
                this.fail(where, `variable '${name}' exists in an outer scope: a Parallel branch or Map iteration may read it but not assign it`);
            if (name.length > 80)
                this.fail(where, `variable name '${name}' is longer than 80 characters`);
            if (!VARIABLE_NAME.test(name))
                this.fail(where, `'${name}' is not a valid variable name (a sub-path cannot be assigned; reassign the whole variable)`);
        }
        this.template(value, where, allow);
    }
    target(name, where) {
        if (typeof name !== 'string' || !this.stateNames.has(name))
            this.fail(where, `'${String(name)}' is not a state of this state machine`);
        return name;
    }
    errorEquals(list, where, isLast) {
        if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string'))
            this.fail(where, 'ErrorEquals must be a non-empty array of error names');
        if (list.includes(ERR.ALL) && (list.length > 1 || !isLast))
            this.fail(where, "'States.ALL' must appear alone in ErrorEquals and only in the last retrier or catcher");
        return list;
    }
    retrier(raw, where, isLast) {
        if (!isObject(raw))
            this.fail(where, 'a retrier must be an object');
        for (const key of Object.keys(raw))
            if (!RETRIER_FIELDS.includes(key))
                this.fail(where, `unknown retrier field '${key}' (a retrier has ${RETRIER_FIELDS.join(', ')})`);
        const intField = (key, min, max, fallback) => {
            const v = raw[key];
            if (v === undefined)
                return fallback;
            if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
                this.fail(where, `${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
            return v;
        };
        const backoff = raw.BackoffRate ?? 2.0;
        if (typeof backoff !== 'number' || backoff < 1)
            this.fail(where, `BackoffRate must be a number >= 1.0, got ${JSON.stringify(backoff)}`);
        const jitter = raw.JitterStrategy ?? 'NONE';
        if (jitter !== 'FULL' && jitter !== 'NONE')
            this.fail(where, `JitterStrategy must be FULL or NONE, got ${JSON.stringify(jitter)}`);
        const retrier = {
            ErrorEquals: this.errorEquals(raw.ErrorEquals, `${where}/ErrorEquals`, isLast),
            IntervalSeconds: intField('IntervalSeconds', 1, 99999999, 1),
            MaxAttempts: intField('MaxAttempts', 0, 99999999, 3),
            BackoffRate: backoff,
            JitterStrategy: jitter,
        };
        const maxDelay = intField('MaxDelaySeconds', 1, 31622400, undefined);
        if (maxDelay !== undefined)
            retrier.MaxDelaySeconds = maxDelay;
        return retrier;
    }
    catcher(raw, where, isLast) {
        if (!isObject(raw))
            this.fail(where, 'a catcher must be an object');
        for (const key of Object.keys(raw)) {
            if (JSONPATH_ONLY.has(key))
                this.fail(where, `'${key}' is a JSONPath-only field; a JSONata catcher has Output and Assign`);
            if (!CATCHER_FIELDS.includes(key))
                this.fail(where, `unknown catcher field '${key}' (a catcher has ${CATCHER_FIELDS.join(', ')})`);
        }
        this.template(raw.Output, `${where}/Output`, { errorOutput: true });
        this.assign(raw.Assign, `${where}/Assign`, { errorOutput: true });
        const catcher = {
            ErrorEquals: this.errorEquals(raw.ErrorEquals, `${where}/ErrorEquals`, isLast),
            Next: this.target(raw.Next, `${where}/Next`),
        };
        if ('Output' in raw)
            catcher.Output = raw.Output;
        if (raw.Assign !== undefined)
            catcher.Assign = raw.Assign;
        return catcher;
    }
    state(name, raw) {
        const where = `state '${name}'`;
        if (!isObject(raw))
            this.fail(where, 'must be an object');
        const type = raw.Type;
        if (typeof type !== 'string')
            this.fail(where, 'has no Type');
        const allowed = ALLOWED[type];
        if (!allowed)
            this.fail(where, `unknown state Type '${type}'`);
        if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== 'JSONata')
            this.fail(where, `QueryLanguage '${String(raw.QueryLanguage)}' is not supported by the local runner (JSONata only)`);
        for (const key of Object.keys(raw)) {
            if (allowed.includes(key))
                continue;
            if (JSONPATH_ONLY.has(key))
                this.fail(where, `'${key}' is a JSONPath-only field, not valid in a JSONata state`);
            if (NOT_IMPLEMENTED.has(key))
                this.fail(where, `field '${key}' is not supported by the local runner`);
            this.fail(where, `field '${key}' is not valid in a ${type} state`);
        }
        const isTaskLike = type === 'Task' || type === 'Parallel' || type === 'Map';
        this.template(raw.Output, `${where} Output`, { result: isTaskLike });
        this.assign(raw.Assign, `${where} Assign`, { result: isTaskLike });
        const state = { ...raw, Type: type, Retry: [], Catch: [] };
        const terminal = type === 'Succeed' || type === 'Fail' || type === 'Choice';
        if (!terminal) {
            if (raw.End === true) {
                if (raw.Next !== undefined)
                    this.fail(where, 'has both Next and End');
            }
            else {
                if (raw.End !== undefined)
                    this.fail(where, 'End must be true when present');
                state.Next = this.target(raw.Next, `${where} Next`);
            }
        }
        if (isTaskLike) {
            const retry = raw.Retry ?? [];
            const catches = raw.Catch ?? [];
            if (!Array.isArray(retry))
                this.fail(where, 'Retry must be an array');
            if (!Array.isArray(catches))
                this.fail(where, 'Catch must be an array');
            state.Retry = retry.map((r, i) => this.retrier(r, `${where} Retry/${i}`, i === retry.length - 1));
            state.Catch = catches.map((c, i) => this.catcher(c, `${where} Catch/${i}`, i === catches.length - 1));
        }
        const inner = new Set([...this.outerNames, ...this.ownNames]);
        if (type === 'Parallel') {
            if (!Array.isArray(raw.Branches) || raw.Branches.length === 0)
                this.fail(where, 'Branches must be a non-empty array');
            this.template(raw.Arguments, `${where} Arguments`, {});
            state.Branches = raw.Branches.map((branch, i) => checkMachine(branch, `${where} Branches/${i}`, inner));
        }
        if (type === 'Map') {
            if (!isObject(raw.ItemProcessor))
                this.fail(where, 'a Map state needs an ItemProcessor');
            const { ProcessorConfig, ...processor } = raw.ItemProcessor;
            if (ProcessorConfig !== undefined) {
                if (!isObject(ProcessorConfig))
                    this.fail(where, 'ProcessorConfig must be an object');
                if (ProcessorConfig.Mode !== undefined && ProcessorConfig.Mode !== 'INLINE')
                    this.fail(where, `Map ProcessorConfig.Mode '${String(ProcessorConfig.Mode)}' is not supported by the local runner (INLINE only)`);
                for (const key of Object.keys(ProcessorConfig))
                    if (key !== 'Mode')
                        this.fail(where, `Map ProcessorConfig.${key} is not supported by the local runner`);
            }
            state.ItemProcessor = checkMachine(processor, `${where} ItemProcessor`, inner);
            if (raw.Items !== undefined) {
                if (expressionText(raw.Items) === undefined && !Array.isArray(raw.Items))
                    this.fail(where, "Items must be a JSON array or a '{% %}' expression (the local runner does not iterate objects)");
                this.template(raw.Items, `${where} Items`, {});
            }
            this.template(raw.ItemSelector, `${where} ItemSelector`, {});
            this.numberOrExpression(raw.MaxConcurrency, `${where} MaxConcurrency`);
        }
        if (type === 'Task') {
            if (typeof raw.Resource !== 'string' || raw.Resource === '')
                this.fail(where, 'Resource must be a constant string');
            if (expressionText(raw.Resource) !== undefined)
                this.fail(where, 'Resource must be a constant, not a JSONata expression');
            this.template(raw.Arguments, `${where} Arguments`, {});
            this.numberOrExpression(raw.TimeoutSeconds, `${where} TimeoutSeconds`);
        }
        if (type === 'Choice') {
            if (!Array.isArray(raw.Choices) || raw.Choices.length === 0)
                this.fail(where, 'Choices must be a non-empty array');
            state.Choices = raw.Choices.map((rule, i) => this.choiceRule(rule, `${where} Choices/${i}`));
            if (raw.Default !== undefined)
                state.Default = this.target(raw.Default, `${where} Default`);
        }
        if (type === 'Wait') {
            const has = ['Seconds', 'Timestamp'].filter((k) => raw[k] !== undefined);
            if (has.length !== 1)
                this.fail(where, 'a Wait state needs exactly one of Seconds or Timestamp');
            this.numberOrExpression(raw.Seconds, `${where} Seconds`);
            if (raw.Timestamp !== undefined) {
                if (typeof raw.Timestamp !== 'string')
                    this.fail(where, 'Timestamp must be a string');
                this.template(raw.Timestamp, `${where} Timestamp`, {});
            }
        }
        if (type === 'Fail') {
            for (const key of ['Error', 'Cause']) {
                if (raw[key] !== undefined && typeof raw[key] !== 'string')
                    this.fail(where, `${key} must be a string`);
                this.template(raw[key], `${where} ${key}`, {});
            }
        }
        return state;
    }
    numberOrExpression(value, where) {
        if (value === undefined)
            return;
        if (typeof value === 'number') {
            if (!Number.isInteger(value) || value < 0)
                this.fail(where, `must be a non-negative integer, got ${value}`);
            return;
        }
        if (expressionText(value) === undefined)
            this.fail(where, `must be an integer or a '{% %}' expression, got ${JSON.stringify(value)}`);
        this.template(value, where, {});
    }
    choiceRule(raw, where) {
        if (!isObject(raw))
            this.fail(where, 'a Choice Rule must be an object');
        for (const key of Object.keys(raw)) {
            if (['Condition', 'Next', 'Output', 'Assign', 'Comment'].includes(key))
                continue;
            this.fail(where, JSONPATH_ONLY.has(key) ||
                /Equals|LessThan|GreaterThan|Matches|IsPresent|IsNull|IsString|IsNumeric|IsBoolean|IsTimestamp/.test(key)
                ? `'${key}' is JSONPath Choice syntax; a JSONata Choice Rule uses Condition`
                : `unknown Choice Rule field '${key}'`);
        }
        if (raw.Condition === undefined)
            this.fail(where, 'a JSONata Choice Rule needs a Condition');
        if (typeof raw.Condition !== 'boolean') {
            if (expressionText(raw.Condition) === undefined)
                this.fail(where, "Condition must be a '{% %}' expression or a boolean");
            this.template(raw.Condition, `${where}/Condition`, {});
        }
        this.template(raw.Output, `${where}/Output`, {});
        this.assign(raw.Assign, `${where}/Assign`, {});
        const rule = { Condition: raw.Condition, Next: this.target(raw.Next, `${where}/Next`) };
        if ('Output' in raw)
            rule.Output = raw.Output;
        if (raw.Assign !== undefined)
            rule.Assign = raw.Assign;
        return rule;
    }
}
/**
 * Parses and validates a JSONata state machine definition. Throws AslDefinitionError naming the state
 * and field for anything invalid in a JSONata machine or not implemented by the local runner.
 */
export function loadDefinition(definition) {
    let raw = definition;
    if (typeof definition === 'string') {
        try {
            raw = JSON.parse(definition);
        }
        catch (error) {
            throw new AslDefinitionError(`the definition is not valid JSON: ${error.message}`);
        }
    }
    if (!isObject(raw))
        throw new AslDefinitionError('the definition must be a JSON object');
    if (raw.QueryLanguage !== 'JSONata')
        throw new AslDefinitionError(`the local runner only runs JSONata state machines: set "QueryLanguage": "JSONata" at the top level (found ${JSON.stringify(raw.QueryLanguage)})`);
    for (const key of Object.keys(raw)) {
        if (!['StartAt', 'States', 'Comment', 'QueryLanguage', 'TimeoutSeconds', 'Version'].includes(key))
            throw new AslDefinitionError(`unknown top-level field '${key}'`);
    }
    return checkMachine(raw, 'the state machine', new Set(), true);
}
/** Checks a state machine, a Parallel branch or a Map ItemProcessor (StartAt + States). */
function checkMachine(raw, where, outerNames, topLevel = false) {
    if (!isObject(raw))
        throw new AslDefinitionError(`${where}: must be an object with StartAt and States`);
    if (!topLevel) {
        for (const key of Object.keys(raw)) {
            if (key === 'QueryLanguage' && raw.QueryLanguage !== 'JSONata')
                throw new AslDefinitionError(`${where}: QueryLanguage '${String(raw.QueryLanguage)}' is not supported by the local runner`);
            if (!['StartAt', 'States', 'Comment', 'QueryLanguage'].includes(key))
                throw new AslDefinitionError(`${where}: unknown field '${key}'`);
        }
    }
    if (!isObject(raw.States))
        throw new AslDefinitionError(`${where}: States must be an object`);
    const checker = new Checker(new Set(Object.keys(raw.States)), outerNames, assignedNames(raw.States));
    if (typeof raw.StartAt !== 'string' || !(raw.StartAt in raw.States))
        throw new AslDefinitionError(`${where}: StartAt '${String(raw.StartAt)}' is not a state of this state machine`);
    const states = {};
    for (const [name, state] of Object.entries(raw.States)) {
        if (name.length > 80)
            throw new AslDefinitionError(`state name '${name}' is longer than 80 characters`);
        states[name] = checker.state(name, state);
    }
    const machine = { StartAt: raw.StartAt, States: states };
    if (topLevel && raw.TimeoutSeconds !== undefined) {
        if (typeof raw.TimeoutSeconds !== 'number' ||
            !Number.isInteger(raw.TimeoutSeconds) ||
            raw.TimeoutSeconds < 1)
            throw new AslDefinitionError('top-level TimeoutSeconds must be a positive integer');
        machine.TimeoutSeconds = raw.TimeoutSeconds;
    }
    return machine;
}
