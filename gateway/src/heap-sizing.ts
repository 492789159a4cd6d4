// How far V8 lets the old generation grow between full collections. By default it allows up to 4× what survived
// the last one, so a gateway whose live heap is ~35 MiB swings to 120+ MiB of heap (and 240 MiB RSS) under load
// before it collects: memory held for garbage, per worker. HEAP_GROWING_PERCENT=50 lets it grow to 1.5× the
// live heap: full collections come more often, RSS under full load fell from ~240 to ~190 MiB, and the tail
// latency under full load rose: docs/performance.md, "Memory", and decision 0029.
import v8 from 'node:v8';

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Applies the environment's HEAP_GROWING_PERCENT (0: leave V8's own) unless the command line sets the flag
 * itself (that wins; V8 reads it whenever it computes the next limit, so setting it at start-up takes effect
 * from the first full GC on). Returns whether it did. Not a default: on the idle bench of 2026-12-01 the keyed
 * p99 under full load was 28–33 ms with 50 against 15–21 ms without (docs/performance.md, "Memory").
 */
export function tuneHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): boolean {
  if (percent === 0 || execArgv.some((arg) => FLAG.test(arg))) return false;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return true;
}
