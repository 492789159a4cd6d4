// Applies a run of config versions to a snapshot in place: the change log (store/migrations/007) names each
// touched entry by its snapshot key; those rows are re-read (all queries first), then the maps are updated in
// one synchronous step. Re-reading makes it idempotent: an entry read newer than its version is simply early.
import type { Kysely } from 'kysely';
import { type AiConfig, loadAiConfig } from '../ai/ai-config.js';
import type { Api } from '../domain/types.js';
import type { ConfigChange } from '../store/config-version.js';
import { apiFromRow, planFromRow } from '../store/rows.js';
import type { Database } from '../store/schema.js';
import {
  adminTokenEntry,
  appEntry,
  clientEntry,
  clientRowKey,
  keyEntry,
  putApi,
  putSubscription,
  queries,
  type Snapshot,
  subscriptionKey,
} from './snapshot.js';

type Db = Kysely<Database>;
type Rows<K extends keyof typeof queries> = Awaited<ReturnType<(typeof queries)[K]>>;

/** What an apply changed among the routable APIs, for the upstream pools. */
export interface ApiDelta {
  changed: Api[];
  removed: Api[];
}

const aiTables = new Set(['ai_providers', 'ai_provider_keys', 'ai_models', 'ai_budgets']);
const CHUNK = 500;

/** Runs `query` over `keys` in chunks (bounded `in` lists), concatenating the rows. */
async function byKeys<R>(keys: Set<string>, query: (keys: string[]) => Promise<R[]>): Promise<R[]> {
  const all = [...keys];
  const out: R[] = [];
  for (let i = 0; i < all.length; i += CHUNK) out.push(...(await query(all.slice(i, i + CHUNK))));
  return out;
}

interface Fetched {
  keys: Record<string, Set<string>>;
  apis: Rows<'apis'>;
  plans: Rows<'plans'>;
  apps: Rows<'apps'>;
  apiKeys: Rows<'keys'>;
  clients: Rows<'clients'>;
  subscriptions: Rows<'subscriptions'>;
  tokens: Rows<'tokens'>;
  tenants: Rows<'tenants'>;
  ai: AiConfig | null;
}

async function fetchChanged(db: Db, changes: ConfigChange[]): Promise<Fetched> {
  const keys: Record<string, Set<string>> = {};
  for (const c of changes) {
    keys[c.entity] ??= new Set();
    keys[c.entity]!.add(c.key);
  }
  const of = (entity: string) => keys[entity] ?? new Set<string>();
  const subKeys = of('subscriptions');
  const appIds = new Set([...subKeys].map((k) => k.slice(0, k.indexOf(' '))));
  const [apis, plans, apps, apiKeys, clients, tokens, tenants, changedSubs, planSubs, ai] = await Promise.all(
    [
      byKeys(of('apis'), (k) => queries.apis(db, { keys: k })),
      byKeys(of('plans'), (k) => queries.plans(db, { keys: k })),
      byKeys(of('apps'), (k) => queries.apps(db, { keys: k })),
      byKeys(of('api_keys'), (k) => queries.keys(db, { keys: k })),
      byKeys(of('app_clients'), (k) => queries.clients(db, { keys: k })),
      byKeys(of('admin_tokens'), (k) => queries.tokens(db, { keys: k })),
      byKeys(of('tenants'), (k) => queries.tenants(db, { keys: k })),
      // Subscriptions are keyed by app and API: read the approved ones of the apps named (indexed on app_id).
      byKeys(appIds, (k) =>
        db
          .selectFrom('subscriptions')
          .select(['id', 'app_id', 'api_id', 'plan_id'])
          .where('status', '=', 'approved')
          .where('app_id', 'in', k)
          .execute(),
      ),
      // A changed plan is re-pointed to by every approved subscription on it.
      byKeys(of('plans'), (k) =>
        db
          .selectFrom('subscriptions')
          .select(['id', 'app_id', 'api_id', 'plan_id'])
          .where('status', '=', 'approved')
          .where('plan_id', 'in', k)
          .execute(),
      ),
      changes.some((c) => aiTables.has(c.entity)) ? loadAiConfig(db) : null,
    ],
  );
  const subscriptions = [
    ...changedSubs.filter((r) => subKeys.has(subscriptionKey(r.app_id, r.api_id))),
    ...planSubs,
  ];
  return { keys, apis, plans, apps, apiKeys, clients, subscriptions, tokens, tenants, ai };
}

function applyFetched(s: Snapshot, f: Fetched): ApiDelta {
  const delta: ApiDelta = { changed: [], removed: [] };
  const of = (entity: string) => f.keys[entity] ?? [];
  for (const id of of('apis')) {
    const old = s.apis.get(id);
    if (!old) continue;
    s.routes.remove(old);
    s.apis.delete(id);
    delta.removed.push(old);
  }
  for (const row of f.apis) {
    const api = apiFromRow(row);
    putApi(s, api);
    if (s.apis.get(api.id) === api) delta.changed.push(api);
  }
  for (const id of of('plans')) s.plans.delete(id);
  for (const r of f.plans) s.plans.set(r.id, planFromRow(r));
  for (const id of of('apps')) s.apps.delete(id);
  for (const r of f.apps) s.apps.set(r.id, appEntry(r));
  for (const prefix of of('api_keys')) s.keysByPrefix.delete(prefix);
  for (const r of f.apiKeys) s.keysByPrefix.set(r.prefix, keyEntry(r));
  for (const key of of('app_clients')) s.clients.delete(key);
  for (const r of f.clients) s.clients.set(clientRowKey(r), clientEntry(r));
  for (const key of of('subscriptions')) s.approved.delete(key);
  for (const r of f.subscriptions) putSubscription(s, r);
  for (const hash of of('admin_tokens')) s.adminTokens.delete(hash);
  for (const r of f.tokens) s.adminTokens.set(r.hash, adminTokenEntry(r));
  for (const id of of('tenants')) s.tenantLimits.delete(id);
  for (const r of f.tenants) s.tenantLimits.set(r.id, JSON.parse(r.limits!));
  if (f.ai) s.ai = f.ai;
  return delta;
}

/** Brings `s` to `version` by the given changes; returns the routable APIs that changed. */
export async function applyChanges(
  db: Db,
  s: Snapshot,
  version: number,
  changes: ConfigChange[],
): Promise<ApiDelta> {
  const fetched = await fetchChanged(db, changes);
  const delta = applyFetched(s, fetched);
  s.version = version;
  s.loadedAt = Date.now();
  return delta;
}
