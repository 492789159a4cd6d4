// Set-up for the AI layer's tests: real llm-mock servers, AI providers and models, and AI/prompt APIs with a
// keyed, approved subscription, all on a real gateway.
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { createLlmMockServer, type LlmMockServerOptions } from '../../../services/llm-mock/src/server.js';
import type { CallLogTable } from '../store/schema.js';
import { type AdminClient, listen, startTestGateway, type TestGateway } from './harness.js';
import { sharedRedisUrl } from './redis.js';
import { postgresDatabase } from './stores.js';

export interface LlmMock {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startLlmMock(options: LlmMockServerOptions = {}): Promise<LlmMock> {
  const server = createLlmMockServer(options);
  const url = await listen(server);
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let seq = 0;
const uid = (p: string) => `${p}_${Date.now().toString(36)}${(seq++).toString(36)}`;

export interface ProviderSeed {
  tenantId: string;
  type: 'openai' | 'anthropic';
  baseUrl: string;
  keys: { key: string; priority?: number }[];
  name?: string;
  /** More admin fields (apiVersion, deployments, headers…). */
  extra?: Record<string, unknown>;
}

/** Creates a provider through the admin API; key ids come back in the order the keys were given. */
export async function seedProvider(
  gw: TestGateway,
  p: ProviderSeed,
): Promise<{ id: string; keyIds: string[] }> {
  const keys = p.keys.map((k, i) => ({ key: k.key, priority: k.priority ?? i }));
  const created = await gw.admin.ok('POST', '/admin/v1/ai/providers', {
    tenantId: p.tenantId,
    name: p.name ?? uid('provider'),
    type: p.type,
    baseUrl: p.baseUrl,
    keys,
    ...p.extra,
  });
  // The pool comes back sorted by priority; the seeds use distinct priorities, so that order is theirs.
  const byPriority = [...keys].sort((a, b) => a.priority - b.priority);
  const keyIds = keys.map((k) => created.keys[byPriority.indexOf(k)].id as string);
  return { id: created.id, keyIds };
}

export interface ModelSeed {
  tenantId: string;
  name: string;
  providerId: string;
  upstreamModel: string;
  inputPricePer1k?: number;
  outputPricePer1k?: number;
  fallbackModelId?: string | null;
}

export async function seedModel(gw: TestGateway, m: ModelSeed): Promise<string> {
  const { name, providerId, upstreamModel, tenantId } = m;
  const created = await gw.admin.ok('POST', '/admin/v1/ai/models', {
    tenantId,
    name,
    providerId,
    upstreamModel,
    inputPricePer1k: m.inputPricePer1k ?? 0,
    outputPricePer1k: m.outputPricePer1k ?? 0,
    fallbackModelId: m.fallbackModelId ?? null,
  });
  return created.id;
}

export interface AiApiSeed {
  tenantId: string;
  kind: 'ai' | 'prompt';
  basePath: string;
  settings?: Record<string, unknown>;
  plan?: Record<string, unknown>;
  timeoutMs?: number;
}

export interface SeededAiApi {
  apiId: string;
  planId: string;
  appId: string;
  key: string;
  subscriptionId: string;
}

/** A published AI or prompt API of the tenant, a plan, an app with a key and an approved subscription. */
export async function seedAiApi(gw: TestGateway, o: AiApiSeed): Promise<SeededAiApi> {
  const admin: AdminClient = gw.admin;
  const api = await admin.ok('POST', '/admin/v1/apis', {
    tenantId: o.tenantId,
    name: `${o.kind} api`,
    basePath: o.basePath,
    kind: o.kind,
    approval: 'auto',
    ...(o.settings ? { settings: o.settings } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  await admin.ok('POST', `/admin/v1/apis/${api.id}/publish`);
  const plan = await admin.ok('POST', `/admin/v1/apis/${api.id}/plans`, { name: 'default', ...o.plan });
  const app = await admin.ok('POST', '/admin/v1/apps', { tenantId: o.tenantId, name: `app ${uid('a')}` });
  const key = await admin.ok('POST', `/admin/v1/apps/${app.id}/keys`, { name: 'k' });
  const sub = await admin.ok('POST', '/admin/v1/subscriptions', {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
  });
  return { apiId: api.id, planId: plan.id, appId: app.id, key: key.key, subscriptionId: sub.id };
}

export async function newTenant(gw: TestGateway): Promise<string> {
  return (await gw.admin.ok('POST', '/admin/v1/tenants', { name: uid('t') })).id;
}

export type LogRow = Omit<CallLogTable, 'id'> & { id: number };

/** The call-log row of the call that sent this X-Request-Id (its clientRequestId), after writing what is queued. */
export async function logOf(gw: TestGateway, requestId: string): Promise<LogRow> {
  await gw.callLog.flushOnce();
  const row = await gw.store.db
    .selectFrom('call_logs')
    .selectAll()
    .where('client_request_id', '=', requestId)
    .executeTakeFirst();
  if (!row) throw new Error(`no call-log row for ${requestId}`);
  return row as LogRow;
}

/** Waits until the call's record was made (the response 'close' event comes just after the client has it). */
export async function settled(gw: TestGateway, requestId: string): Promise<LogRow> {
  for (let i = 0; i < 50; i++) {
    await gw.callLog.flushOnce();
    const found = await gw.store.db
      .selectFrom('call_logs')
      .select(sql<number>`count(*)`.as('n'))
      .where('client_request_id', '=', requestId)
      .executeTakeFirst();
    if (Number(found?.n) > 0) return logOf(gw, requestId);
    await new Promise((r) => setTimeout(r, 20));
  }
  return logOf(gw, requestId);
}

export interface Replicas {
  a: TestGateway;
  b: TestGateway;
  /** Waits until replica `b` has loaded the config version `a` is at. */
  converged(): Promise<void>;
  stop(): Promise<void>;
}

/** Two gateways on one fresh PostgreSQL database and the shared Redis: replicas of one deployment. */
export async function startReplicas(): Promise<Replicas> {
  const database = await postgresDatabase();
  const env = { DATABASE_URL: database.url, REDIS_URL: sharedRedisUrl, CONFIG_POLL_MS: 300 };
  const a = await startTestGateway(env as never);
  const b = await startTestGateway(env as never);
  const version = async (g: TestGateway) =>
    ((await (await fetch(`${g.url}/readyz`)).json()) as { configVersion: number }).configVersion;
  return {
    a,
    b,
    async converged() {
      const target = await version(a);
      while ((await version(b)) < target) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      await a.stop();
      await b.stop();
      await database.drop();
    },
  };
}

let posted = 0;

/** POSTs JSON with an app key and a fresh X-Request-Id; the answer's text and the call's call-log row. */
export async function postAi(gw: TestGateway, path: string, key: string, body: unknown) {
  const requestId = `post-ai-${Date.now().toString(36)}-${posted++}`;
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { res, text, row: await settled(gw, requestId) };
}
