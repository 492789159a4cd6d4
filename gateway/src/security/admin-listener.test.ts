// ADMIN_PORT: the admin API, console, portal and /metrics answer only on their own listener; the data-plane
// port answers 404 for them (health checks answer on both), and neither port can be an upstream target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type Echo,
  json,
  metricsText,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

let echo: Echo;
let gw: TestGateway;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway({ ADMIN_PORT: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

describe('admin listener', () => {
  it('serves the admin API, console, portal and /metrics on ADMIN_PORT only', async () => {
    expect(gw.adminUrl).not.toBe(gw.url);
    for (const path of ['/admin/v1/apis', '/metrics', '/console/', '/portal/', '/admin']) {
      const res = await fetch(`${gw.url}${path}`, { headers: auth });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        404,
        'application/problem+json',
      ]);
      const body = await json(res);
      expect([path, body.code, body.detail]).toEqual([path, 'route_not_found', 'no route on this listener']);
    }
    expect((await fetch(`${gw.adminUrl}/admin/v1/apis`, { headers: auth })).status).toBe(200);
    expect(await metricsText(gw)).toContain('gateway_requests_total');
    for (const base of [gw.url, gw.adminUrl])
      for (const path of ['/healthz', '/readyz'])
        expect([base, path, (await fetch(`${base}${path}`)).status]).toEqual([base, path, 200]);
  });

  it('serves the data plane on PORT only', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/split' });
    const data = await fetch(`${gw.url}/split/x`, { headers: { 'x-api-key': s.key } });
    expect(data.status).toBe(200);
    const admin = await fetch(`${gw.adminUrl}/split/x`, { headers: { 'x-api-key': s.key } });
    expect(admin.status).toBe(404);
    expect((await json(admin)).detail).toBe('no route on this listener');
  });

  it('refuses either port as an upstream target (the admin port above all)', async () => {
    const tenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'loops' });
    for (const url of [gw.url, gw.adminUrl]) {
      const res = await gw.admin.request('POST', '/admin/v1/apis', {
        tenantId: tenant.id,
        name: 'loop',
        basePath: `/loop-${new URL(url).port}`,
        targets: [{ url, weight: 1 }],
      });
      expect([url, res.status, res.body.errors?.[0]?.field]).toEqual([url, 400, 'targets.0.url']);
    }
  });
});
