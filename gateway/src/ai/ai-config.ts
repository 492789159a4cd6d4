// The data plane's view of AI providers and models, loaded with the snapshot: keys stay sealed here and are
// opened once per snapshot by the key pool, so a bad SECRET_KEY disables keys instead of the whole snapshot.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Budgets, loadBudgets } from './budgets.js';
import { type ProviderOptions, parseOptions } from './provider-options.js';
import { parseDeployments, type RoutingStrategy } from './routing/schema.js';

export const providerTypes = ['openai', 'anthropic', 'azure', 'gemini'] as const;
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
  /** Preset, Azure settings, extra headers (provider-options.ts); absent: none. */
  options?: ProviderOptions;
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
  /** How calls are spread over `deployments` (ai/routing). */
  routing: RoutingStrategy;
  /** Where the model is served: its own provider first, then its extra deployments; at least one. */
  deployments: Deployment[];
}

/** One provider serving a model. */
export interface Deployment {
  /** Provider id and upstream model: what the balancer keeps its counts under. */
  key: string;
  weight: number;
  /** The model as this deployment serves it: its provider, upstream model and prices. */
  model: ModelEntry;
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
      options: parseOptions(r.options),
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
      routing: (r.routing ?? 'weighted') as RoutingStrategy,
      deployments: [],
    };
    model.deployments.push({ key: deploymentKey(model), weight: Number(r.weight ?? 1), model });
    for (const d of parseDeployments(r.deployments)) {
      const other = providers.get(d.providerId);
      if (other?.tenantId !== model.tenantId) continue;
      const served: ModelEntry = {
        ...model,
        provider: other,
        upstreamModel: d.upstreamModel,
        inputPricePer1k: d.inputPricePer1k ?? model.inputPricePer1k,
        outputPricePer1k: d.outputPricePer1k ?? model.outputPricePer1k,
      };
      model.deployments.push({ key: deploymentKey(served), weight: d.weight, model: served });
    }
    config.models.set(model.id, model);
    const byName = config.modelsByTenant.get(model.tenantId) ?? new Map<string, ModelEntry>();
    config.modelsByTenant.set(model.tenantId, byName);
    byName.set(model.name, model);
  }
  return config;
}

function deploymentKey(m: ModelEntry): string {
  return `${m.provider.id} ${m.upstreamModel}`;
}
