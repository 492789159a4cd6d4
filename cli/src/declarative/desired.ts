// Turns a validated document into gateway objects, resolving ${env:NAME} secrets; reports every problem at once.
import { resolveProvider } from '../../../gateway/src/admin/routes/ai-provider-options.js';
import { webhookSecret } from '../../../gateway/src/admin/schemas/webhooks.js';
import type { GatewayError } from '../../../gateway/src/errors/gateway-error.js';
import { defaultRegistry } from '../../../gateway/src/policies/registry.js';
import { sealedMask } from '../../../gateway/src/policies/sealed-settings.js';
import { keyHint } from '../../../gateway/src/security/secret-box.js';
import { CliError, exitCodes } from '../errors.js';
import { fullKey, type GatewayObject, keyOf, subscriptionKey } from './model.js';
import { type Document, envRef } from './schema.js';

export interface Desired {
  objects: Map<string, GatewayObject>;
  /** Provider secrets by full key, in the document's order: sent on create and when the pool changes. */
  secrets: Map<string, { key: string; priority: number }[]>;
  /** Webhook signing secrets by full key: sent on create and when their hint changes. */
  webhookSecrets: Map<string, string>;
  /** API settings with their secrets resolved, by full key: sent on create and when the settings change. */
  settings: Map<string, Record<string, unknown>>;
}

const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function desiredObjects(doc: Document, env: NodeJS.ProcessEnv = process.env): Desired {
  const objects = new Map<string, GatewayObject>();
  const secrets = new Map<string, { key: string; priority: number }[]>();
  const webhookSecrets = new Map<string, string>();
  const settings = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  const fromEnv = (where: string, ref: string) => {
    const name = ENV_REF.exec(ref)![1]!;
    const value = env[name];
    if (!value) problems.push(`${where}: environment variable ${name} is not set`);
    return value ?? '';
  };
  const add = (where: string, o: GatewayObject) => {
    const k = fullKey(o);
    if (objects.has(k)) problems.push(`${where}: ${o.kind} ${o.key} is declared twice`);
    objects.set(k, o);
  };

  for (const [i, t] of doc.tenants.entries())
    add(`tenants[${i}]`, { kind: 'tenant', key: keyOf(t.name), tenant: t.name, needs: [], fields: { ...t } });

  for (const [i, p] of doc.aiProviders.entries()) {
    const { tenant, keys, ...rest } = p;
    const resolved = keys.map((k, j) => ({
      key: fromEnv(`aiProviders[${i}].keys[${j}].key`, k.key),
      priority: k.priority,
    }));
    // As the admin API will store it (a preset's type and base URL filled in), so a re-apply finds no change.
    let fields: Record<string, unknown> = rest;
    try {
      fields = { ...rest, ...resolveProvider(rest) };
    } catch (err) {
      const errors = (err as GatewayError).extra?.fields?.errors as { field: string; message: string }[];
      for (const e of errors ?? []) problems.push(`aiProviders[${i}].${e.field}: ${e.message}`);
    }
    const o: GatewayObject = {
      kind: 'aiProvider',
      key: keyOf(tenant, p.name),
      tenant,
      needs: [`tenant:${keyOf(tenant)}`],
      fields: { ...fields, keys: hints(resolved) },
    };
    add(`aiProviders[${i}]`, o);
    secrets.set(fullKey(o), resolved);
  }

  for (const [i, m] of doc.aiModels.entries()) {
    const { tenant, ...fields } = m;
    const needs = [`tenant:${keyOf(tenant)}`, `aiProvider:${keyOf(tenant, m.provider)}`];
    for (const d of m.deployments) needs.push(`aiProvider:${keyOf(tenant, d.provider)}`);
    if (m.fallback !== null) needs.push(`aiModel:${keyOf(tenant, m.fallback)}`);
    add(`aiModels[${i}]`, { kind: 'aiModel', key: keyOf(tenant, m.name), tenant, needs, fields });
  }

  for (const [i, a] of doc.apis.entries()) {
    const { tenant, plans, ...fields } = a;
    const apiKey = keyOf(tenant, a.name);
    const o: GatewayObject = { kind: 'api', key: apiKey, tenant, needs: [`tenant:${keyOf(tenant)}`], fields };
    if (a.settings) {
      const { plain, masked } = settingsSecrets(a.settings, env, (field, message) =>
        problems.push(`apis[${i}].${field}: ${message}`),
      );
      // Compared as the gateway shows them (masked); sent with the values.
      o.fields = { ...fields, settings: masked };
      settings.set(fullKey(o), plain);
    }
    add(`apis[${i}]`, o);
    for (const [j, p] of plans.entries())
      add(`apis[${i}].plans[${j}]`, {
        kind: 'plan',
        key: `${apiKey}/${keyOf(p.name)}`,
        tenant,
        needs: [`api:${apiKey}`],
        fields: { ...p },
      });
  }

  for (const [i, app] of doc.apps.entries()) {
    const appKey = keyOf(app.tenant, app.name);
    add(`apps[${i}]`, {
      kind: 'app',
      key: appKey,
      tenant: app.tenant,
      needs: [`tenant:${keyOf(app.tenant)}`],
      fields: { name: app.name },
    });
    for (const [j, s] of app.subscriptions.entries()) {
      const apiKey = keyOf(s.apiTenant ?? app.tenant, s.api);
      add(`apps[${i}].subscriptions[${j}]`, {
        kind: 'subscription',
        key: subscriptionKey(appKey, apiKey),
        tenant: app.tenant,
        needs: [`app:${appKey}`, `api:${apiKey}`, `plan:${apiKey}/${keyOf(s.plan)}`],
        fields: { api: apiKey, plan: s.plan, status: s.status },
      });
    }
  }
  for (const [i, w] of doc.webhooks.entries()) {
    const { tenant, secret, ...rest } = w;
    const value = fromEnv(`webhooks[${i}].secret`, secret);
    const problem = webhookSecret.safeParse(value).error?.issues[0]?.message;
    if (value && problem) problems.push(`webhooks[${i}].secret: the environment's value ${problem}`);
    const o: GatewayObject = {
      kind: 'webhook',
      key: keyOf(tenant, w.name),
      tenant,
      needs: [`tenant:${keyOf(tenant)}`],
      // The gateway shows a secret by its hint only: a changed value is noticed by it.
      fields: { ...rest, secretHint: keyHint(value) },
    };
    add(`webhooks[${i}]`, o);
    webhookSecrets.set(fullKey(o), value);
  }
  if (problems.length) throw new CliError(problems.join('\n'), exitCodes.usage);
  return { objects, secrets, webhookSecrets, settings };
}

