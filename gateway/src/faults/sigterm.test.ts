// SIGTERM with calls in flight: they finish, every one of them is in the call log exactly once, exit code 0.

import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, AdminClient, type Echo, seedKeyedApi, startEcho } from '../test-support/harness.js';
import { spawnGateway } from '../test-support/process.js';
import { sqliteDatabase, type TestDatabase } from '../test-support/stores.js';

let echo: Echo;
let database: TestDatabase;
beforeAll(async () => {
  echo = await startEcho();
  database = sqliteDatabase();
});
afterAll(async () => {
  await echo?.close();
  await database?.drop();
});

it('drains in-flight calls and flushes their call-log records before exiting 0', async () => {
  const gw = await spawnGateway({
    ADMIN_TOKEN,
    DATABASE_URL: database.url,
    SHUTDOWN_GRACE_MS: '5000',
    CALL_LOG_FLUSH_MS: '60000',
  });
  const s = await seedKeyedApi(new AdminClient(gw.url, ADMIN_TOKEN), {
    targets: [{ url: echo.url }],
    timeoutMs: 5000,
  });
  const N = 20;
  const before = echo.seen.length;
  const calls = Array.from({ length: N }, (_, i) =>
    fetch(`${gw.url}/echo/delay/700`, { headers: { 'x-api-key': s.key, 'x-request-id': `drain-${i}` } }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status;
      },
    ),
  );
  // Signal once every call has reached the upstream, i.e. is truly in flight.
  while (echo.seen.length - before < N) await new Promise((r) => setTimeout(r, 10));
  const exit = gw.stop('SIGTERM');
  expect(await Promise.all(calls)).toEqual(Array(N).fill(200));
  expect(await exit).toBe(0);

  const db = new SqliteDatabase(database.url.slice('sqlite:'.length), { readonly: true });
  const rows = db
    .prepare("select client_request_id, status from call_logs where client_request_id like 'drain-%'")
    .all() as { client_request_id: string; status: number }[];
  db.close();
  expect(rows.length).toBe(N);
  expect(new Set(rows.map((r) => r.client_request_id)).size).toBe(N);
  expect(rows.every((r) => r.status === 200)).toBe(true);
});
