// Start-up applies the heap-growth setting unless the command line chose one. (Its effect on memory is a
// measurement, not a test: `npm run bench` reports RSS under load, docs/performance.md "Memory" has the A/B.)
import { expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, tuneHeapGrowth } from './heap-sizing.js';

it('leaves a heap-growing flag given on the command line alone, and applies its own otherwise', () => {
  expect(tuneHeapGrowth(['--heap-growing-percent=80'])).toBe(false);
  expect(tuneHeapGrowth(['--heap_growing_percent', '80'])).toBe(false);
  expect(tuneHeapGrowth(['--max-semi-space-size=4', '--heap-growing-percentage'])).toBe(true);
  expect(tuneHeapGrowth([])).toBe(true);
  expect(HEAP_GROWING_PERCENT).toBe(50);
});
