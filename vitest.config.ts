import { defineConfig } from 'vitest/config';
import { readTestEnv } from './scripts/provision/test-env.js';

export default defineConfig({
  test: {
    include: [
      '**/src/**/*.test.ts',
      'infra/**/*.test.ts',
      'scripts/**/*.test.ts',
      'loadtest/**/*.test.ts',
      'console/e2e/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn real servers and stores; two cores, so keep concurrency modest.
    maxWorkers: 3,
    // The TEST_* addresses `npm test`'s pretest checked (scripts/provision); exported ones win.
    env: readTestEnv(),
  },
});
