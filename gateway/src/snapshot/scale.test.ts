// The data plane under configuration change at size: admin writes issued together share snapshot rebuilds
// (counted through gateway_snapshot_rebuilds_total), and a full rebuild of a large generated snapshot neither
// drops a call in flight nor keeps /healthz from answering while it runs.
import { createServer, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../security/secrets.js';
import { newId, nowIso } from '../store/ids.js';
import {
  type Echo,
  listen,
  metricsText,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { sqliteDatabase, type TestDatabase } from '../test-support/stores.js';

async function rebuilds(gw: TestGateway): Promise<number> {
  const text = await metricsText(gw);
  let total = 0;
  for (const m of text.matchAll(/^gateway_snapshot_rebuilds_total\{mode="(\w+)"\} (\d+)$/gm))
    total += Number(m[2]);
  return total;
}

/** Generated consumers straight into the store (one transaction): `n` apps, each with a key and a subscription. */
function seedConsumers(gw: TestGateway, s: Seeded, n: number): void {
  const db = gw.store.sqlite!;
  const now = nowIso();
  const app = db.prepare('insert into apps (id, tenant_id, name, created_at) values (?, ?, ?, ?)');
  const key = db.prepare(
    'insert into api_keys (id, app_id, name, prefix, hash, expires_at, revoked_at, created_at) values (?, ?, null, ?, ?, null, null, ?)',
  );
  const sub = db.prepare(
    "insert into subscriptions (id, app_id, api_id, plan_id, status, reason, comment, created_at, updated_at) values (?, ?, ?, ?, 'approved', null, null, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const appId = newId('app');
      app.run(appId, s.tenantId, `generated ${i}`, now);
      key.run(
        newId('key'),
        appId,
        `gk_gen${i.toString(16).padStart(8, '0')}`,
        hashSecret(`secret-${i}`),
        now,
      );
      sub.run(newId('subscription'), appId, s.apiId, s.planId, now, now);
    }
    db.prepare('update config_version set version = version + 1 where id = 1').run();
  })();
}

describe('configuration at scale', () => {
  let database: TestDatabase;
  let echo: Echo;
  let gw: TestGateway;
  let seeded: Seeded;
  const held: ServerResponse[] = [];
  const slow = createServer((_req, res) => held.push(res));
  let slowApi: Seeded;

  beforeAll(async () => {
    database = sqliteDatabase();
    echo = await startEcho();
    const slowUrl = await listen(slow);
    gw = await startTestGateway({ DATABASE_URL: database.url, CONFIG_POLL_MS: 60_000 });
    seeded = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/scale',
      approval: 'auto',
    });
    slowApi = await seedKeyedApi(gw.admin, {
      targets: [{ url: slowUrl }],
      basePath: '/slow',
      approval: 'auto',
    });
  });

  afterAll(async () => {
    for (const res of held) res.end();
    slow.close();
    await gw?.stop();
    await echo?.close();
    await database?.drop();
  });

  it('N admin writes issued together cause far fewer than N rebuilds, and each is served on its 2xx', async () => {
    const n = 40;
    const before = await rebuilds(gw);
    // Issued together, deterministically: a transaction holds the store until every write has queued behind it
    // (transaction() calls counted on the real Kysely instance, nothing replaced).
    const db = gw.store.db;
    const transaction = db.transaction.bind(db);
    let started = 0;
    db.transaction = () => {
      started++;
      return transaction();
    };
    let release!: () => void;
    const barrier = transaction().execute(() => new Promise<void>((resolve) => (release = resolve)));
    const calls = Array.from({ length: n }, async (_, i) => {
      const created = await gw.admin.ok('POST', `/admin/v1/apps/${seeded.appId}/keys`, {
        name: `burst ${i}`,
      });
      const res = await fetch(`${gw.url}/scale/x`, { headers: { 'x-api-key': created.key } });
      await res.arrayBuffer();
      return res.status;
    });
    while (started < n) await new Promise((r) => setTimeout(r, 5));
    release();
    await barrier;
    const statuses = await Promise.all(calls);
    db.transaction = transaction;
    expect(statuses).toEqual(Array(n).fill(200));
    const count = (await rebuilds(gw)) - before;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(n / 4);
  });

  it('keeps a call in flight and /healthz answering across a full rebuild of a large snapshot', {
    timeout: 120_000,
  }, async () => {
    seedConsumers(gw, seeded, 20_000);
    const call = fetch(`${gw.url}/slow/held`, { headers: { 'x-api-key': slowApi.key } });
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));

    let rebuilt = false;
    const rebuild = gw.snapshot.refresh(true).then(() => {
      rebuilt = true;
    });
    const health = await fetch(`${gw.url}/healthz`);
    // Answered while the rebuild was still running: the build yields between pages of rows.
    expect([health.status, rebuilt]).toEqual([200, false]);
    await rebuild;
    expect(gw.snapshot.current.keysByPrefix.size).toBeGreaterThanOrEqual(20_000);

    held[0]!.writeHead(200, { 'content-type': 'text/plain' }).end('held and done');
    const res = await call;
    expect([res.status, await res.text()]).toEqual([200, 'held and done']);
    // A generated consumer is served from the rebuilt snapshot.
    const generated = await fetch(`${gw.url}/scale/x`, {
      headers: { 'x-api-key': 'gk_gen00000007.secret-7' },
    });
    expect(generated.status).toBe(200);
  });
});
