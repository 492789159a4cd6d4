// The admin API with its store gone: PostgreSQL stopped under a running gateway. Token checks keep working
// (they read the snapshot), reads and writes answer 503 problem+json, nothing half-written survives, and
// the API recovers by itself when the store is back.
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  storeState,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { type PrivatePostgres, startPrivatePostgres } from '../test-support/private-postgres.js';

describe('admin API when PostgreSQL goes away', () => {
  let pg: PrivatePostgres;
  let gw: TestGateway;
  let tenant: TenantHandle;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    gw = await startTestGateway({ DATABASE_URL: pg.url, CONFIG_POLL_MS: 60_000 });
    tenant = await tenantWithToken(gw.admin, 'fault');
  });
  afterAll(async () => {
    await gw?.stop();
    await pg?.destroy();
  });

  it('answers 503 while the store is down, and recovers when it is back', async () => {
    const before = await storeState(gw.store);
    await pg.stop();
    try {
      const read = await tenant.client.request('GET', `${V1}/apps`);
      expectProblem(read, 503, 'store_unavailable', 'the configuration store is unavailable');
      const write = await tenant.client.request('POST', `${V1}/apps`, { name: 'lost' });
      expectProblem(write, 503, 'store_unavailable', 'the configuration store is unavailable');
      // Authentication never needed the store: a wrong token is still a 401, not a 503.
      expect((await tenant.client.request('GET', `${V1}/apps`, undefined, 'wrong')).status).toBe(401);
    } finally {
      await pg.start();
    }
    expect(await storeState(gw.store)).toEqual(before);
    expect(await tenant.client.ok('GET', `${V1}/apps`)).toEqual({ items: [], nextCursor: null });
    expect((await tenant.client.request('POST', `${V1}/apps`, { name: 'kept' })).status).toBe(201);
  });
});

describe('admin API on an unexpected store error', () => {
  it('answers a bare 500 problem and keeps the details in the log', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const gw = await startTestGateway({}, { logger: pino({ level: 'error' }, sink) });
    try {
      // A schema the code does not expect: the apps table is gone (renamed away) under a running gateway.
      await sql`alter table apps rename to apps_elsewhere`.execute(gw.store.db);
      const reply = await gw.admin.request('GET', `${V1}/apps`);
      expectProblem(reply, 500, 'internal', 'Internal error');
      expect(JSON.stringify(reply.body)).not.toMatch(/apps|sqlite|at /i);
      const logged = lines.find((l) => l.msg === 'admin request failed');
      expect(logged).toMatchObject({
        method: 'GET',
        path: `${V1}/apps`,
        err: { message: expect.stringContaining('no such table: apps') },
      });
      expect((logged!.err as { stack?: string }).stack).toMatch(/SqliteError/);
    } finally {
      await gw.stop();
    }
  });
});
