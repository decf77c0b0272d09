/** Local Amazon States Language runner for JSONata state machines (see docs/local-runner.md). */
export { type Clock, RealClock, VirtualClock } from './clock.js';
export { loadDefinition, type MachineDef } from './definition.js';
export { AslDefinitionError, ERR, StatesError } from './errors.js';
export type { HistoryEvent } from './events.js';
export { errorMatches, retryDelayMs } from './retry.js';
export { type ExecutionResult, type ResourceHandler, type RetryNotice, type RunOptions, runStateMachine, type TaskInvocation, } from './runner.js';
export { substitute } from './substitute.js';
