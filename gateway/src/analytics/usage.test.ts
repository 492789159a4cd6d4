// Usage and log queries give the same, exact answers on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { decodeCursor } from './keyset.js';
import { listCallLogs } from './logs.js';
import { percentile, usage } from './usage.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

function row(n: number, over: Record<string, unknown>) {
  return {
    ts: T0 + n * 1000,
    request_id: `r${n}`,
    tenant_id: 'ten_p',
    api_id: 'api_a',
    app_id: 'app_x',
    app_tenant_id: 'ten_c',
    subscription_id: 'sub_1',
    method: 'GET',
    path: '/a',
    status: 200,
    latency_ms: n,
    upstream_latency_ms: null,
    bytes_in: 10,
    bytes_out: 100,
    client_ip: '127.0.0.1',
    error_kind: null,
    model: null,
    prompt_tokens: null,
    completion_tokens: null,
    cost_usd: null,
    ...over,
  };
}

// 20 calls in the first minute to api_a (latencies 1..20), 2 of them 4xx and 1 5xx; 3 AI calls to api_b
// in the next hour; one call of another tenant that no one else may see.
const rows = [
  ...Array.from({ length: 20 }, (_, i) =>
    row(i + 1, { status: i === 0 || i === 1 ? 404 : i === 2 ? 502 : 200 }),
  ),
  ...[1, 2, 3].map((i) =>
    row(3600 + i, {
      api_id: 'api_b',
      model: 'gpt-mock',
      prompt_tokens: 10 * i,
      completion_tokens: i,
      cost_usd: 0.001 * i,
      latency_ms: 100 * i,
    }),
  ),
  row(50, { tenant_id: 'ten_other', app_tenant_id: 'ten_other', api_id: 'api_z', app_id: 'app_z' }),
];

describe.each(storeKinds)('analytics on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await testDatabase(kind);
    store = openStore(database.url);
    await migrate(store.db as never);
    await store.db.insertInto('call_logs').values(rows).execute();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('groups by API per hour with errors apart, p95 by nearest rank, tokens and cost', async () => {
    const result = await usage(
      store.db,
      { kind: 'tenant', tenantId: 'ten_p' },
      { groupBy: 'api', interval: 'hour', from: T0, to: T0 + 86_400_000 },
    );
    expect(result).toEqual([
      {
        bucket: '2026-11-26T10:00:00.000Z',
        key: 'api_a',
        calls: 20,
        errors4xx: 2,
        errors5xx: 1,
        p95LatencyMs: 19,
        bytesIn: 200,
        bytesOut: 2000,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
      },
      {
        bucket: '2026-11-26T11:00:00.000Z',
        key: 'api_b',
        calls: 3,
        errors4xx: 0,
        errors5xx: 0,
        p95LatencyMs: 300,
        bytesIn: 30,
        bytesOut: 300,
        promptTokens: 60,
        completionTokens: 6,
        costUsd: 0.006,
      },
    ]);
  });

  it('groups by tenant per day; the platform sees every tenant, the consumer tenant sees its apps', async () => {
    const all = await usage(
      store.db,
      { kind: 'platform' },
      { groupBy: 'tenant', interval: 'day', from: T0, to: T0 + 86_400_000 },
    );
    expect(all.map((r) => [r.bucket, r.key, r.calls])).toEqual([
      ['2026-11-26T00:00:00.000Z', 'ten_other', 1],
      ['2026-11-26T00:00:00.000Z', 'ten_p', 23],
    ]);
    const consumer = await usage(
      store.db,
      { kind: 'tenant', tenantId: 'ten_c' },
      { groupBy: 'app', interval: 'minute', from: T0, to: T0 + 60_000 },
    );
    expect(consumer.map((r) => [r.bucket, r.key, r.calls, r.p95LatencyMs])).toEqual([
      ['2026-11-26T10:00:00.000Z', 'app_x', 20, 19],
    ]);
  });

  it('groups by nothing: one row per bucket, p95 over every call in it', async () => {
    const totals = await usage(
      store.db,
      { kind: 'tenant', tenantId: 'ten_p' },
      { groupBy: 'none', interval: 'day', from: T0, to: T0 + 86_400_000 },
    );
    expect(totals.map((r) => [r.bucket, r.key, r.calls, r.errors4xx, r.errors5xx, r.p95LatencyMs])).toEqual([
      ['2026-11-26T00:00:00.000Z', null, 23, 2, 1, 200],
    ]);
  });

  it('lists logs newest first with filters and a cursor, within what the viewer may see', async () => {
    const viewer = { kind: 'tenant', tenantId: 'ten_p' } as const;
    const first = await listCallLogs(store.db, viewer, { status: '4xx', limit: 1 }, null);
    expect(first.items.map((i) => [i.requestId, i.status])).toEqual([['r2', 404]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listCallLogs(
      store.db,
      viewer,
      { status: '4xx', limit: 1 },
      decodeCursor(first.nextCursor!),
    );
    expect(second.items.map((i) => i.requestId)).toEqual(['r1']);
    expect(second.nextCursor).toBeNull();
    const other = await listCallLogs(
      store.db,
      { kind: 'tenant', tenantId: 'ten_other' },
      { limit: 100 },
      null,
    );
    expect(other.items.map((i) => i.requestId)).toEqual(['r50']);
    const ai = await listCallLogs(
      store.db,
      viewer,
      { apiId: 'api_b', limit: 100, from: T0 + 3_602_000 },
      null,
    );
    expect(ai.items.map((i) => [i.requestId, i.model, i.promptTokens, i.costUsd])).toEqual([
      ['r3603', 'gpt-mock', 30, 0.003],
      ['r3602', 'gpt-mock', 20, 0.002],
    ]);
  });
});

it('percentile is nearest-rank', () => {
  expect(percentile([], 0.95)).toBe(0);
  expect(percentile([5], 0.95)).toBe(5);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  expect(
    percentile(
      Array.from({ length: 20 }, (_, i) => i + 1),
      0.95,
    ),
  ).toBe(19);
});
