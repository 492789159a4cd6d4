// Carries out a plan through the admin API, in order, stopping at the first refusal; the result says exactly
// which changes were applied, so a partial failure can be read and re-run (apply is idempotent).
import { apiPaths, subscriptionPaths } from '../../../gateway/src/domain/lifecycle.js';
import type { AdminApi } from '../client.js';
import type { Desired } from './desired.js';
import { type CurrentObject, fullKey, type GatewayObject, keyOf } from './model.js';
import type { Change } from './plan.js';
import { configFields } from './schema.js';

export interface ApplyResult {
  applied: Change[];
  failed?: { change: Change; error: string };
}

export async function applyChanges(
  api: AdminApi,
  changes: Change[],
  desired: Desired,
  have: Map<string, CurrentObject>,
): Promise<ApplyResult> {
  const ids = new Map([...have.values()].map((o) => [fullKey(o), o.id]));
  const id = (key: string) => {
    const found = ids.get(key);
    if (!found) throw new Error(`${key} has no id yet`);
    return found;
  };
  const applied: Change[] = [];
  for (const change of changes) {
    try {
      if (change.op === 'delete') await remove(api, change.have!);
      else if (change.op === 'create')
        ids.set(fullKey(change.want!), await create(api, change.want!, desired, id));
      else await update(api, change, desired, id);
      applied.push(change);
    } catch (err) {
      return { applied, failed: { change, error: (err as Error).message } };
    }
  }
  return { applied };
}

type IdOf = (fullKey: string) => string;

async function create(api: AdminApi, o: GatewayObject, desired: Desired, id: IdOf): Promise<string> {
  const f = o.fields;
  const tenantId = () => id(`tenant:${keyOf(o.tenant)}`);
  switch (o.kind) {
    case 'tenant':
      return (await api.call<{ id: string }>('POST', '/tenants', f)).id;
    case 'aiProvider': {
      const { keys: _hints, ...rest } = f;
      const body = { ...rest, tenantId: tenantId(), keys: desired.secrets.get(fullKey(o)) };
      return (await api.call<{ id: string }>('POST', '/ai/providers', body)).id;
    }
    case 'aiModel':
      return (await api.call<{ id: string }>('POST', '/ai/models', modelBody(o, id, tenantId()))).id;
    case 'api': {
      const { status, ...rest } = f;
      const settings = desired.settings.get(fullKey(o));
      const body = { ...rest, ...(settings ? { settings } : {}), tenantId: tenantId() };
      const created = await api.call<{ id: string }>('POST', '/apis', body);
      await walk(api, `/apis/${created.id}`, apiPaths, 'draft', status as string);
      return created.id;
    }
    case 'plan':
      return (await api.call<{ id: string }>('POST', `/apis/${id(apiOf(o))}/plans`, f)).id;
    case 'app':
      return (await api.call<{ id: string }>('POST', '/apps', { name: f.name, tenantId: tenantId() })).id;
    case 'webhook': {
      const { secretHint: _hint, ...rest } = f;
      const body = { ...rest, tenantId: tenantId(), secret: desired.webhookSecrets.get(fullKey(o)) };
      return (await api.call<{ id: string }>('POST', '/webhooks', body)).id;
    }
    case 'subscription': {
      const body = subscriptionRefs(o, id);
      const created = await api.call<{ id: string; status: string }>('POST', '/subscriptions', body);
      await walk(api, `/subscriptions/${created.id}`, subscriptionPaths, created.status, f.status as string);
      return created.id;
    }
  }
}

