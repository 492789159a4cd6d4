// Shared set-up for the admin API's tests: a real gateway on a real store, tenants with tokens, row counts.
import { sql } from 'kysely';
import { expect } from 'vitest';
import { type ErrorCode, errorCatalogue } from '../errors/catalogue.js';
import type { Store } from '../store/db.js';
import { type AdminClient, type Reply, startTestGateway, type TestGateway } from './harness.js';
import { type storeKinds, testDatabase } from './stores.js';

export const V1 = '/admin/v1';

export interface AdminFixture {
  gateway: TestGateway;
  admin: AdminClient;
  close(): Promise<void>;
}

/** A gateway on a fresh database of the given kind; close() stops it and drops the database. */
export async function startOn(kind: (typeof storeKinds)[number]): Promise<AdminFixture> {
  const db = await testDatabase(kind);
  const gateway = await startTestGateway({ DATABASE_URL: db.url });
  return {
    gateway,
    admin: gateway.admin,
    close: async () => {
      await gateway.stop();
      await db.drop();
    },
  };
}

export interface TenantHandle {
  id: string;
  token: string;
  client: AdminClient;
}

export async function tenantWithToken(admin: AdminClient, name: string): Promise<TenantHandle> {
  const tenant = await admin.ok('POST', `${V1}/tenants`, { name });
  const { token } = await admin.ok('POST', `${V1}/tenants/${tenant.id}/tokens`, { name: 'test' });
  return { id: tenant.id, token, client: admin.as(token) };
}

export function restApi(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'orders', basePath: '/orders', targets: [{ url: 'http://127.0.0.1:9' }], ...overrides };
}

const tables = ['tenants', 'admin_tokens', 'apis', 'plans', 'apps', 'api_keys', 'subscriptions'] as const;

/** Row count of every config table plus the config version: equal before and after means nothing was written. */
export type StoreState = Record<(typeof tables)[number] | 'config_version', number>;

export async function storeState(store: Store): Promise<StoreState> {
  const out = {} as StoreState;
  for (const table of tables) {
    const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
    out[table] = Number(row.rows[0]!.n);
  }
  const version = await store.db.selectFrom('config_version').select('version').executeTakeFirstOrThrow();
  out.config_version = Number(version.version);
  return out;
}

/** The security headers every admin response carries. */
export const adminSecurityHeaders = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'",
  'referrer-policy': 'no-referrer',
};

export function pickHeaders(headers: Headers, names: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((n) => [n, headers.get(n)]));
}

/** Asserts the whole problem+json answer: status, exact body (request id = the response header), headers. */
export function expectProblem(
  reply: Reply,
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status,
    body: {
      type: `https://gateway-kit.dev/problems/${code.replaceAll('_', '-')}`,
      title: errorCatalogue[code].title,
      status,
      detail,
      code,
      requestId: reply.headers.get('x-request-id'),
      ...extra,
    },
  });
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(pickHeaders(reply.headers, Object.keys(adminSecurityHeaders))).toEqual(adminSecurityHeaders);
}
