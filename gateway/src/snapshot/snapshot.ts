// The data plane's view of the world: everything a request needs, in Maps. Built whole at start-up (in pages,
// yielding between them), then kept current by applying the changed entries of each config version (apply.ts).
import { type Kysely, sql } from 'kysely';
import { type AiConfig, loadAiConfig } from '../ai/ai-config.js';
import { type Api, type Plan, routableStatuses, type TenantLimits } from '../domain/types.js';
import { apiFromRow, planFromRow } from '../store/rows.js';
import type { Database } from '../store/schema.js';
import { RouteTable } from './route-table.js';

export interface KeyEntry {
  id: string;
  appId: string;
  hash: string;
  /** epoch ms, or null for no expiry */
  expiresAt: number | null;
}

export interface SubscriptionEntry {
  id: string;
  appId: string;
  apiId: string;
  plan: Plan;
}

/** A live admin token (tenant or personal); its role and tenant are checked again per request. */
export interface AdminTokenEntry {
  id: string;
  tenantId: string | null;
  userId: string | null;
  role: string;
  /** epoch ms, or null for no expiry */
  expiresAt: number | null;
}

/** An OAuth client id or client certificate of an app (jwt-auth, introspection, mtls-auth look these up). */
export interface ClientEntry {
  id: string;
  appId: string;
}

export interface AppEntry {
  id: string;
  tenantId: string;
  name: string;
}

/**
 * Maps are updated in place when a config version is applied (one synchronous step per version, so a lookup sees
 * a version whole); a full rebuild makes a new Snapshot. Entries themselves are replaced, never mutated.
 */
export interface Snapshot {
  version: number;
  loadedAt: number;
  /** Routable APIs by id. */
  apis: Map<string, Api>;
  /** The routable APIs by host and base path. */
  routes: RouteTable;
  keysByPrefix: Map<string, KeyEntry>;
  apps: Map<string, AppEntry>;
  /** `${kind} ${value}` (domain/app-clients.ts `clientKey`) → the app that registered that client. */
  clients: Map<string, ClientEntry>;
  /** `${appId} ${apiId}` → the approved subscription. Only approved ones are here. */
  approved: Map<string, SubscriptionEntry>;
  /** sha256 of a live admin token → what it grants. */
  adminTokens: Map<string, AdminTokenEntry>;
  /** Consumer tenants with a cap across their apps. */
  tenantLimits: Map<string, TenantLimits>;
  plans: Map<string, Plan>;
  /** AI providers and models (keys still sealed). */
  ai: AiConfig;
}

export function subscriptionKey(appId: string, apiId: string): string {
  return `${appId} ${apiId}`;
}

export function emptySnapshot(version: number, ai: AiConfig): Snapshot {
  return {
    version,
    loadedAt: Date.now(),
    apis: new Map(),
    routes: new RouteTable(),
    keysByPrefix: new Map(),
    apps: new Map(),
    clients: new Map(),
    approved: new Map(),
    adminTokens: new Map(),
    tenantLimits: new Map(),
    plans: new Map(),
    ai,
  };
}

// ---- Row → entry, shared by the full build and the incremental apply so both produce equal snapshots.

export function putApi(s: Snapshot, api: Api): void {
  if (!routableStatuses.has(api.status)) return;
  s.apis.set(api.id, api);
  s.routes.add(api);
}
export const keyEntry = (r: {
  id: string;
  app_id: string;
  hash: string;
  expires_at: string | null;
}): KeyEntry => ({
  id: r.id,
  appId: r.app_id,
  hash: r.hash,
  expiresAt: r.expires_at ? Date.parse(r.expires_at) : null,
});
export const appEntry = (r: { id: string; tenant_id: string; name: string }): AppEntry => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
});
export const clientEntry = (r: { id: string; app_id: string }): ClientEntry => ({
  id: r.id,
  appId: r.app_id,
});
export const clientRowKey = (r: { kind: string; value: string }) => `${r.kind} ${r.value}`;
export const adminTokenEntry = (r: {
  id: string;
  tenant_id: string | null;
  user_id: string | null;
  role: string;
  expires_at: string | null;
}): AdminTokenEntry => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  role: r.role,
  expiresAt: r.expires_at ? Date.parse(r.expires_at) : null,
});
export function putSubscription(
  s: Snapshot,
  r: { id: string; app_id: string; api_id: string; plan_id: string },
) {
  const plan = s.plans.get(r.plan_id);
  if (plan)
    s.approved.set(subscriptionKey(r.app_id, r.api_id), { id: r.id, appId: r.app_id, apiId: r.api_id, plan });
}

// ---- Queries, shared too. `keys` narrows to the entries a change names; without it, one page after `after`.

