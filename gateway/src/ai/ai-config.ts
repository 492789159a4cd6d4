// The data plane's view of AI providers and models, loaded with the snapshot: keys stay sealed here and are
// opened once per snapshot by the key pool, so a bad SECRET_KEY disables keys instead of the whole snapshot.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Budgets, loadBudgets } from './budgets.js';

export const providerTypes = ['openai', 'anthropic'] as const;
export type ProviderType = (typeof providerTypes)[number];

export interface ProviderKeyEntry {
  id: string;
  /** Lower is tried first; equal priorities share the load in turn. */
  priority: number;
  sealed: string;
}

export interface ProviderEntry {
  id: string;
  tenantId: string;
  name: string;
  type: ProviderType;
  /** Without a trailing slash: `https://api.openai.com/v1`, `https://api.anthropic.com/v1`. */
  baseUrl: string;
  /** The cap of this provider's own connection pool. */
  maxConnections: number;
  /** Sorted by priority, then age. */
  keys: ProviderKeyEntry[];
}

export interface ModelEntry {
  id: string;
  tenantId: string;
  /** The public name clients ask for. */
  name: string;
  provider: ProviderEntry;
  upstreamModel: string;
  inputPricePer1k: number;
  outputPricePer1k: number;
  fallbackModelId: string | null;
  tokensPerMinute: number | null;
  requestsPerMinute: number | null;
  createdAt: string;
}

export interface AiConfig {
  models: Map<string, ModelEntry>;
  /** tenant id → public name → model. */
  modelsByTenant: Map<string, Map<string, ModelEntry>>;
  /** Spend budgets (budgets.ts). */
  budgets: Budgets;
}

export function emptyAiConfig(): AiConfig {
  return { models: new Map(), modelsByTenant: new Map(), budgets: new Map() };
}

export async function loadAiConfig(db: Kysely<Database>): Promise<AiConfig> {
  const [providerRows, keyRows, modelRows, budgets] = await Promise.all([
    db.selectFrom('ai_providers').selectAll().execute(),
    db
      .selectFrom('ai_provider_keys')
      .selectAll()
      .orderBy('priority')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db.selectFrom('ai_models').selectAll().orderBy('name').execute(),
    loadBudgets(db),
  ]);
  const providers = new Map<string, ProviderEntry>();
  for (const r of providerRows) {
    providers.set(r.id, {
      id: r.id,
      tenantId: r.tenant_id,
      name: r.name,
      type: r.type as ProviderType,
      baseUrl: r.base_url.replace(/\/+$/, ''),
      maxConnections: Number(r.max_connections),
      keys: [],
    });
  }
  for (const k of keyRows) {
    providers.get(k.provider_id)?.keys.push({ id: k.id, priority: Number(k.priority), sealed: k.sealed });
  }
  const config = { ...emptyAiConfig(), budgets };
  for (const r of modelRows) {
    const provider = providers.get(r.provider_id);
    if (!provider) continue;
    const model: ModelEntry = {
      id: r.id,
      tenantId: r.tenant_id,
      name: r.name,
      provider,
      upstreamModel: r.upstream_model,
      inputPricePer1k: Number(r.input_price_per_1k),
      outputPricePer1k: Number(r.output_price_per_1k),
      fallbackModelId: r.fallback_model_id,
      tokensPerMinute: r.tokens_per_minute === null ? null : Number(r.tokens_per_minute),
      requestsPerMinute: r.requests_per_minute === null ? null : Number(r.requests_per_minute),
      createdAt: r.created_at,
    };
    config.models.set(model.id, model);
    const byName = config.modelsByTenant.get(model.tenantId) ?? new Map<string, ModelEntry>();
    config.modelsByTenant.set(model.tenantId, byName);
    byName.set(model.name, model);
  }
  return config;
}
