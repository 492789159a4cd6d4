// Usage is counted once per window whatever the limit is: a changed plan applies to the usage so far, and a
// refused call is never charged. In-process and over Redis shared by two gateway processes, on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  AdminClient,
  type Echo,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { type GatewayProcess, spawnGateway } from '../test-support/process.js';
import { sharedRedisUrl } from '../test-support/redis.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';

let echo: Echo;
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(() => echo?.close());

async function statuses(urls: string[], path: string, key: string): Promise<number[]> {
  const out: number[] = [];
  for (const url of urls) {
    const res = await fetch(`${url}${path}`, { headers: { 'x-api-key': key } });
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

async function concurrent(urls: string[], n: number, path: string, key: string) {
  const all = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${urls[i % urls.length]}${path}`, { headers: { 'x-api-key': key } }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      }),
    ),
  );
  const other = all.filter((s) => s !== 200 && s !== 429);
  return {
    ok: all.filter((s) => s === 200).length,
    refused: all.filter((s) => s === 429).length,
    ...(other.length ? { other } : {}),
  };
}

describe.each(storeKinds)('in-process limits across plan changes on %s', (kind) => {
  let db: TestDatabase;
  let gw: TestGateway;
  beforeAll(async () => {
    db = await testDatabase(kind);
    gw = await startTestGateway({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  const seed = (basePath: string, plan: Record<string, unknown>) =>
    seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath, plan });
  const repeat = (n: number) => Array.from({ length: n }, () => gw.url);

  it('a raised daily quota admits exactly the difference; a lowered one refuses at once', async () => {
    const s: Seeded = await seed('/q', { quota: { requestsPerDay: 2 } });
    expect(await statuses(repeat(5), '/q', s.key)).toEqual([200, 200, 429, 429, 429]);
    await gw.admin.ok('PATCH', `/admin/v1/plans/${s.planId}`, { quota: { requestsPerDay: 3 } });
    expect(await statuses(repeat(3), '/q', s.key)).toEqual([200, 429, 429]);
    await gw.admin.ok('PATCH', `/admin/v1/plans/${s.planId}`, { quota: { requestsPerDay: 1 } });
    expect(await statuses(repeat(1), '/q', s.key)).toEqual([429]);
  });

  it('a raised burst keeps the rate window’s usage', async () => {
    // 2 calls per 200 s: the window cannot end during the test.
    const s = await seed('/r', { rateLimit: { requestsPerSecond: 0.01, burst: 2 } });
    expect(await statuses(repeat(3), '/r', s.key)).toEqual([200, 200, 429]);
    await gw.admin.ok('PATCH', `/admin/v1/plans/${s.planId}`, {
      rateLimit: { requestsPerSecond: 0.01, burst: 3 },
    });
    expect(await statuses(repeat(2), '/r', s.key)).toEqual([200, 429]);
  });
});

describe.each(storeKinds)('limits in Redis shared by two processes on %s', (kind) => {
  let db: TestDatabase;
  let a: GatewayProcess;
  let b: GatewayProcess;
  beforeAll(async () => {
    db = await testDatabase(kind);
    const env = { ADMIN_TOKEN, DATABASE_URL: db.url, REDIS_URL: sharedRedisUrl, CONFIG_POLL_MS: '200' };
    a = await spawnGateway(env);
    b = await spawnGateway(env);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  it('admits exactly 100 of 300 concurrent calls, and exactly 50 more once the quota is 150', async () => {
    const admin = new AdminClient(a.url, ADMIN_TOKEN);
    const s = await seedKeyedApi(admin, {
      targets: [{ url: echo.url }],
      basePath: '/exact',
      plan: { quota: { requestsPerDay: 100 } },
    });
    await converged(a.url, b.url);
    expect(await concurrent([a.url, b.url], 300, '/exact', s.key)).toEqual({ ok: 100, refused: 200 });
    await admin.ok('PATCH', `/admin/v1/plans/${s.planId}`, { quota: { requestsPerDay: 150 } });
    await converged(a.url, b.url);
    expect(await concurrent([a.url, b.url], 300, '/exact', s.key)).toEqual({ ok: 50, refused: 250 });
  });
});

/** Waits until replica `b` has loaded the config version `a` is at. */
async function converged(a: string, b: string): Promise<void> {
  const version = async (base: string) =>
    ((await (await fetch(`${base}/readyz`)).json()) as { configVersion: number }).configVersion;
  const target = await version(a);
  while ((await version(b)) < target) await new Promise((r) => setTimeout(r, 50));
}
