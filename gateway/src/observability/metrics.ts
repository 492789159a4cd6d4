// Prometheus metrics (prom-client), one registry per gateway so several gateways can live in one process.
// Label values are ids and status codes only: never a raw path or a key, so cardinality stays bounded.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { LIMITED_PREFIX } from '../policies/rate-limit/index.js';
import type { CallRecord } from './call-record.js';
import { CallSeries } from './call-series.js';

// From 0.5 ms (a refused key) to 60 s (a long AI completion).
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // These defaults are gauges named like counters, which `promtool check metrics` rejects; the per-type
  // gauges nodejs_active_handles / _requests / _resources carry the same numbers.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ])
    registry.removeSingleMetric(name);
  // The series every call moves, counted without prom-client on the call's path (call-series.ts).
  const calls = new CallSeries(LATENCY_BUCKETS, registry);
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Calls refused by a rate limit or quota.',
    labelNames: ['api', 'reason'],
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'gateway_upstream_errors_total',
    help: 'Upstream faults by kind.',
    labelNames: ['api', 'kind'],
    registers: [registry],
  });
  const aiTokens = new Counter({
    name: 'gateway_ai_tokens_total',
    help: 'AI tokens by model and type (prompt, completion).',
    labelNames: ['model', 'type'],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'gateway_call_log_queue_depth',
    help: 'Call-log records waiting to be written.',
    registers: [registry],
  });
  const queueDropped = new Counter({
    name: 'gateway_call_log_dropped_total',
    help: 'Call-log records dropped because the queue was full.',
    registers: [registry],
  });
  const limitsStoreErrors = new Counter({
    name: 'gateway_limits_store_errors_total',
    help: 'Rate-limit store (Redis) failures.',
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'gateway_store_errors_total',
    help: 'Store failures by operation.',
    labelNames: ['op'],
    registers: [registry],
  });

  function recordCall(r: CallRecord): void {
    const api = r.apiId ?? 'none';
    const series = calls.of(r.tenantId ?? 'none', api);
    series.codes.set(r.status, (series.codes.get(r.status) ?? 0) + 1);
    const seconds = r.latencyMs / 1000;
    series.duration[calls.bucket(seconds)]! += 1;
    series.durationSum += seconds;
    if (r.upstreamLatencyMs !== null) {
      const upstream = r.upstreamLatencyMs / 1000;
      series.upstream[calls.bucket(upstream)]! += 1;
      series.upstreamSum += upstream;
      series.upstreamCount += 1;
    }
    series.bytesIn += r.bytesIn;
    series.bytesOut += r.bytesOut;
    if (r.errorKind?.startsWith('upstream_'))
      upstreamErrors.inc({ api, kind: r.errorKind.slice('upstream_'.length) });
    if (r.errorKind?.startsWith(LIMITED_PREFIX))
      limited.inc({ api, reason: r.errorKind.slice(LIMITED_PREFIX.length) });
    if (r.model) {
      if (r.promptTokens) aiTokens.inc({ model: r.model, type: 'prompt' }, r.promptTokens);
      if (r.completionTokens) aiTokens.inc({ model: r.model, type: 'completion' }, r.completionTokens);
    }
  }

  return { registry, recordCall, queueDepth, queueDropped, limitsStoreErrors, storeErrors, aiTokens };
}

export type Metrics = ReturnType<typeof createMetrics>;
