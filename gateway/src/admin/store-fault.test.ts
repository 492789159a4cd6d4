// The admin API with its store gone: PostgreSQL stopped under a running gateway. Token checks keep working
// (they read the snapshot), reads and writes answer 503 problem+json, nothing half-written survives, and
// the API recovers by itself when the store is back.
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
    expect(await tenant.client.ok('GET', `${V1}/apps`)).toEqual({ items: [] });
    expect((await tenant.client.request('POST', `${V1}/apps`, { name: 'kept' })).status).toBe(201);
  });
});
