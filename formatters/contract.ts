/** The formatter's contract lives in the dependency-free contract module; this file keeps old imports working. */
export type * from '../contract/formatter.js';
