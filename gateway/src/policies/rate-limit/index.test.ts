// Rate limits and quotas over real sockets: in-process counters, and Redis shared by two gateway processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayWindow } from '../../limits/windows.js';
import {
  ADMIN_TOKEN,
  AdminClient,
  type Echo,
  json,
  metricsText,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../test-support/harness.js';
import { type GatewayProcess, spawnGateway } from '../../test-support/process.js';
import { sharedRedisUrl } from '../../test-support/redis.js';
import { postgresDatabase, type TestDatabase } from '../../test-support/stores.js';

let echo: Echo;
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(async () => {
  await echo?.close();
});

describe('in-process limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('counts a daily quota exactly, with RateLimit headers, then 429 with Retry-After until midnight UTC', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/quota',
      plan: { quota: { requestsPerDay: 3 } },
    });
    for (const remaining of [2, 1, 0]) {
      const res = await fetch(`${gw.url}/quota`, { headers: { 'x-api-key': s.key } });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(remaining));
      const reset = Number(res.headers.get('ratelimit-reset'));
      const expected = dayWindow(Date.now()).secondsLeft;
      expect(reset >= expected - 1 && reset <= expected + 1).toBe(true);
      await res.arrayBuffer();
    }
    const refused = await fetch(`${gw.url}/quota`, { headers: { 'x-api-key': s.key } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Math.abs(retryAfter - dayWindow(Date.now()).secondsLeft)).toBeLessThanOrEqual(1);
    const body = await json(refused);
    expect(body.code).toBe('quota_exceeded');
    expect(body.detail).toBe('the daily request quota of this plan is used up; retry after the time given');
  });

  it('applies the rate limit (a burst, then 429 with Retry-After) before quotas', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/rate',
      plan: { rateLimit: { requestsPerSecond: 1, burst: 2 }, quota: { requestsPerDay: 100 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${gw.url}/rate`, { headers: { 'x-api-key': s.key } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect((await json(res)).code).toBe('rate_limited');
        const retry = Number(res.headers.get('retry-after'));
        expect(retry >= 1 && retry <= 2).toBe(true);
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('caps a consumer tenant across all its apps and subscriptions', async () => {
    const first = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/capped-a' });
    const patched = await gw.admin.ok('PATCH', `/admin/v1/tenants/${first.tenantId}`, {
      limits: { quota: { requestsPerDay: 3 } },
    });
    expect(patched.limits).toEqual({ quota: { requestsPerDay: 3 } });
    const bad = await gw.admin.request('PATCH', `/admin/v1/tenants/${first.tenantId}`, {
      limits: { quota: { perDay: 3 } },
    });
    expect(bad.status).toBe(400);
    const second = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/capped-b',
      tenantId: first.tenantId,
    });
    const statuses: number[] = [];
    for (const [key, path] of [
      [first.key, '/capped-a'],
      [second.key, '/capped-b'],
      [first.key, '/capped-a'],
      [second.key, '/capped-b'],
    ]) {
      const res = await fetch(`${gw.url}${path}`, { headers: { 'x-api-key': key! } });
      statuses.push(res.status);
      if (res.status === 429) {
        const body = await json(res);
        expect(body.code).toBe('quota_exceeded');
        expect(body.detail).toBe(
          'the daily request quota of your tenant across its apps is used up; retry after the time given',
        );
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('limits an anonymous API per client IP, which a client-sent X-Forwarded-For does not change', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/anon', auth: 'none' });
    const patched = await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, {
      settings: { anonymous: { rateLimit: { requestsPerSecond: 1, burst: 2 } } },
    });
    expect(patched.settings).toEqual({ anonymous: { rateLimit: { requestsPerSecond: 1, burst: 2 } } });
    const bad = await gw.admin.request('PATCH', `/admin/v1/apis/${s.apiId}`, {
      settings: { anonymous: { perIp: 1 } },
    });
    expect(bad.status).toBe(400);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${gw.url}/anon`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      statuses.push(res.status);
      if (i === 0) expect(res.headers.get('ratelimit-limit')).toBe('2');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('counts limited calls in gateway_rate_limited_total by reason', async () => {
    const text = await metricsText(gw);
    expect(text).toMatch(/gateway_rate_limited_total\{api="api_[^"]+",reason="quota_day"\} 1/);
    expect(text).toMatch(/gateway_rate_limited_total\{api="api_[^"]+",reason="rate"\} 2/);
    expect(text).toMatch(/gateway_rate_limited_total\{api="api_[^"]+",reason="tenant_quota_day"\} 1/);
  });
});

describe('limits shared through Redis by two gateway processes', () => {
  let database: TestDatabase;
  let a: GatewayProcess;
  let b: GatewayProcess;
  beforeAll(async () => {
    database = await postgresDatabase();
    const env = {
      ADMIN_TOKEN,
      DATABASE_URL: database.url,
      REDIS_URL: sharedRedisUrl,
      CONFIG_POLL_MS: '300',
    };
    a = await spawnGateway(env);
    b = await spawnGateway(env);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('admits exactly 100 of 300 concurrent calls against a quota of 100', async () => {
    const s = await seedKeyedApi(new AdminClient(a.url, ADMIN_TOKEN), {
      targets: [{ url: echo.url }],
      basePath: '/exact',
      plan: { quota: { requestsPerDay: 100 } },
    });
    await converged(a.url, b.url);
    const calls = Array.from({ length: 300 }, (_, i) =>
      fetch(`${(i % 2 ? a : b).url}/exact`, { headers: { 'x-api-key': s.key } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      }),
    );
    const statuses = await Promise.all(calls);
    expect(statuses.filter((x) => x === 200).length).toBe(100);
    expect(statuses.filter((x) => x === 429).length).toBe(200);
  });
});

/** Waits until replica `b` has loaded the config version `a` is at. */
async function converged(a: string, b: string): Promise<void> {
  const version = async (base: string) =>
    ((await (await fetch(`${base}/readyz`)).json()) as { configVersion: number }).configVersion;
  const target = await version(a);
  while ((await version(b)) < target) await new Promise((r) => setTimeout(r, 50));
}
