/** Central environments' sources live in the contract module (contract/sources.ts). */
export * from '../contract/sources.js';
