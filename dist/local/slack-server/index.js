export { blockKitLimits, validateBlocks } from './block-kit.js';
export { RateLimiter } from './rate-limiter.js';
export { startSlackServer } from './server.js';
