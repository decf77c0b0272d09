/** The message store's shape and timings live in the contract module (contract/message-store.ts). */
export * from '../contract/message-store.js';
