// Rows of ai_providers, ai_provider_keys and ai_models for the admin API: keys are sealed on the way in and
// only their hints ever come out.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { keyHint, type SecretBox } from '../security/secret-box.js';
import type { AiModelTable, AiProviderTable, Database } from '../store/schema.js';
import type { ProviderType } from './ai-config.js';
import { type ProviderOptions, parseOptions, storedOptions } from './provider-options.js';
import { type DeploymentInput, parseDeployments, type RoutingStrategy } from './routing/schema.js';

type Db = Kysely<Database>;

export interface ProviderKeyView {
  id: string;
  hint: string;
  priority: number;
  createdAt: string;
}

export interface ProviderView extends ProviderOptions {
  id: string;
  tenantId: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  maxConnections: number;
  keys: ProviderKeyView[];
  createdAt: string;
  updatedAt: string;
}

export interface ModelView {
  id: string;
  tenantId: string;
  name: string;
  providerId: string;
  upstreamModel: string;
  inputPricePer1k: number;
  outputPricePer1k: number;
  fallbackModelId: string | null;
  tokensPerMinute: number | null;
  requestsPerMinute: number | null;
  routing: RoutingStrategy;
  weight: number;
  deployments: DeploymentInput[];
  createdAt: string;
  updatedAt: string;
}

/** A pool entry in a write: a new key (`key`) or an existing one kept by id (`id`). */
export type KeyInput =
  | { key: string; priority?: number | undefined }
  | { id: string; priority?: number | undefined };

export function newKeyId(): string {
  return `pk_${randomBytes(10).toString('base64url')}`;
}

function providerOf(row: AiProviderTable, keys: ProviderKeyView[]): ProviderView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    type: row.type as ProviderType,
    baseUrl: row.base_url,
    maxConnections: Number(row.max_connections),
    ...parseOptions(row.options),
    keys,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function modelOf(row: AiModelTable): ModelView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    providerId: row.provider_id,
    upstreamModel: row.upstream_model,
    inputPricePer1k: Number(row.input_price_per_1k),
    outputPricePer1k: Number(row.output_price_per_1k),
    fallbackModelId: row.fallback_model_id,
    tokensPerMinute: row.tokens_per_minute === null ? null : Number(row.tokens_per_minute),
    requestsPerMinute: row.requests_per_minute === null ? null : Number(row.requests_per_minute),
    routing: row.routing as RoutingStrategy,
    weight: Number(row.weight),
    deployments: parseDeployments(row.deployments),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function keysOf(db: Db, providerIds: string[]): Promise<Map<string, ProviderKeyView[]>> {
  const out = new Map<string, ProviderKeyView[]>(providerIds.map((id) => [id, []]));
  if (providerIds.length === 0) return out;
  const rows = await db
    .selectFrom('ai_provider_keys')
    .select(['id', 'provider_id', 'hint', 'priority', 'created_at'])
    .where('provider_id', 'in', providerIds)
    .orderBy('priority')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows)
    out
      .get(r.provider_id)
      ?.push({ id: r.id, hint: r.hint, priority: Number(r.priority), createdAt: r.created_at });
  return out;
}

export async function findProvider(db: Db, id: string): Promise<ProviderView | undefined> {
  const row = await db.selectFrom('ai_providers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && providerOf(row, (await keysOf(db, [id])).get(id)!);
}

export async function listProviders(db: Db, tenantId: string | null): Promise<ProviderView[]> {
  let q = db.selectFrom('ai_providers').selectAll().orderBy('created_at').orderBy('id');
  if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
  const rows = await q.execute();
  const keys = await keysOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => providerOf(r, keys.get(r.id)!));
}

export interface ProviderWrite extends ProviderOptions {
  id: string;
  tenantId: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  maxConnections: number;
  createdAt: string;
  updatedAt: string;
}

export async function insertProvider(db: Db, p: ProviderWrite): Promise<void> {
  await db
    .insertInto('ai_providers')
    .values({
      id: p.id,
      tenant_id: p.tenantId,
      name: p.name,
      type: p.type,
      base_url: p.baseUrl,
      max_connections: p.maxConnections,
      options: storedOptions(p),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })
    .execute();
}

export async function updateProvider(db: Db, p: ProviderWrite): Promise<void> {
  await db
    .updateTable('ai_providers')
    .set({
      name: p.name,
      type: p.type,
      base_url: p.baseUrl,
      max_connections: p.maxConnections,
      options: storedOptions(p),
      updated_at: p.updatedAt,
    })
    .where('id', '=', p.id)
    .execute();
}

