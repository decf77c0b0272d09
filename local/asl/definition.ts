import { AslDefinitionError, ERR } from './errors.js';
import { checkExpression, expressionText } from './expressions.js';

/** A retrier with AWS's defaults filled in. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

export interface ChoiceRule {
  Condition: unknown;
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

export type QueryLanguage = 'JSONata' | 'JSONPath';

/** One state as written, after validation (Retry/Catch normalised). */
export interface StateDef {
  Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  /** The language the state runs in: its own QueryLanguage, else the state machine's (default JSONPath). */
  QueryLanguage: QueryLanguage;
  Next?: string;
  End?: boolean;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  Resource?: string;
  Arguments?: unknown;
  TimeoutSeconds?: unknown;
  /** Task: `{ RoleArn }`, the role the task runs with. */
  Credentials?: unknown;
  Retry: Retrier[];
  Catch: Catcher[];
  Choices?: ChoiceRule[];
  Default?: string;
  Seconds?: unknown;
  Timestamp?: unknown;
  Error?: unknown;
  Cause?: unknown;
  /** Parallel */
  Branches?: MachineDef[];
  /** Map (inline) */
  Items?: unknown;
  ItemSelector?: unknown;
  ItemProcessor?: MachineDef;
  MaxConcurrency?: unknown;
  ToleratedFailurePercentage?: unknown;
  ToleratedFailureCount?: unknown;
}

export interface MachineDef {
  StartAt: string;
  States: Record<string, StateDef>;
  /** Execution timeout. */
  TimeoutSeconds?: number;
}

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
const NOT_IMPLEMENTED = new Set(['HeartbeatSeconds', 'ItemReader', 'ResultWriter', 'ItemBatcher', 'Label']);

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
const ALLOWED: Record<string, string[]> = {
  Task: [
    ...COMMON,
    ...FLOW,
    'Resource',
    'Arguments',
    'Output',
    'Assign',
    'TimeoutSeconds',
    'Credentials',
    'Retry',
    'Catch',
  ],
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
    'ToleratedFailurePercentage',
    'ToleratedFailureCount',
    'Output',
    'Assign',
    'Retry',
    'Catch',
  ],
};

/**
 * The fields a JSONPath state may have for the runner to run it: the ones whose meaning does not depend on
 * the query language (no paths, no Parameters, no intrinsic functions). Such a state runs the same in both.
 */
const LANGUAGE_NEUTRAL: Record<string, string[]> = {
  Task: [...COMMON, ...FLOW, 'Resource', 'TimeoutSeconds', 'Credentials', 'Assign', 'Retry', 'Catch'],
  Pass: [...COMMON, ...FLOW, 'Assign'],
  Choice: [],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Assign'],
  Succeed: [...COMMON],
  Fail: [...COMMON, 'Error', 'Cause'],
  Parallel: [...COMMON, ...FLOW, 'Branches', 'Assign', 'Retry', 'Catch'],
  Map: [...COMMON, ...FLOW, 'ItemProcessor', 'MaxConcurrency', 'Assign', 'Retry', 'Catch'],
};
/** The optimized DynamoDB integration's actions; AWS rejects any other (recorded: `dynamodb:query`). */
const OPTIMIZED_DYNAMODB = ['getItem', 'putItem', 'updateItem', 'deleteItem'];

const JSONPATH_CATCHER_FIELDS = ['ErrorEquals', 'Next', 'Assign'];

function jsonPathFeature(where: string, what: string): AslDefinitionError {
  return new AslDefinitionError(
    `${where}: ${what} is a JSONPath feature the local runner does not implement ` +
      '(it runs a JSONPath state only when the state uses no JSONPath-only field; write the state in JSONata)'
  );
}