/** The secrets of API settings (policies/sealed-settings.ts) are ${env:NAME} references in a file, never values. */
function settingsSecrets(
  settings: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problem: (field: string, message: string) => void,
) {
  let plain = settings;
  let masked = settings;
  for (const [key, field] of defaultRegistry.secretFields) {
    const member = settings[key] as Record<string, unknown> | undefined;
    const ref = member?.[field];
    if (ref === undefined) continue;
    const name = typeof ref === 'string' ? ENV_REF.exec(ref)?.[1] : undefined;
    const where = `settings.${key}.${field}`;
    if (!name) {
      problem(where, `secrets must be ${envRef('NAME')} references, never literal values`);
      continue;
    }
    const value = env[name];
    if (!value) problem(where, `environment variable ${name} is not set`);
    plain = { ...plain, [key]: { ...(plain[key] as object), [field]: value ?? '' } };
    masked = { ...masked, [key]: { ...(masked[key] as object), [field]: sealedMask(value ?? '') } };
  }
  return { plain, masked };
}

/** What the gateway shows of a pool: the hint and priority of each key, in a stable order. */
export function hints(keys: readonly { key: string; priority: number }[]) {
  return keys.map((k) => ({ hint: keyHint(k.key), priority: k.priority })).sort(byHint);
}

export function byHint(a: { hint: string; priority: number }, b: { hint: string; priority: number }) {
  return a.priority - b.priority || a.hint.localeCompare(b.hint);
}
