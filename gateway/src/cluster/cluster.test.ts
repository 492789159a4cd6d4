// WORKERS=2 without Redis, as operators run it (a real primary forking real workers on one port): limits stay
// exact across workers, SIGTERM loses no call and no record, a killed worker is replaced and counted, and /metrics
// is one view of every worker.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  AdminClient,
  type Echo,
  metricsText,
  seedKeyedApi,
  startEcho,
} from '../test-support/harness.js';
import { type GatewayProcess, spawnGateway } from '../test-support/process.js';
import { sqliteDatabase, type TestDatabase } from '../test-support/stores.js';

let echo: Echo;
const databases: TestDatabase[] = [];
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(async () => {
  await echo?.close();
  for (const d of databases) await d.drop();
});

// Three processes start per test (a primary and two workers, each loading the gateway): slow on a busy machine.
const slow = { timeout: 120_000 };

async function twoWorkers(env: Record<string, string> = {}) {
  const database = sqliteDatabase();
  databases.push(database);
  const gw = await spawnGateway({ ADMIN_TOKEN, DATABASE_URL: database.url, WORKERS: '2', ...env });
  return { gw, file: database.url.slice('sqlite:'.length) };
}

const workerPids = (gw: GatewayProcess) =>
  gw.logs.filter((l) => l.msg === 'worker listening').map((l) => l.pid as number);

/** Established connections to the gateway's port that each worker holds, read from /proc. */
function connectionsPerWorker(gw: GatewayProcess, pids: number[]): number[] {
  const port = Number(new URL(gw.url).port).toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${port}`) && f[3] === '01')
      .map((f) => f[9]),
  );
  return pids.map(
    (pid) =>
      readdirSync(`/proc/${pid}/fd`).filter((fd) => {
        const target = (() => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })();
        return inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1]);
      }).length,
  );
}

const call = (url: string, key: string, requestId?: string) =>
  fetch(url, { headers: { 'x-api-key': key, ...(requestId ? { 'x-request-id': requestId } : {}) } }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
  );

it(
  'admits exactly the quota across two workers: 300 concurrent calls on 100 a day → 100 × 200',
  slow,
  async () => {
    const { gw } = await twoWorkers();
    try {
      // Seeded through one worker; the write answers once the other serves it too, so no call below meets a 404.
      const s = await seedKeyedApi(new AdminClient(gw.url, ADMIN_TOKEN), {
        targets: [{ url: echo.url }],
        plan: { quota: { requestsPerDay: 100 } },
      });
      const statuses = await Promise.all(Array.from({ length: 300 }, () => call(`${gw.url}/echo/q`, s.key)));
      expect(statuses.filter((c) => c === 200).length).toBe(100);
      expect(statuses.filter((c) => c === 429).length).toBe(200);
      // Both workers served: the per-worker series summed by the primary are the same 300 calls.
      const text = await metricsText(gw);
      expect(text).toContain(
        `gateway_requests_total{tenant="${s.tenantId}",api="${s.apiId}",code="200"} 100`,
      );
      expect(text).toContain(
        `gateway_requests_total{tenant="${s.tenantId}",api="${s.apiId}",code="429"} 200`,
      );
      expect(text).toMatch(/^gateway_workers 2$/m);
    } finally {
      await gw.stop();
    }
  },
);

it(
  'drains 20 in-flight calls spread over both workers on SIGTERM: 20 × 200, 20 records, exit 0',
  slow,
  async () => {
    const { gw, file } = await twoWorkers({ SHUTDOWN_GRACE_MS: '5000', CALL_LOG_FLUSH_MS: '60000' });
    const s = await seedKeyedApi(new AdminClient(gw.url, ADMIN_TOKEN), {
      targets: [{ url: echo.url }],
      timeoutMs: 5000,
    });
    const N = 20;
    const before = echo.seen.length;
    const calls = Array.from({ length: N }, (_, i) => call(`${gw.url}/echo/delay/700`, s.key, `wdrain-${i}`));
    while (echo.seen.length - before < N) await new Promise((r) => setTimeout(r, 10));
    // Every worker holds some of the calls' connections (the seeding's idle keep-alive one may be there too).
    const held = connectionsPerWorker(gw, workerPids(gw));
    expect(held).toHaveLength(2);
    expect(held.every((n) => n > 0)).toBe(true);
    expect(held[0]! + held[1]!).toBeGreaterThanOrEqual(N);

    const exit = gw.stop('SIGTERM');
    expect(await Promise.all(calls)).toEqual(Array(N).fill(200));
    expect(await exit).toBe(0);
    const db = new SqliteDatabase(file, { readonly: true });
    const rows = db
      .prepare("select client_request_id, status from call_logs where client_request_id like 'wdrain-%'")
      .all() as { client_request_id: string; status: number }[];
    db.close();
    expect(rows.length).toBe(N);
    expect(new Set(rows.map((r) => r.client_request_id)).size).toBe(N);
    expect(rows.every((r) => r.status === 200)).toBe(true);
  },
);

it('replaces a killed worker and counts it; /metrics stays behind its token', slow, async () => {
  const { gw } = await twoWorkers();
  try {
    const [victim, survivor] = workerPids(gw) as [number, number];
    process.kill(victim, 'SIGKILL');
    while (workerPids(gw).length < 3) await new Promise((r) => setTimeout(r, 20));
    const replacement = workerPids(gw)[2]!;
    expect([victim, survivor]).not.toContain(replacement);
    expect(gw.logs.filter((l) => l.msg === 'worker died; starting a new one').map((l) => l.pid)).toEqual([
      victim,
    ]);

    const text = await metricsText(gw);
    expect(text).toMatch(/^gateway_worker_restarts_total 1$/m);
    expect(text).toMatch(/^gateway_workers 2$/m);
    const anonymous = await fetch(`${gw.url}/metrics`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();

    // The new worker serves calls too: new connections reach both.
    const s = await seedKeyedApi(new AdminClient(gw.url, ADMIN_TOKEN), { targets: [{ url: echo.url }] });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => call(`${gw.url}/echo/r`, s.key)));
    expect(statuses).toEqual(Array(20).fill(200));
  } finally {
    expect(await gw.stop()).toBe(0);
  }
});

/** One request on a connection of its own: the primary hands each new connection to the next worker in turn. */
function fresh(url: string, method: string, headers: Record<string, string>, body?: unknown) {
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, {
      method,
      agent: false,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

it('counts failed sign-ins and bad admin tokens once across both workers', slow, async () => {
  const { gw } = await twoWorkers();
  try {
    // Ten tries per account and address, spread over both workers: a per-worker count would allow about twenty.
    const signIn = (i: number) =>
      fresh(
        `${gw.url}/admin/v1/session`,
        'POST',
        {},
        { email: 'guesser@example.test', password: `guess ${i} guess` },
      );
    for (let i = 0; i < 10; i++) expect((await signIn(i)).status).toBe(401);
    const blocked = await signIn(10);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);

    // Twenty bad admin tokens a minute per address, the same way.
    const badToken = () =>
      fresh(`${gw.url}/admin/v1/tenants`, 'GET', { authorization: 'Bearer not-the-token' });
    for (let i = 0; i < 20; i++) expect((await badToken()).status).toBe(401);
    expect((await badToken()).status).toBe(429);
  } finally {
    expect(await gw.stop()).toBe(0);
  }
});
