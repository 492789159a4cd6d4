// The data plane's view of the world: everything a request needs, compiled into Maps when config changes.
import type { Kysely } from 'kysely';
import { type AiConfig, loadAiConfig } from '../ai/ai-config.js';
import { type Api, type Plan, routableStatuses, type TenantLimits } from '../domain/types.js';
import { apiFromRow, planFromRow } from '../store/rows.js';
import type { Database } from '../store/schema.js';

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

export interface AppEntry {
  id: string;
  tenantId: string;
  name: string;
}

export interface Snapshot {
  version: number;
  loadedAt: number;
  /** Routable APIs by id. */
  apis: Map<string, Api>;
  /** host ('' = any host) → routable APIs sorted by base path length, longest first. */
  routesByHost: Map<string, Api[]>;
  keysByPrefix: Map<string, KeyEntry>;
  apps: Map<string, AppEntry>;
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

export async function loadSnapshot(db: Kysely<Database>, version: number): Promise<Snapshot> {
  // The version was read before these queries, so a write landing meanwhile is either seen here or leaves the
  // stored version ahead of ours, and the next poll loads again: a snapshot may be early, never stale for good.
  const [apiRows, planRows, appRows, keyRows, subRows, tokenRows, tenantRows, ai] = await Promise.all([
    db.selectFrom('apis').selectAll().execute(),
    db.selectFrom('plans').selectAll().execute(),
    db.selectFrom('apps').select(['id', 'tenant_id', 'name']).execute(),
    db
      .selectFrom('api_keys')
      .select(['id', 'app_id', 'prefix', 'hash', 'expires_at'])
      .where('revoked_at', 'is', null)
      .execute(),
    db
      .selectFrom('subscriptions')
      .select(['id', 'app_id', 'api_id', 'plan_id'])
      .where('status', '=', 'approved')
      .execute(),
    db.selectFrom('admin_tokens').selectAll().where('revoked_at', 'is', null).execute(),
    db.selectFrom('tenants').select(['id', 'limits']).where('limits', 'is not', null).execute(),
    loadAiConfig(db),
  ]);

  const apis = new Map<string, Api>();
  const routesByHost = new Map<string, Api[]>();
  for (const row of apiRows) {
    const api = apiFromRow(row);
    if (!routableStatuses.has(api.status)) continue;
    apis.set(api.id, api);
    const host = (api.host ?? '').toLowerCase();
    const list = routesByHost.get(host) ?? [];
    list.push(api);
    routesByHost.set(host, list);
  }
  for (const list of routesByHost.values()) list.sort((a, b) => b.basePath.length - a.basePath.length);

  const plans = new Map(planRows.map((r) => [r.id, planFromRow(r)]));
  const apps = new Map(appRows.map((r) => [r.id, { id: r.id, tenantId: r.tenant_id, name: r.name }]));
  const keysByPrefix = new Map<string, KeyEntry>(
    keyRows.map((r) => [
      r.prefix,
      { id: r.id, appId: r.app_id, hash: r.hash, expiresAt: r.expires_at ? Date.parse(r.expires_at) : null },
    ]),
  );
  const approved = new Map<string, SubscriptionEntry>();
  for (const r of subRows) {
    const plan = plans.get(r.plan_id);
    if (plan)
      approved.set(subscriptionKey(r.app_id, r.api_id), { id: r.id, appId: r.app_id, apiId: r.api_id, plan });
  }
  const adminTokens = new Map<string, AdminTokenEntry>(
    tokenRows.map((r) => [
      r.hash,
      {
        id: r.id,
        tenantId: r.tenant_id,
        userId: r.user_id,
        role: r.role,
        expiresAt: r.expires_at ? Date.parse(r.expires_at) : null,
      },
    ]),
  );
  const tenantLimits = new Map<string, TenantLimits>(tenantRows.map((r) => [r.id, JSON.parse(r.limits!)]));

  return {
    version,
    loadedAt: Date.now(),
    apis,
    routesByHost,
    keysByPrefix,
    apps,
    approved,
    adminTokens,
    tenantLimits,
    plans,
    ai,
  };
}
