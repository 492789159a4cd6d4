// How far V8 lets the old generation grow between full collections. By default it allows up to 4× what survived
// the last one, so a gateway whose live heap is ~35 MiB swings to 120+ MiB of heap (and 240 MiB RSS) under load
// before it collects: memory held for garbage, per worker. 50 % lets it grow to 1.5× the live heap: full
// collections come more often but each marks the same ~35 MiB, and RSS under full load fell from ~240 to ~190
// MiB (with a 4 MiB semi-space as well, to ~155): docs/performance.md, "Memory", and decision 0029.
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;
const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Applies HEAP_GROWING_PERCENT unless the command line sets the flag itself (an operator's choice wins; V8 reads
 * it whenever it computes the next limit, so setting it at start-up takes effect from the first full GC on).
 * Returns whether it did.
 */
export function tuneHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => FLAG.test(arg))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
