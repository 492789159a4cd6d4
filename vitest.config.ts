import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/src/**/*.test.ts', 'infra/**/*.test.ts', 'scripts/**/*.test.ts', 'loadtest/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn real servers and stores; two cores, so keep concurrency modest.
    maxWorkers: 3,
  },
});
