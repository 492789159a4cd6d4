import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { CallSeries } from './call-series.js';

it('exports counts and cumulative le buckets as prom-client would, upstream and bytes per API', async () => {
  const registry = new Registry();
  const calls = new CallSeries([0.001, 0.01], registry);
  // Upstream seconds are powers of two, so their sum prints exactly.
  const record = (
    tenant: string,
    code: number,
    seconds: number,
    upstream: number | null,
    bytesOut: number,
  ) => {
    const s = calls.of(tenant, 'api_1');
    s.codes.set(code, (s.codes.get(code) ?? 0) + 1);
    s.duration[calls.bucket(seconds)]! += 1;
    s.durationSum += seconds;
    if (upstream !== null) {
      s.upstream[calls.bucket(upstream)]! += 1;
      s.upstreamSum += upstream;
      s.upstreamCount += 1;
    }
    s.bytesOut += bytesOut;
  };
  record('t1', 200, 0.001, 0.00048828125, 10); // exactly on a bound: counted in it (le)
  record('t1', 200, 0.005, 0.00390625, 5);
  record('t1', 401, 0.5, null, 0);
  record('t2', 200, 0.002, 0.0009765625, 1);
  const text = await registry.metrics();
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  expect(lines).toEqual([
    'gateway_requests_total{tenant="t1",api="api_1",code="200"} 2',
    'gateway_requests_total{tenant="t1",api="api_1",code="401"} 1',
    'gateway_requests_total{tenant="t2",api="api_1",code="200"} 1',
    'gateway_request_duration_seconds_bucket{le="0.001",tenant="t1",api="api_1"} 1',
    'gateway_request_duration_seconds_bucket{le="0.01",tenant="t1",api="api_1"} 2',
    'gateway_request_duration_seconds_bucket{le="+Inf",tenant="t1",api="api_1"} 3',
    'gateway_request_duration_seconds_sum{tenant="t1",api="api_1"} 0.506',
    'gateway_request_duration_seconds_count{tenant="t1",api="api_1"} 3',
    'gateway_request_duration_seconds_bucket{le="0.001",tenant="t2",api="api_1"} 0',
    'gateway_request_duration_seconds_bucket{le="0.01",tenant="t2",api="api_1"} 1',
    'gateway_request_duration_seconds_bucket{le="+Inf",tenant="t2",api="api_1"} 1',
    'gateway_request_duration_seconds_sum{tenant="t2",api="api_1"} 0.002',
    'gateway_request_duration_seconds_count{tenant="t2",api="api_1"} 1',
    'gateway_upstream_duration_seconds_bucket{le="0.001",api="api_1"} 2',
    'gateway_upstream_duration_seconds_bucket{le="0.01",api="api_1"} 3',
    'gateway_upstream_duration_seconds_bucket{le="+Inf",api="api_1"} 3',
    'gateway_upstream_duration_seconds_sum{api="api_1"} 0.00537109375',
    'gateway_upstream_duration_seconds_count{api="api_1"} 3',
    'gateway_bytes_total{api="api_1",direction="out"} 16',
  ]);
  expect(text).toContain('# TYPE gateway_request_duration_seconds histogram');
  expect(text).toContain('# TYPE gateway_requests_total counter');
});
