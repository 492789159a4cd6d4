// Watches the gateway's memory through a long keyed run: RSS from /proc, V8 heap from its own /metrics.
import { rssBytes } from './processes.js';
import type { MemoryResult } from './report.js';
import type { LoadResult } from './wrk.js';

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** `nodejs_heap_size_used_bytes` from a Prometheus text page (prom-client's default metrics), or null. */
export function heapUsedFromMetrics(text: string): number | null {
  const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

async function heapUsed(metricsUrl: string): Promise<number | null> {
  try {
    const response = await fetch(metricsUrl);
    return response.ok ? heapUsedFromMetrics(await response.text()) : null;
  } catch {
    return null;
  }
}

export async function measureMemory(options: {
  pid: number;
  metricsUrl: string;
  runS: number;
  boundMiB: number;
  sampleEveryMs: number;
  run: () => Promise<LoadResult>;
}): Promise<MemoryResult> {
  const heapBefore = await heapUsed(options.metricsUrl);
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
    result = await options.run();
  } finally {
    clearInterval(timer);
  }
  const after = await rssBytes(options.pid);
  const heapAfter = await heapUsed(options.metricsUrl);
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
  };
}
