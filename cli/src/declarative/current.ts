// Reads the gateway's configuration through the admin API into gateway objects, and writes it back out as a
// document (export): names instead of ids, provider keys as ${env:NAME} references, never a secret.
import { defaultRegistry } from '../../../gateway/src/policies/registry.js';
import type { AdminApi } from '../client.js';
import { byHint } from './desired.js';
import { type CurrentObject, envName, keyOf, namesOf, subscriptionKey } from './model.js';
import { configFields, type Document, envRef, FORMAT_VERSION } from './schema.js';

type View = Record<string, unknown> & { id: string };

const LIVE = new Set(['pending', 'approved', 'suspended']);

function pick(view: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, view[f]]));
}

export async function currentObjects(api: AdminApi): Promise<Map<string, CurrentObject>> {
  const [tenants, apis, apps, subscriptions, providers, models, webhooks] = await Promise.all([
    api.list<View>('/tenants'),
    api.list<View>('/apis'),
    api.list<View>('/apps'),
    api.list<View>('/subscriptions'),
    api.list<View>('/ai/providers'),
    api.list<View>('/ai/models'),
    api.list<View>('/webhooks'),
  ]);
  const plans = (await Promise.all(apis.map((a) => api.list<View>(`/apis/${a.id}/plans`)))).flat();
  const tenantName = new Map(tenants.map((t) => [t.id, t.name as string]));
  const ownerOf = (v: View) => tenantName.get(v.tenantId as string)!;
  const apiKey = new Map(apis.map((a) => [a.id, keyOf(ownerOf(a), a.name as string)]));
  const appKey = new Map(apps.map((a) => [a.id, keyOf(ownerOf(a), a.name as string)]));
  const planName = new Map(plans.map((p) => [p.id, p.name as string]));
  const providerName = new Map(providers.map((p) => [p.id, p.name as string]));
  const modelName = new Map(models.map((m) => [m.id, m.name as string]));

  const out = new Map<string, CurrentObject>();
  const put = (
    kind: CurrentObject['kind'],
    view: View,
    key: string,
    tenant: string,
    fields: Record<string, unknown>,
  ) => out.set(`${kind}:${key}`, { kind, key, tenant, id: view.id, needs: [], view, fields });

  for (const t of tenants)
    put('tenant', t, keyOf(t.name as string), t.name as string, pick(t, configFields.tenant));
  for (const p of providers) {
    const keys = (p.keys as { hint: string; priority: number }[]).map(({ hint, priority }) => ({
      hint,
      priority,
    }));
    put('aiProvider', p, keyOf(ownerOf(p), p.name as string), ownerOf(p), {
      ...pick(p, configFields.aiProvider),
      keys: keys.sort(byHint),
    });
  }
  for (const m of models)
    put('aiModel', m, keyOf(ownerOf(m), m.name as string), ownerOf(m), {
      ...pick(m, configFields.aiModel),
      provider: providerName.get(m.providerId as string),
      deployments: (m.deployments as { providerId: string }[]).map(({ providerId, ...d }) => ({
        provider: providerName.get(providerId),
        ...d,
      })),
      fallback: m.fallbackModelId ? modelName.get(m.fallbackModelId as string) : null,
    });
  for (const a of apis) put('api', a, apiKey.get(a.id)!, ownerOf(a), pick(a, configFields.api));
  for (const p of plans) {
    const key = apiKey.get(p.apiId as string)!;
    put('plan', p, `${key}/${keyOf(p.name as string)}`, namesOf(key)[0]!, pick(p, configFields.plan));
  }
  for (const a of apps) put('app', a, appKey.get(a.id)!, ownerOf(a), { name: a.name });
  for (const s of subscriptions) {
    if (!LIVE.has(s.status as string)) continue;
    const app = appKey.get(s.appId as string);
    const target = apiKey.get(s.apiId as string);
    // Another tenant's API this caller cannot list (a tenant token): not configuration it can manage.
    if (!app || !target) continue;
    put('subscription', s, subscriptionKey(app, target), namesOf(app)[0]!, {
      api: target,
      plan: planName.get(s.planId as string),
      status: s.status,
    });
  }
  for (const w of webhooks)
    put('webhook', w, keyOf(ownerOf(w), w.name as string), ownerOf(w), {
      ...pick(w, configFields.webhook),
      secretHint: w.secretHint,
    });
  return out;
}

/** The document for the objects in scope; sorted by key, so two exports of one state are identical. */
export function exportDocument(objects: Map<string, CurrentObject>, tenant?: string): Document {
  const all = [...objects.values()]
    .filter((o) => tenant === undefined || o.tenant === tenant)
    .sort((a, b) => a.key.localeCompare(b.key));
  const of = (kind: CurrentObject['kind']) => all.filter((o) => o.kind === kind);
  const under = (kind: CurrentObject['kind'], parent: string, sep: string) =>
    of(kind).filter((o) => o.key.startsWith(parent + sep));
  return {
    version: FORMAT_VERSION,
    tenants: of('tenant').map((t) =>
      strip({ name: t.fields.name, limits: t.fields.limits }),
    ) as Document['tenants'],
    aiProviders: of('aiProvider').map((p) => {
      const { keys, ...rest } = p.fields as { keys: { hint: string; priority: number }[] };
      return {
        tenant: p.tenant,
        ...rest,
        keys: keys.map((k, i) => ({
          key: envRef(envName(p.key, 'key', String(i + 1))),
          priority: k.priority,
        })),
      };
    }) as Document['aiProviders'],
    aiModels: of('aiModel').map((m) => strip({ tenant: m.tenant, ...m.fields })) as Document['aiModels'],
    apis: of('api').map((a) =>
      strip({
        tenant: a.tenant,
        ...a.fields,
        ...(a.fields.settings
          ? { settings: secretRefs(a.key, a.fields.settings as Record<string, unknown>) }
          : {}),
        plans: under('plan', a.key, '/').map((p) => strip(p.fields)),
      }),
    ) as Document['apis'],
    apps: of('app').map((a) => {
      const subscriptions = under('subscription', a.key, '->').map((s) => {
        const [apiTenant, api] = namesOf(s.fields.api as string);
        return strip({
          api,
          apiTenant: apiTenant === a.tenant ? undefined : apiTenant,
          plan: s.fields.plan,
          status: s.fields.status,
        });
      });
      return { tenant: a.tenant, name: a.fields.name, subscriptions };
    }) as Document['apps'],
    webhooks: of('webhook').map((w) => {
      const { secretHint: _hint, ...fields } = w.fields;
      return { tenant: w.tenant, ...fields, secret: envRef(envName(w.key, 'webhook', 'secret')) };
    }) as Document['webhooks'],
  };
}

/** The masked secrets of API settings as ${env:NAME} references, named after the API and the member. */
function secretRefs(apiKey: string, settings: Record<string, unknown>): Record<string, unknown> {
  let out = settings;
  for (const [key, field] of defaultRegistry.secretFields) {
    const member = settings[key] as Record<string, unknown> | undefined;
    if (member?.[field] === undefined) continue;
    out = { ...out, [key]: { ...member, [field]: envRef(envName(apiKey, key, field)) } };
  }
  return out;
}

/** Unset values are left out of a file (null and absent mean the same in every admin schema). */
function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}
