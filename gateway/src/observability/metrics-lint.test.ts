// The /metrics page passes `promtool check metrics` (Prometheus' own linter), after real traffic has filled
// every family the gateway exports.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Echo,
  metricsText,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

// Read as a Prometheus scraper does: with METRICS_TOKEN as its bearer token.
const METRICS_TOKEN = 'scraper-token-0123456789';
let echo: Echo;
let gw: TestGateway;
beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway({ METRICS_TOKEN });
});
afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

it('passes promtool check metrics', async () => {
  const s = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath: '/m',
    plan: { quota: { requestsPerDay: 1 } },
  });
  for (const key of [s.key, s.key, 'nope'])
    await (await fetch(`${gw.url}/m/x`, { headers: { 'x-api-key': key } })).arrayBuffer();
  // metricsText fails on any status but 200.
  const page = await metricsText(gw, METRICS_TOKEN);
  expect(page).toContain('gateway_requests_total{');
  expect(page).toContain('gateway_rate_limited_total{');
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8' });
  expect({ status: lint.status, stdout: lint.stdout, stderr: lint.stderr }).toEqual({
    status: 0,
    stdout: '',
    stderr: '',
  });
});
