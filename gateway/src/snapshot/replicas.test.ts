// Two gateway processes on one PostgreSQL: a change made through one is enforced by the other within seconds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, AdminClient, type Echo, seedKeyedApi, startEcho } from '../test-support/harness.js';
import { type GatewayProcess, spawnGateway } from '../test-support/process.js';
import { postgresDatabase, type TestDatabase } from '../test-support/stores.js';

let database: TestDatabase;
let echo: Echo;
let a: GatewayProcess;
let b: GatewayProcess;

beforeAll(async () => {
  database = await postgresDatabase();
  echo = await startEcho();
  const env = { ADMIN_TOKEN, DATABASE_URL: database.url, CONFIG_POLL_MS: '500' };
  a = await spawnGateway(env);
  b = await spawnGateway(env);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await echo?.close();
  await database?.drop();
});

async function statusUntil(url: string, key: string, wanted: number, deadlineMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(url, { headers: { 'x-api-key': key } });
    await res.arrayBuffer();
    if (res.status === wanted) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`still ${res.status} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a key revoked through one replica is refused by the other within 3 s', async () => {
  const seeded = await seedKeyedApi(new AdminClient(a.url, ADMIN_TOKEN), { targets: [{ url: echo.url }] });
  // The other replica learns of the new API and key by polling the config version.
  await statusUntil(`${b.url}/echo`, seeded.key, 200, 3000);

  const revoke = await new AdminClient(a.url, ADMIN_TOKEN).request(
    'DELETE',
    `/admin/v1/apps/${seeded.appId}/keys/${seeded.keyId}`,
  );
  expect(revoke.status).toBe(204);
  // The replica that took the write enforces it at once.
  const local = await fetch(`${a.url}/echo`, { headers: { 'x-api-key': seeded.key } });
  expect(local.status).toBe(401);
  const elapsed = await statusUntil(`${b.url}/echo`, seeded.key, 401, 3000);
  expect(elapsed).toBeLessThan(3000);
});
