// Redis stopped and restarted mid-run: `open` keeps serving without limits, `closed` refuses with 503,
// both count the fault and recover by themselves when Redis is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  json,
  metricsText,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { type RedisServer, startRedis } from '../test-support/redis.js';

let echo: Echo;
let redis: RedisServer;
beforeAll(async () => {
  echo = await startEcho();
  redis = await startRedis();
});
afterAll(async () => {
  await echo?.close();
  await redis?.stop();
});

async function call(gw: TestGateway, s: Seeded) {
  const res = await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': s.key } });
  const body =
    res.headers.get('content-type') === 'application/problem+json'
      ? await json(res)
      : await res.arrayBuffer();
  return { status: res.status, remaining: res.headers.get('ratelimit-remaining'), body };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function storeErrors(gw: TestGateway): Promise<number> {
  const text = await metricsText(gw);
  return Number(/^gateway_limits_store_errors_total (\d+)/m.exec(text)?.[1] ?? 0);
}

describe.each(['open', 'closed'] as const)('LIMITS_ON_STORE_ERROR=%s', (mode) => {
  let gw: TestGateway;
  let s: Seeded;
  beforeAll(async () => {
    gw = await startTestGateway({ REDIS_URL: redis.url, LIMITS_ON_STORE_ERROR: mode });
    s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      plan: { quota: { requestsPerDay: 1000 } },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await redis?.start();
  });

  it('survives Redis going away and recovers when it returns', async () => {
    const first = await call(gw, s);
    expect(first.status).toBe(200);
    expect(first.remaining).toBe('999');

    await redis.stop();
    const during = await call(gw, s);
    if (mode === 'open') {
      expect(during.status).toBe(200);
      expect(during.remaining).toBeNull();
    } else {
      expect(during.status).toBe(503);
      expect(during.body).toMatchObject({ code: 'limits_unavailable', status: 503 });
    }
    expect(await storeErrors(gw)).toBeGreaterThan(0);

    await redis.start();
    // Redis restarted empty (no persistence here), so counting starts over.
    const after = await until(
      () => call(gw, s),
      (r) => r.status === 200 && r.remaining !== null,
    );
    expect(after.status).toBe(200);
    expect(after.remaining).toBe('999');
  });
});
