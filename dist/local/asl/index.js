/** Local Amazon States Language runner for JSONata state machines (see docs/local-runner.md). */
export { RealClock, VirtualClock } from './clock.js';
export { loadDefinition } from './definition.js';
export { AslDefinitionError, ERR, StatesError } from './errors.js';
export { errorMatches, retryDelayMs } from './retry.js';
export { runStateMachine, } from './runner.js';
export { substitute } from './substitute.js';
