// PostgreSQL stopped and started mid-run: the data plane serves from its snapshot, call-log records wait in
// the queue and are all written when the store returns; /readyz says what is going on.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type Echo,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { type PrivatePostgres, startPrivatePostgres } from '../test-support/private-postgres.js';

let echo: Echo;
let pg: PrivatePostgres;
let gw: TestGateway;

beforeAll(async () => {
  echo = await startEcho();
  pg = await startPrivatePostgres();
  gw = await startTestGateway({ DATABASE_URL: pg.url, CONFIG_POLL_MS: 200, CALL_LOG_FLUSH_MS: 100 });
});
afterAll(async () => {
  await gw?.stop();
  await pg?.destroy();
  await echo?.close();
});

async function readyz() {
  const res = await fetch(`${gw.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: { store: boolean } } };
}

async function waitFor(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('keeps serving through a store outage and writes every queued record afterwards', async () => {
  const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] });
  const ids: string[] = [];
  const callOnce = async (i: number) => {
    const id = `outage-${i}`;
    const res = await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': s.key, 'x-request-id': id } });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    ids.push(id);
  };
  for (let i = 0; i < 5; i++) await callOnce(i);
  expect((await readyz()).status).toBe(200);

  await pg.stop();
  for (let i = 5; i < 25; i++) await callOnce(i);
  await waitFor(async () => (await readyz()).status === 503);
  expect((await readyz()).body.checks.store).toBe(false);
  expect(gw.callLog.depth).toBeGreaterThan(0);

  await pg.start();
  await waitFor(async () => (await readyz()).status === 200);
  await waitFor(async () => gw.callLog.depth === 0);
  const rows = await gw.store.db
    .selectFrom('call_logs')
    .select('client_request_id')
    .where('client_request_id', 'like', 'outage-%')
    .execute();
  expect(rows.map((r) => r.client_request_id).sort()).toEqual([...ids].sort());
});
