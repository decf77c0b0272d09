/** Entry bundled for the formatter child processes: the in-process formatter and the history generator. */
export { formatExecution } from '../formatters/formatter/format.js';
export { generatedHistory } from './histories.js';
