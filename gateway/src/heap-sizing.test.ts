// Start-up applies HEAP_GROWING_PERCENT when set, unless the command line chose a value. (Its effect on memory
// and latency is a measurement, not a test: `npm run bench` reports both, docs/performance.md "Memory".)
import { expect, it } from 'vitest';
import { loadEnv } from './config/env.js';
import { tuneHeapGrowth } from './heap-sizing.js';

it("keeps V8's own heap growth by default and applies the environment's value otherwise", () => {
  expect(loadEnv({ ADMIN_TOKEN: 'a-long-enough-admin-token-0123' }).HEAP_GROWING_PERCENT).toBe(0);
  expect(tuneHeapGrowth(0, [])).toBe(false);
  expect(tuneHeapGrowth(50, ['--heap-growing-percent=80'])).toBe(false);
  expect(tuneHeapGrowth(50, ['--heap_growing_percent', '80'])).toBe(false);
  expect(tuneHeapGrowth(50, ['--max-semi-space-size=4'])).toBe(true);
  expect(() =>
    loadEnv({ ADMIN_TOKEN: 'a-long-enough-admin-token-0123', HEAP_GROWING_PERCENT: '-5' }),
  ).toThrow(/HEAP_GROWING_PERCENT/);
});
