import base from './vitest.config.ts';
import { mergeConfig } from 'vitest/config';
export default mergeConfig(base, { test: { setupFiles: ['test/zz-prof-setup.ts'], maxWorkers: 1, minWorkers: 1 } });