/**
 * Makes the provider's pool exactly `keys`: new keys are sealed and added, listed ids are kept (with a new
 * priority if given), the rest removed. Returns the ids in `keys` that are not this provider's (→ 400).
 */
export async function replaceKeys(
  db: Db,
  box: SecretBox,
  providerId: string,
  keys: KeyInput[],
  now: string,
): Promise<string[]> {
  const existing = (await keysOf(db, [providerId])).get(providerId)!;
  const byId = new Map(existing.map((k) => [k.id, k]));
  const unknown = keys.filter((k): k is { id: string } => 'id' in k && !byId.has(k.id)).map((k) => k.id);
  if (unknown.length > 0) return unknown;
  const kept = new Set<string>();
  for (const [i, k] of keys.entries()) {
    if ('id' in k) {
      kept.add(k.id);
      if (k.priority !== undefined)
        await db
          .updateTable('ai_provider_keys')
          .set({ priority: k.priority })
          .where('id', '=', k.id)
          .execute();
      continue;
    }
    const id = newKeyId();
    kept.add(id);
    await db
      .insertInto('ai_provider_keys')
      .values({
        id,
        provider_id: providerId,
        sealed: box.seal(k.key, id),
        hint: keyHint(k.key),
        priority: k.priority ?? i + 1,
        created_at: now,
      })
      .execute();
  }
  const gone = existing.filter((k) => !kept.has(k.id)).map((k) => k.id);
  if (gone.length > 0) await db.deleteFrom('ai_provider_keys').where('id', 'in', gone).execute();
  return [];
}

export async function deleteProvider(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ai_providers').where('id', '=', id).execute();
}

/** Names of the models that use a provider, as theirs or as a deployment (a provider in use is not deleted). */
export async function modelsUsing(db: Db, providerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ai_models')
    .select('name')
    .where((w) =>
      w.or([
        w('provider_id', '=', providerId),
        w('deployments', 'like', `%${JSON.stringify({ providerId }).slice(1, -1)}%`),
      ]),
    )
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

export async function findModelRow(db: Db, id: string): Promise<ModelView | undefined> {
  const row = await db.selectFrom('ai_models').selectAll().where('id', '=', id).executeTakeFirst();
  return row && modelOf(row);
}

export async function listModels(db: Db, tenantId: string | null): Promise<ModelView[]> {
  let q = db.selectFrom('ai_models').selectAll().orderBy('name').orderBy('id');
  if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
  return (await q.execute()).map(modelOf);
}

function modelRow(m: ModelView): AiModelTable {
  return {
    id: m.id,
    tenant_id: m.tenantId,
    name: m.name,
    provider_id: m.providerId,
    upstream_model: m.upstreamModel,
    input_price_per_1k: m.inputPricePer1k,
    output_price_per_1k: m.outputPricePer1k,
    fallback_model_id: m.fallbackModelId,
    tokens_per_minute: m.tokensPerMinute,
    requests_per_minute: m.requestsPerMinute,
    routing: m.routing,
    weight: m.weight,
    deployments: JSON.stringify(m.deployments),
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

export async function insertModel(db: Db, m: ModelView): Promise<void> {
  await db.insertInto('ai_models').values(modelRow(m)).execute();
}

export async function updateModel(db: Db, m: ModelView): Promise<void> {
  const { id, tenant_id: _t, created_at: _c, ...changes } = modelRow(m);
  await db.updateTable('ai_models').set(changes).where('id', '=', id).execute();
}

export async function deleteModel(db: Db, id: string): Promise<void> {
  await db.deleteFrom('ai_models').where('id', '=', id).execute();
}

/** True when following fallbacks from `fallbackId` comes back to `modelId`. */
export async function makesCycle(db: Db, modelId: string, fallbackId: string): Promise<boolean> {
  const seen = new Set<string>();
  let next: string | null = fallbackId;
  while (next && !seen.has(next)) {
    if (next === modelId) return true;
    seen.add(next);
    const row: { fallback_model_id: string | null } | undefined = await db
      .selectFrom('ai_models')
      .select('fallback_model_id')
      .where('id', '=', next)
      .executeTakeFirst();
    next = row?.fallback_model_id ?? null;
  }
  return false;
}
