// One record per call, end to end: made by the data plane, written in batches, read back through the admin
// API under the visibility rules, and counted in /metrics under the names of API.md.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Echo,
  metricsText,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

let echo: Echo;
let gw: TestGateway;
let provider: Seeded;
let consumerToken: string;
let consumerAppId: string;
let strangerToken: string;

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway({ CALL_LOG_FLUSH_MS: 60_000 });
  provider = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath: '/logged',
    approval: 'auto',
  });
  // A second tenant consumes the provider's public API with an app of its own.
  const consumer = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'consumer' });
  consumerToken = (await gw.admin.ok('POST', `/admin/v1/tenants/${consumer.id}/tokens`, {})).token;
  const asConsumer = gw.admin.as(consumerToken);
  consumerAppId = (await asConsumer.ok('POST', '/admin/v1/apps', { name: 'consumer app' })).id;
  const key = (await asConsumer.ok('POST', `/admin/v1/apps/${consumerAppId}/keys`, {})).key;
  await asConsumer.ok('POST', '/admin/v1/subscriptions', {
    appId: consumerAppId,
    apiId: provider.apiId,
    planId: provider.planId,
  });
  const stranger = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'stranger' });
  strangerToken = (await gw.admin.ok('POST', `/admin/v1/tenants/${stranger.id}/tokens`, {})).token;

  const calls: [string, string][] = [
    [provider.key, '/logged/a'],
    [provider.key, '/logged/status/503'],
    [key, '/logged/b?q=1'],
    [key, '/logged/status/404'],
    ['gk_bad.key', '/logged/c'],
  ];
  for (const [k, path] of calls) {
    const res = await fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': k },
      body: 'hello',
    });
    await res.arrayBuffer();
  }
  await gw.callLog.flushOnce();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

it('writes one complete record per call', async () => {
  const { items } = await gw.admin.ok('GET', '/admin/v1/logs?limit=10');
  expect(items.map((i: { path: string; status: number }) => [i.path, i.status])).toEqual([
    ['/logged/c', 401],
    ['/logged/status/404', 404],
    ['/logged/b', 200],
    ['/logged/status/503', 503],
    ['/logged/a', 200],
  ]);
  const ok = items[4];
  expect(ok).toMatchObject({
    tenantId: provider.tenantId,
    apiId: provider.apiId,
    appId: provider.appId,
    appTenantId: provider.tenantId,
    subscriptionId: provider.subscriptionId,
    method: 'POST',
    bytesIn: 5,
    clientIp: '127.0.0.1',
    errorKind: null,
    model: null,
  });
  expect(ok.bytesOut).toBeGreaterThan(100);
  expect(ok.latencyMs).toBeGreaterThan(0);
  expect(ok.upstreamLatencyMs).toBeGreaterThan(0);
  expect(ok.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(items[0]).toMatchObject({
    apiId: provider.apiId,
    appId: null,
    errorKind: 'key_invalid',
    upstreamLatencyMs: null,
  });
});

it('shows a tenant the calls to its APIs and by its apps, and nothing else', async () => {
  const asProvider = await gw.admin.as(provider.tenantToken).ok('GET', '/admin/v1/logs');
  expect(asProvider.items.length).toBe(5);
  const asConsumer = await gw.admin.as(consumerToken).ok('GET', '/admin/v1/logs');
  expect(asConsumer.items.map((i: { path: string }) => i.path)).toEqual(['/logged/status/404', '/logged/b']);
  expect(asConsumer.items.every((i: { appId: string }) => i.appId === consumerAppId)).toBe(true);
  const asStranger = await gw.admin.as(strangerToken).ok('GET', '/admin/v1/logs');
  expect(asStranger).toEqual({ items: [], nextCursor: null });
});

it('filters by status class and pages with a cursor', async () => {
  const page1 = await gw.admin.ok('GET', '/admin/v1/logs?status=2xx&limit=1');
  expect(page1.items.map((i: { path: string }) => i.path)).toEqual(['/logged/b']);
  const page2 = await gw.admin.ok('GET', `/admin/v1/logs?status=2xx&limit=1&cursor=${page1.nextCursor}`);
  expect(page2.items.map((i: { path: string }) => i.path)).toEqual(['/logged/a']);
  expect(page2.nextCursor).toBeNull();
  const bad = await gw.admin.request('GET', '/admin/v1/logs?cursor=nonsense');
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('validation_failed');
  const unknown = await gw.admin.request('GET', '/admin/v1/logs?sort=asc');
  expect(unknown.status).toBe(400);
});

it('finds one call by its request id', async () => {
  const [newest] = (await gw.admin.ok('GET', '/admin/v1/logs?limit=1')).items;
  const found = await gw.admin.ok('GET', `/admin/v1/logs?requestId=${newest.requestId}`);
  expect(found).toEqual({ items: [newest], nextCursor: null });
  const none = await gw.admin.ok('GET', '/admin/v1/logs?requestId=no-such-request');
  expect(none).toEqual({ items: [], nextCursor: null });
});

it('aggregates the same calls as usage', async () => {
  const { items } = await gw.admin
    .as(provider.tenantToken)
    .ok('GET', '/admin/v1/usage?groupBy=app&interval=day');
  const byApp = Object.fromEntries(items.map((r: { key: string }) => [r.key ?? 'none', r]));
  expect(byApp[provider.appId]).toMatchObject({ calls: 2, errors4xx: 0, errors5xx: 1, bytesIn: 10 });
  expect(byApp[consumerAppId]).toMatchObject({ calls: 2, errors4xx: 1, errors5xx: 0 });
  expect(byApp.none).toMatchObject({ calls: 1, errors4xx: 1 });
});

it('exposes the metrics of API.md with bounded labels', async () => {
  const text = await metricsText(gw);
  const api = provider.apiId;
  const tenant = provider.tenantId;
  expect(text).toContain(`gateway_requests_total{tenant="${tenant}",api="${api}",code="200"} 2`);
  expect(text).toContain(`gateway_requests_total{tenant="${tenant}",api="${api}",code="401"} 1`);
  expect(text).toContain(
    `gateway_request_duration_seconds_bucket{le="0.0005",tenant="${tenant}",api="${api}"}`,
  );
  expect(text).toContain(`gateway_upstream_duration_seconds_count{api="${api}"} 4`);
  expect(text).toContain(`gateway_bytes_total{api="${api}",direction="in"} 25`);
  expect(text).toContain('gateway_call_log_queue_depth 0');
  expect(text).toContain('gateway_call_log_dropped_total 0');
  expect(text).toContain('process_cpu_user_seconds_total');
  // Never a raw path or a key in a label.
  expect(text).not.toContain('/logged');
  expect(text).not.toContain(provider.key.split('.')[1]!);
});