async function update(api: AdminApi, change: Change, desired: Desired, id: IdOf): Promise<void> {
  const o = change.want!;
  const current = change.have!;
  const changed = new Set(change.fields!.map((c) => c.field));
  const only = (names: string[]) =>
    Object.fromEntries(names.filter((n) => changed.has(n)).map((n) => [n, o.fields[n]]));
  switch (o.kind) {
    case 'tenant':
      await api.call('PATCH', `/tenants/${current.id}`, only(['limits']));
      return;
    case 'aiProvider': {
      const body: Record<string, unknown> = only(configFields.aiProvider);
      // Keys are sealed: a changed pool is sent whole, from the environment.
      if (changed.has('keys')) body.keys = desired.secrets.get(fullKey(o));
      await api.call('PATCH', `/ai/providers/${current.id}`, body);
      return;
    }
    case 'aiModel': {
      const { tenantId: _t, ...body } = modelBody(o, id, '');
      await api.call('PATCH', `/ai/models/${current.id}`, body);
      return;
    }
    case 'api': {
      const { status: _s, ...rest } = only([...changed]);
      // Settings secrets are sealed: changed settings are sent with their values, from the environment.
      if (rest.settings) rest.settings = desired.settings.get(fullKey(o)) ?? rest.settings;
      if (Object.keys(rest).length) await api.call('PATCH', `/apis/${current.id}`, rest);
      await walk(
        api,
        `/apis/${current.id}`,
        apiPaths,
        current.fields.status as string,
        o.fields.status as string,
      );
      return;
    }
    case 'plan':
      await api.call('PATCH', `/plans/${current.id}`, only(['rateLimit', 'quota']));
      return;
    case 'app':
      return;
    case 'webhook': {
      const body = only(['url', 'events', 'enabled']);
      if (Object.keys(body).length) await api.call('PATCH', `/webhooks/${current.id}`, body);
      // Rolled with the default grace period: receivers still holding the old secret keep verifying for a day.
      if (changed.has('secretHint'))
        await api.call('POST', `/webhooks/${current.id}/rotate-secret`, {
          secret: desired.webhookSecrets.get(fullKey(o)),
        });
      return;
    }
    case 'subscription':
      if (changed.has('plan')) {
        // A new plan is a new subscription; the old one is revoked once the new one exists.
        await api.call('POST', `/subscriptions/${current.id}/revoke`, {});
        await create(api, o, desired, id);
        return;
      }
      await walk(
        api,
        `/subscriptions/${current.id}`,
        subscriptionPaths,
        current.fields.status as string,
        o.fields.status as string,
      );
  }
}

async function remove(api: AdminApi, o: CurrentObject): Promise<void> {
  const path = {
    tenant: `/tenants/${o.id}?confirm=${encodeURIComponent(o.tenant)}`,
    aiProvider: `/ai/providers/${o.id}`,
    aiModel: `/ai/models/${o.id}`,
    api: `/apis/${o.id}`,
    plan: `/plans/${o.id}`,
    app: `/apps/${o.id}`,
    webhook: `/webhooks/${o.id}`,
  } as const;
  if (o.kind === 'subscription') await api.call('POST', `/subscriptions/${o.id}/revoke`, {});
  else await api.call('DELETE', path[o.kind]);
}

async function walk(
  api: AdminApi,
  path: string,
  table: Record<string, Partial<Record<string, string[]>>>,
  from: string,
  to: string,
): Promise<void> {
  if (from === to) return;
  for (const action of table[from]?.[to] ?? []) await api.call('POST', `${path}/${action}`, {});
}

function apiOf(plan: GatewayObject): string {
  return plan.needs.find((n) => n.startsWith('api:'))!;
}

function modelBody(o: GatewayObject, id: IdOf, tenantId: string): Record<string, unknown> {
  const { provider, fallback, deployments, ...rest } = o.fields;
  const providerId = (name: unknown) => id(`aiProvider:${keyOf(o.tenant, name as string)}`);
  return {
    ...rest,
    tenantId,
    providerId: providerId(provider),
    deployments: (deployments as { provider: string }[]).map(({ provider, ...d }) => ({
      providerId: providerId(provider),
      ...d,
    })),
    fallbackModelId: fallback ? id(`aiModel:${keyOf(o.tenant, fallback as string)}`) : null,
  };
}

function subscriptionRefs(o: GatewayObject, id: IdOf): Record<string, string> {
  const api = o.fields.api as string;
  return {
    appId: id(o.needs[0]!),
    apiId: id(`api:${api}`),
    planId: id(`plan:${api}/${keyOf(o.fields.plan as string)}`),
  };
}
