// Watches the gateway's memory through a long keyed run: RSS from /proc, V8 heap from its own /metrics.
import { setTimeout as sleep } from 'node:timers/promises';
import { rssBytes, sharedMemory } from './processes.js';
import type { MemoryResult } from './report.js';
import type { LoadResult } from './wrk.js';

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** `nodejs_heap_size_used_bytes` from a Prometheus text page (prom-client's default metrics), or null. */
export function heapUsedFromMetrics(text: string): number | null {
  const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

async function heapUsed(metricsUrl: string, token: string): Promise<number | null> {
  try {
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    return response.ok ? heapUsedFromMetrics(await response.text()) : null;
  } catch {
    return null;
  }
}

/**
 * RSS and heap before and after `runS` seconds of load. With `settleS`, the load starts that long
 * before the "before" reading: the first seconds at a new concurrency fill socket buffers and grow the
 * young generation, which is warm-up, not growth.
 */
export async function measureMemory(options: {
  pid: number;
  metricsUrl: string;
  /** /metrics needs a bearer token (METRICS_TOKEN or the admin token). */
  metricsToken: string;
  runS: number;
  settleS: number;
  boundMiB: number;
  sampleEveryMs: number;
  /** Starts the load for the given number of seconds. */
  run: (seconds: number) => Promise<LoadResult>;
}): Promise<MemoryResult> {
  const load = options.run(options.settleS + options.runS);
  await sleep(options.settleS * 1000);
  const heapBefore = await heapUsed(options.metricsUrl, options.metricsToken);
  const before = await rssBytes(options.pid);
  // Samples show the shape: a plateau is V8 sizing its heap, a steady climb is a leak.
  const samples: number[] = [];
  const timer = setInterval(() => {
    rssBytes(options.pid).then(
      (rss) => samples.push(mib(rss)),
      () => undefined,
    );
  }, options.sampleEveryMs);
  let result: LoadResult;
  try {
    result = await load;
  } finally {
    clearInterval(timer);
  }
  const after = await rssBytes(options.pid);
  const shared = await sharedMemory(options.pid);
  const heapAfter = await heapUsed(options.metricsUrl, options.metricsToken);
  return {
    runS: options.runS,
    requests: result.requests,
    rssBeforeMiB: mib(before),
    rssAfterMiB: mib(after),
    growthMiB: mib(after - before),
    boundMiB: options.boundMiB,
    rssSamplesMiB: samples,
    heapUsedBeforeMiB: heapBefore === null ? null : mib(heapBefore),
    heapUsedAfterMiB: heapAfter === null ? null : mib(heapAfter),
    rssFileAfterMiB: mib(shared.rssFile),
    pssAfterMiB: mib(shared.pss),
  };
}
