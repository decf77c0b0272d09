/** The actions' shape lives in the contract module (contract/actions.ts). */
export * from '../contract/actions.js';