const RESULT_REF = /\$states\s*\.\s*result\b/;
const ERROR_OUTPUT_REF = /\$states\s*\.\s*errorOutput\b/;
const VARIABLE_NAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Checker {
  /**
   * @param stateNames the states of the machine (or branch, or item processor) being checked
   * @param language the state machine's top-level QueryLanguage, which a state without its own inherits
   */
  constructor(
    private readonly stateNames: Set<string>,
    private readonly language: QueryLanguage
  ) {}

  /** The language of the state being checked; JSONPath values are literals, never `{% %}` expressions. */
  private stateLanguage: QueryLanguage = 'JSONata';

  fail(where: string, message: string): never {
    throw new AslDefinitionError(`${where}: ${message}`);
  }

  /**
   * Walks a JSONata-capable value: every `{% %}` parses, $states.result/errorOutput only where AWS allows.
   * Object keys are never evaluated in JSONata, so a key ending in `.$` is a literal key (AWS runs it so).
   */
  template(value: unknown, where: string, allow: { result?: boolean; errorOutput?: boolean }): void {
    if (this.stateLanguage === 'JSONPath') {
      this.literal(value, where);
      return;
    }
    const text = expressionText(value);
    if (text !== undefined) {
      checkExpression(text, where);
      if (!allow.result && RESULT_REF.test(text))
        this.fail(
          where,
          '$states.result is only available in the Output and Assign of a Task, Map or Parallel state'
        );
      if (!allow.errorOutput && ERROR_OUTPUT_REF.test(text))
        this.fail(where, "$states.errorOutput is only available in a Catcher's Output and Assign");
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        this.template(item, `${where}/${i}`, allow);
      });
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) this.template(child, `${where}/${key}`, allow);
    }
  }

  /** A JSONPath value the runner takes as a literal: no `.$` key (a path) at any depth. */
  literal(value: unknown, where: string): void {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) this.literal(item, `${where}/${i}`);
    } else if (isObject(value))
      for (const [key, child] of Object.entries(value)) {
        if (key.endsWith('.$')) throw jsonPathFeature(`${where}/${key}`, `the path key '${key}'`);
        this.literal(child, `${where}/${key}`);
      }
  }

  assign(value: unknown, where: string, allow: { result?: boolean; errorOutput?: boolean }): void {
    if (value === undefined) return;
    if (!isObject(value)) this.fail(where, 'Assign must be a JSON object of variable names to values');
    if (this.stateLanguage === 'JSONPath') this.literal(value, where);
    for (const name of Object.keys(value)) {
      if (name === 'states') this.fail(where, "'states' is a reserved variable name");
      if (name.length > 80) this.fail(where, `variable name '${name}' is longer than 80 characters`);
      if (!VARIABLE_NAME.test(name))
        this.fail(
          where,
          `'${name}' is not a valid variable name (a sub-path cannot be assigned; reassign the whole variable)`
        );
    }
    this.template(value, where, allow);
  }

  target(name: unknown, where: string): string {
    if (typeof name !== 'string' || !this.stateNames.has(name))
      this.fail(where, `'${String(name)}' is not a state of this state machine`);
    return name;
  }

  errorEquals(list: unknown, where: string, isLast: boolean): string[] {
    if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string'))
      this.fail(where, 'ErrorEquals must be a non-empty array of error names');
    if (list.includes(ERR.ALL) && (list.length > 1 || !isLast))
      this.fail(
        where,
        "'States.ALL' must appear alone in ErrorEquals and only in the last retrier or catcher"
      );
    return list as string[];
  }

  retrier(raw: unknown, where: string, isLast: boolean): Retrier {
    if (!isObject(raw)) this.fail(where, 'a retrier must be an object');
    for (const key of Object.keys(raw))
      if (!RETRIER_FIELDS.includes(key))
        this.fail(where, `unknown retrier field '${key}' (a retrier has ${RETRIER_FIELDS.join(', ')})`);
    const intField = (
      key: string,
      min: number,
      max: number,
      fallback: number | undefined
    ): number | undefined => {
      const v = raw[key];
      if (v === undefined) return fallback;
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
    const retrier: Retrier = {
      ErrorEquals: this.errorEquals(raw.ErrorEquals, `${where}/ErrorEquals`, isLast),
      IntervalSeconds: intField('IntervalSeconds', 1, 99999999, 1) as number,
      MaxAttempts: intField('MaxAttempts', 0, 99999999, 3) as number,
      BackoffRate: backoff,
      JitterStrategy: jitter,
    };
    const maxDelay = intField('MaxDelaySeconds', 1, 31622400, undefined);
    if (maxDelay !== undefined) retrier.MaxDelaySeconds = maxDelay;
    return retrier;
  }

  catcher(raw: unknown, where: string, isLast: boolean): Catcher {
    if (!isObject(raw)) this.fail(where, 'a catcher must be an object');
    for (const key of Object.keys(raw)) {
      if (this.stateLanguage === 'JSONPath' && !JSONPATH_CATCHER_FIELDS.includes(key))
        throw jsonPathFeature(where, `the catcher field '${key}'`);
      if (JSONPATH_ONLY.has(key))
        this.fail(where, `'${key}' is a JSONPath-only field; a JSONata catcher has Output and Assign`);
      if (!CATCHER_FIELDS.includes(key))
        this.fail(where, `unknown catcher field '${key}' (a catcher has ${CATCHER_FIELDS.join(', ')})`);
    }
    this.template(raw.Output, `${where}/Output`, { errorOutput: true });
    this.assign(raw.Assign, `${where}/Assign`, { errorOutput: true });
    const catcher: Catcher = {
      ErrorEquals: this.errorEquals(raw.ErrorEquals, `${where}/ErrorEquals`, isLast),
      Next: this.target(raw.Next, `${where}/Next`),
    };
    if ('Output' in raw) catcher.Output = raw.Output;
    if (raw.Assign !== undefined) catcher.Assign = raw.Assign as Record<string, unknown>;
    return catcher;
  }

  state(name: string, raw: unknown): StateDef {
    const where = `state '${name}'`;
    if (!isObject(raw)) this.fail(where, 'must be an object');
    const type = raw.Type;
    if (typeof type !== 'string') this.fail(where, 'has no Type');
    const allowed = ALLOWED[type];
    if (!allowed) this.fail(where, `unknown state Type '${type}'`);
    if (
      raw.QueryLanguage !== undefined &&
      raw.QueryLanguage !== 'JSONata' &&
      raw.QueryLanguage !== 'JSONPath'
    )
      this.fail(where, `QueryLanguage must be JSONata or JSONPath, got ${JSON.stringify(raw.QueryLanguage)}`);
    this.stateLanguage = (raw.QueryLanguage as QueryLanguage | undefined) ?? this.language;
    if (this.stateLanguage === 'JSONPath') {
      if (type === 'Choice') throw jsonPathFeature(where, 'a JSONPath Choice state (JSONPath Choice rules)');
      const neutral = LANGUAGE_NEUTRAL[type] ?? [];
      for (const key of Object.keys(raw)) {
        if (neutral.includes(key)) continue;
        if (allowed.includes(key))
          this.fail(
            where,
            `'${key}' is a JSONata field, not valid in a JSONPath state (set "QueryLanguage": "JSONata" on the state or the state machine)`
          );
        throw jsonPathFeature(where, `the field '${key}' in a JSONPath ${type} state`);
      }
      for (const key of ['TimeoutSeconds', 'Seconds', 'MaxConcurrency'])
        if (raw[key] !== undefined && typeof raw[key] !== 'number')
          this.fail(where, `${key} must be a number in a JSONPath state`);
    }
    for (const key of Object.keys(raw)) {
      if (allowed.includes(key)) continue;
      if (JSONPATH_ONLY.has(key))
        this.fail(where, `'${key}' is a JSONPath-only field, not valid in a JSONata state`);
      if (NOT_IMPLEMENTED.has(key)) this.fail(where, `field '${key}' is not supported by the local runner`);
      this.fail(where, `field '${key}' is not valid in a ${type} state`);
    }

    const isTaskLike = type === 'Task' || type === 'Parallel' || type === 'Map';
    this.template(raw.Output, `${where} Output`, { result: isTaskLike });
    this.assign(raw.Assign, `${where} Assign`, { result: isTaskLike });

    const state: StateDef = {
      ...(raw as object),
      Type: type as StateDef['Type'],
      QueryLanguage: this.stateLanguage,
      Retry: [],
      Catch: [],
    };
    const terminal = type === 'Succeed' || type === 'Fail' || type === 'Choice';
    if (!terminal) {
      if (raw.End === true) {
        if (raw.Next !== undefined) this.fail(where, 'has both Next and End');
      } else {
        if (raw.End !== undefined) this.fail(where, 'End must be true when present');
        state.Next = this.target(raw.Next, `${where} Next`);
      }
    }

    if (isTaskLike) {
      const retry = raw.Retry ?? [];
      const catches = raw.Catch ?? [];
      if (!Array.isArray(retry)) this.fail(where, 'Retry must be an array');
      if (!Array.isArray(catches)) this.fail(where, 'Catch must be an array');
      state.Retry = retry.map((r, i) => this.retrier(r, `${where} Retry/${i}`, i === retry.length - 1));
      state.Catch = catches.map((c, i) => this.catcher(c, `${where} Catch/${i}`, i === catches.length - 1));
    }
    if (type === 'Parallel') {
      if (!Array.isArray(raw.Branches) || raw.Branches.length === 0)
        this.fail(where, 'Branches must be a non-empty array');
      this.template(raw.Arguments, `${where} Arguments`, {});
      state.Branches = raw.Branches.map((branch, i) =>
        checkMachine(branch, `${where} Branches/${i}`, this.language)
      );
    }
    if (type === 'Map') {
      if (!isObject(raw.ItemProcessor)) this.fail(where, 'a Map state needs an ItemProcessor');
      const { ProcessorConfig, ...processor } = raw.ItemProcessor;
      if (ProcessorConfig !== undefined) {
        if (!isObject(ProcessorConfig)) this.fail(where, 'ProcessorConfig must be an object');
        if (ProcessorConfig.Mode !== undefined && ProcessorConfig.Mode !== 'INLINE')
          this.fail(
            where,
            `Map ProcessorConfig.Mode '${String(ProcessorConfig.Mode)}' is not supported by the local runner (INLINE only)`
          );
        for (const key of Object.keys(ProcessorConfig))
          if (key !== 'Mode')
            this.fail(where, `Map ProcessorConfig.${key} is not supported by the local runner`);
      }
      state.ItemProcessor = checkMachine(processor, `${where} ItemProcessor`, this.language);
      if (raw.Items !== undefined) {
        if (expressionText(raw.Items) === undefined && !Array.isArray(raw.Items))
          this.fail(
            where,
            "Items must be a JSON array or a '{% %}' expression (the local runner does not iterate objects)"
          );
        this.template(raw.Items, `${where} Items`, {});
      }
      this.template(raw.ItemSelector, `${where} ItemSelector`, {});
      this.numberOrExpression(raw.MaxConcurrency, `${where} MaxConcurrency`);
      for (const key of ['ToleratedFailurePercentage', 'ToleratedFailureCount']) {
        const value = raw[key];
        if (value === undefined || typeof value === 'number') continue;
        if (expressionText(value) === undefined)
          this.fail(where, `${key} must be a number or a '{% %}' expression, got ${JSON.stringify(value)}`);
        this.template(value, `${where} ${key}`, {});
      }
    }

    if (type === 'Task') {
      if (typeof raw.Resource !== 'string' || raw.Resource === '')
        this.fail(where, 'Resource must be a constant string');
      if (expressionText(raw.Resource) !== undefined)
        this.fail(where, 'Resource must be a constant, not a JSONata expression');
      const dynamodb = /^arn:[^:]+:states:::dynamodb:(.+)$/.exec(raw.Resource);
      if (dynamodb && !OPTIMIZED_DYNAMODB.includes(dynamodb[1] as string))
        this.fail(
          where,
          `the resource ${raw.Resource} is not recognized (AWS refuses it at create time): the optimized DynamoDB integration has ${OPTIMIZED_DYNAMODB.join(', ')}; use arn:aws:states:::aws-sdk:dynamodb:${dynamodb[1]}`
        );
      this.template(raw.Arguments, `${where} Arguments`, {});
      this.numberOrExpression(raw.TimeoutSeconds, `${where} TimeoutSeconds`);
      if (raw.Credentials !== undefined) {
        const credentials = raw.Credentials;
        if (this.stateLanguage === 'JSONPath') this.literal(credentials, `${where} Credentials`);
        if (!isObject(credentials) || Object.keys(credentials).some((k) => k !== 'RoleArn'))
          this.fail(where, 'Credentials must be an object with only a RoleArn');
        if (credentials.RoleArn === undefined)
          this.fail(where, "the field 'RoleArn' is required in Credentials (the role the task runs with)");
        if (typeof credentials.RoleArn !== 'string') this.fail(where, 'Credentials RoleArn must be a string');
        this.template(credentials.RoleArn, `${where} Credentials/RoleArn`, {});
      }
    }
    if (type === 'Choice') {
      if (!Array.isArray(raw.Choices) || raw.Choices.length === 0)
        this.fail(where, 'Choices must be a non-empty array');
      state.Choices = raw.Choices.map((rule, i) => this.choiceRule(rule, `${where} Choices/${i}`));
      if (raw.Default !== undefined) state.Default = this.target(raw.Default, `${where} Default`);
    }
    if (type === 'Wait') {
      const has = ['Seconds', 'Timestamp'].filter((k) => raw[k] !== undefined);
      if (has.length !== 1) this.fail(where, 'a Wait state needs exactly one of Seconds or Timestamp');
      this.numberOrExpression(raw.Seconds, `${where} Seconds`);
      if (raw.Timestamp !== undefined) {
        if (typeof raw.Timestamp !== 'string') this.fail(where, 'Timestamp must be a string');
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

  numberOrExpression(value: unknown, where: string): void {
    if (value === undefined) return;
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0)
        this.fail(where, `must be a non-negative integer, got ${value}`);
      return;
    }
    if (expressionText(value) === undefined)
      this.fail(where, `must be an integer or a '{% %}' expression, got ${JSON.stringify(value)}`);
    this.template(value, where, {});
  }

  choiceRule(raw: unknown, where: string): ChoiceRule {
    if (!isObject(raw)) this.fail(where, 'a Choice Rule must be an object');
    for (const key of Object.keys(raw)) {
      if (['Condition', 'Next', 'Output', 'Assign', 'Comment'].includes(key)) continue;
      this.fail(
        where,
        JSONPATH_ONLY.has(key) ||
          /Equals|LessThan|GreaterThan|Matches|IsPresent|IsNull|IsString|IsNumeric|IsBoolean|IsTimestamp/.test(
            key
          )
          ? `'${key}' is JSONPath Choice syntax; a JSONata Choice Rule uses Condition`
          : `unknown Choice Rule field '${key}'`
      );
    }
    if (raw.Condition === undefined) this.fail(where, 'a JSONata Choice Rule needs a Condition');
    if (typeof raw.Condition !== 'boolean') {
      if (expressionText(raw.Condition) === undefined)
        this.fail(where, "Condition must be a '{% %}' expression or a boolean");
      this.template(raw.Condition, `${where}/Condition`, {});
    }
    this.template(raw.Output, `${where}/Output`, {});
    this.assign(raw.Assign, `${where}/Assign`, {});
    const rule: ChoiceRule = { Condition: raw.Condition, Next: this.target(raw.Next, `${where}/Next`) };
    if ('Output' in raw) rule.Output = raw.Output;
    if (raw.Assign !== undefined) rule.Assign = raw.Assign as Record<string, unknown>;
    return rule;
  }
}

/**
 * Definitions already checked, by their text. A local pipeline runs the same few definitions for every
 * notification, and checking one parses each of its JSONata expressions: remembering the result makes a run's
 * start cost nothing after the first. The runner only reads a MachineDef, so one can serve every execution.
 */
const checkedDefinitions = new Map<string, MachineDef>();
/** More distinct definitions than any local pipeline runs; past it the oldest is forgotten. */
const CHECKED_DEFINITIONS_KEPT = 64;

/**
 * Parses and validates a JSONata state machine definition. Throws AslDefinitionError naming the state
 * and field for anything invalid in a JSONata machine or not implemented by the local runner.
 */
export function loadDefinition(definition: string | object): MachineDef {
  if (typeof definition !== 'string') return checkDefinition(definition);
  const known = checkedDefinitions.get(definition);
  if (known) return known;
  const machine = deepFreeze(checkDefinition(definition));
  if (checkedDefinitions.size >= CHECKED_DEFINITIONS_KEPT) {
    checkedDefinitions.delete(checkedDefinitions.keys().next().value as string);
  }
  checkedDefinitions.set(definition, machine);
  return machine;
}

/** Shared by every execution of its text, so nothing may change it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function checkDefinition(definition: string | object): MachineDef {
  let raw: unknown = definition;
  if (typeof definition === 'string') {
    try {
      raw = JSON.parse(definition);
    } catch (error) {
      throw new AslDefinitionError(`the definition is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(raw)) throw new AslDefinitionError('the definition must be a JSON object');
  if (raw.QueryLanguage !== undefined && raw.QueryLanguage !== 'JSONata' && raw.QueryLanguage !== 'JSONPath')
    throw new AslDefinitionError(
      `the top-level QueryLanguage must be JSONata or JSONPath (the default), got ${JSON.stringify(raw.QueryLanguage)}`
    );
  for (const key of Object.keys(raw)) {
    if (!['StartAt', 'States', 'Comment', 'QueryLanguage', 'TimeoutSeconds', 'Version'].includes(key))
      throw new AslDefinitionError(`unknown top-level field '${key}'`);
  }
  return checkMachine(
    raw,
    'the state machine',
    (raw.QueryLanguage as QueryLanguage | undefined) ?? 'JSONPath',
    true
  );
}

/** Checks a state machine, a Parallel branch or a Map ItemProcessor (StartAt + States). */
function checkMachine(raw: unknown, where: string, language: QueryLanguage, topLevel = false): MachineDef {
  if (!isObject(raw)) throw new AslDefinitionError(`${where}: must be an object with StartAt and States`);
  if (!topLevel) {
    for (const key of Object.keys(raw)) {
      if (key === 'QueryLanguage' && raw.QueryLanguage !== language)
        throw new AslDefinitionError(
          `${where}: QueryLanguage '${String(raw.QueryLanguage)}' is not supported by the local runner`
        );
      if (!['StartAt', 'States', 'Comment', 'QueryLanguage'].includes(key))
        throw new AslDefinitionError(`${where}: unknown field '${key}'`);
    }
  }
  if (!isObject(raw.States)) throw new AslDefinitionError(`${where}: States must be an object`);
  const checker = new Checker(new Set(Object.keys(raw.States)), language);
  if (typeof raw.StartAt !== 'string' || !(raw.StartAt in raw.States))
    throw new AslDefinitionError(
      `${where}: StartAt '${String(raw.StartAt)}' is not a state of this state machine`
    );
  const states: Record<string, StateDef> = {};
  for (const [name, state] of Object.entries(raw.States)) {
    if (name.length > 80) throw new AslDefinitionError(`state name '${name}' is longer than 80 characters`);
    states[name] = checker.state(name, state);
  }
  const machine: MachineDef = { StartAt: raw.StartAt, States: states };
  if (topLevel && raw.TimeoutSeconds !== undefined) {
    if (
      typeof raw.TimeoutSeconds !== 'number' ||
      !Number.isInteger(raw.TimeoutSeconds) ||
      raw.TimeoutSeconds < 1
    )
      throw new AslDefinitionError('top-level TimeoutSeconds must be a positive integer');
    machine.TimeoutSeconds = raw.TimeoutSeconds;
  }
  return machine;
}