export const PAGE = 500;
type Db = Kysely<Database>;
type Page = { after?: string; keys?: undefined } | { after?: undefined; keys: string[] };

export const queries = {
  apis: (db: Db, p: Page) => paged(db.selectFrom('apis').selectAll(), 'id', p).execute(),
  plans: (db: Db, p: Page) => paged(db.selectFrom('plans').selectAll(), 'id', p).execute(),
  apps: (db: Db, p: Page) =>
    paged(db.selectFrom('apps').select(['id', 'tenant_id', 'name']), 'id', p).execute(),
  keys: (db: Db, p: Page) =>
    paged(
      db
        .selectFrom('api_keys')
        .select(['id', 'app_id', 'prefix', 'hash', 'expires_at'])
        .where('revoked_at', 'is', null),
      'prefix',
      p,
    ).execute(),
  // Keyset-paged on id; a change names `kind value`, so narrowing by keys filters on that pair.
  clients: (db: Db, p: Page) => {
    const query = db.selectFrom('app_clients').select(['id', 'app_id', 'kind', 'value']);
    if (p.keys) return query.where(sql<string>`kind || ' ' || value`, 'in', p.keys).execute();
    return paged(query, 'id', p).execute();
  },
  subscriptions: (db: Db, p: Page) =>
    paged(
      db
        .selectFrom('subscriptions')
        .select(['id', 'app_id', 'api_id', 'plan_id'])
        .where('status', '=', 'approved'),
      'id',
      p,
    ).execute(),
  tokens: (db: Db, p: Page) =>
    paged(
      db
        .selectFrom('admin_tokens')
        .select(['id', 'tenant_id', 'user_id', 'role', 'hash', 'expires_at'])
        .where('revoked_at', 'is', null),
      'hash',
      p,
    ).execute(),
  tenants: (db: Db, p: Page) =>
    paged(
      db.selectFrom('tenants').select(['id', 'limits']).where('limits', 'is not', null),
      'id',
      p,
    ).execute(),
};

// biome-ignore lint/suspicious/noExplicitAny: one pager over several tables' select builders
function paged<Q extends { where: any; orderBy: any; limit: any }>(query: Q, column: string, p: Page): Q {
  if (p.keys) return query.where(column, 'in', p.keys);
  const from = p.after === undefined ? query : query.where(column, '>', p.after);
  return from.orderBy(column).limit(PAGE);
}

/** Runs `query` page by page (keyset order on `column`), yielding the event loop between pages. */
async function eachPage<R extends Record<string, unknown>>(
  query: (p: Page) => Promise<R[]>,
  column: keyof R & string,
  use: (rows: R[]) => void,
): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await query({ after });
    use(rows);
    if (rows.length < PAGE) return;
    after = String(rows[rows.length - 1]![column]);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export async function loadSnapshot(db: Db, version: number): Promise<Snapshot> {
  // The version was read before these queries, so a write landing meanwhile is either seen here or leaves the
  // stored version ahead of ours, and the next refresh applies it: early, never stale for good. Each page is
  // a short query and the loop yields between them, so a large store does not stall the data plane.
  const s = emptySnapshot(version, await loadAiConfig(db));
  await eachPage(
    (p) => queries.plans(db, p),
    'id',
    (rows) => {
      for (const r of rows) s.plans.set(r.id, planFromRow(r));
    },
  );
  await eachPage(
    (p) => queries.apis(db, p),
    'id',
    (rows) => {
      for (const r of rows) putApi(s, apiFromRow(r));
    },
  );
  await eachPage(
    (p) => queries.apps(db, p),
    'id',
    (rows) => {
      for (const r of rows) s.apps.set(r.id, appEntry(r));
    },
  );
  await eachPage(
    (p) => queries.keys(db, p),
    'prefix',
    (rows) => {
      for (const r of rows) s.keysByPrefix.set(r.prefix, keyEntry(r));
    },
  );
  await eachPage(
    (p) => queries.clients(db, p),
    'id',
    (rows) => {
      for (const r of rows) s.clients.set(clientRowKey(r), clientEntry(r));
    },
  );
  await eachPage(
    (p) => queries.subscriptions(db, p),
    'id',
    (rows) => {
      for (const r of rows) putSubscription(s, r);
    },
  );
  await eachPage(
    (p) => queries.tokens(db, p),
    'hash',
    (rows) => {
      for (const r of rows) s.adminTokens.set(r.hash, adminTokenEntry(r));
    },
  );
  await eachPage(
    (p) => queries.tenants(db, p),
    'id',
    (rows) => {
      for (const r of rows) s.tenantLimits.set(r.id, JSON.parse(r.limits!));
    },
  );
  s.loadedAt = Date.now();
  return s;
}
