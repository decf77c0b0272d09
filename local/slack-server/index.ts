export { blockKitLimits, validateBlocks } from './block-kit.js';
export type { RateLimit, TimeSource } from './rate-limiter.js';
export { RateLimiter } from './rate-limiter.js';
export type {
  ClickAnswer,
  ClickRequest,
  ConversationMessage,
  EphemeralMessage,
  Fault,
  LocalChannel,
  MessageVersion,
  ReceivedMessage,
  RequestRecord,
  SlackServer,
  SlackServerOptions,
} from './server.js';
export { startSlackServer } from './server.js';
