// The store on both engines: migrations apply (and re-apply as a no-op), the config version moves, snapshots load.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../snapshot/snapshot.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { bumpConfigVersion, readConfigVersion } from './config-version.js';
import { openStore, type Store } from './db.js';
import { newId, nowIso } from './ids.js';
import { migrate } from './migrate.js';

describe.each(storeKinds)('store on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;

  afterEach(async () => {
    await store?.close();
    await database?.drop();
  });

  async function open(): Promise<Store> {
    database = await testDatabase(kind);
    store = openStore(database.url);
    await migrate(store.db as never);
    return store;
  }

  it('migrates twice without error and starts at config version 1', async () => {
    const { db } = await open();
    await migrate(db as never);
    expect(await readConfigVersion(db)).toBe(1);
    await db.transaction().execute((trx) => bumpConfigVersion(trx));
    expect(await readConfigVersion(db)).toBe(2);
  });

  it('refuses a second API on the same route and keeps call-log ids in insertion order', async () => {
    const { db } = await open();
    const tenant = { id: newId('tenant'), name: 't', created_at: nowIso() };
    await db.insertInto('tenants').values(tenant).execute();
    const api = (basePath: string) => ({
      id: newId('api'),
      tenant_id: tenant.id,
      name: 'a',
      route_key: `|${basePath}`,
      base_path: basePath,
      host: null,
      kind: 'rest',
      auth: 'key',
      visibility: 'public',
      approval: 'auto',
      status: 'published',
      targets: JSON.stringify([{ url: 'http://127.0.0.1:1', weight: 1 }]),
      timeout_ms: 1000,
      retries: 0,
      max_body_bytes: 5_000_000_000,
      settings: '{}',
      tags: '[]',
      created_at: nowIso(),
      updated_at: nowIso(),
    });
    await db.insertInto('apis').values(api('/a')).execute();
    await expect(db.insertInto('apis').values(api('/a')).execute()).rejects.toThrow();

    const snapshot = await loadSnapshot(db, 1);
    expect([...snapshot.apis.values()].map((a) => [a.basePath, a.maxBodyBytes])).toEqual([
      ['/a', 5_000_000_000],
    ]);

    const row = (n: number) => ({
      ts: Date.now() + n,
      request_id: `r${n}`,
      method: 'GET',
      path: '/a',
      status: 200,
      latency_ms: 1.5,
      bytes_in: 0,
      bytes_out: 10,
    });
    await db
      .insertInto('call_logs')
      .values([row(1), row(2), row(3)])
      .execute();
    const ids = await db
      .selectFrom('call_logs')
      .select(['id', 'request_id', 'latency_ms'])
      .orderBy('id')
      .execute();
    expect(ids.map((r) => r.request_id)).toEqual(['r1', 'r2', 'r3']);
    expect(ids[0]!.latency_ms).toBe(1.5);
    expect(typeof ids[0]!.id).toBe('number');
  });
});
