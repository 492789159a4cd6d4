// Seeds a fresh gateway through its admin API: an open API, a keyed API with plan and subscription, a quota API.
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, BenchErrorCode } from './bench-error.js';

export const benchPaths = {
  open: '/bench-open',
  keyed: '/bench-keyed',
  quota: '/bench-quota',
  jwt: '/bench-jwt',
  // The contract's unified endpoint: an API of kind `ai` at /ai/v1.
  ai: '/ai/v1',
} as const;

export interface SeededGateway {
  /** Key of an app subscribed (approved) to the keyed and the quota API. */
  readonly apiKey: string;
  readonly quota: number;
}

type Json = Record<string, unknown>;

/** A small admin client: bearer token, JSON in and out, a clear error naming the failed call. */
export function adminClient(baseUrl: string, token: string) {
  return async function call(method: string, path: string, body?: Json): Promise<Json> {
    const response = await fetch(`${baseUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new BenchError(
        BenchErrorCode.seedFailed,
        `${method} ${path} → ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    return text ? (JSON.parse(text) as Json) : {};
  };
}

function idOf(resource: Json, what: string): string {
  const id = resource.id;
  if (typeof id !== 'string') throw new BenchError(BenchErrorCode.seedFailed, `${what}: response has no id`);
  return id;
}

/** A JWT API whose tokens name `clientId`, registered to the bench app. */
export interface JwtSeed {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly clientId: string;
}

export interface AiSeed {
  /** The llm-mock's base URL (without /v1). */
  readonly mockUrl: string;
  /** The public model name clients send. */
  readonly model: string;
}

export async function seedGateway(
  gatewayUrl: string,
  adminToken: string,
  backendUrl: string,
  quota: number,
  ai?: AiSeed,
  jwt?: JwtSeed,
): Promise<SeededGateway> {
  const call = adminClient(gatewayUrl, adminToken);
  const tenantId = idOf(await call('POST', '/tenants', { name: 'bench' }), 'tenant');
  const targets = [{ url: backendUrl, weight: 1 }];
  const api = async (name: string, basePath: string, auth: 'none' | 'key' | 'jwt', settings?: Json) => {
    const created = await call('POST', '/apis', {
      name,
      basePath,
      auth,
      approval: 'auto',
      targets,
      tenantId,
      ...(settings ? { settings } : {}),
    });
    const apiId = idOf(created, `api ${name}`);
    await call('POST', `/apis/${apiId}/publish`, {});
    return apiId;
  };
  await api('bench-open', benchPaths.open, 'none');
  const keyedId = await api('bench-keyed', benchPaths.keyed, 'key');
  const quotaId = await api('bench-quota', benchPaths.quota, 'key');
  // No limits on the keyed plan: the throughput rows measure the chain, not a 429 fast path.
  const keyedPlan = idOf(await call('POST', `/apis/${keyedId}/plans`, { name: 'bench-unlimited' }), 'plan');
  const quotaPlan = idOf(
    await call('POST', `/apis/${quotaId}/plans`, { name: 'bench-quota', quota: { requestsPerDay: quota } }),
    'quota plan',
  );
  const subscribed: [string, string][] = [
    [keyedId, keyedPlan],
    [quotaId, quotaPlan],
  ];
  if (ai) subscribed.push(await seedAi(call, tenantId, ai));
  if (jwt) {
    const settings = { jwt: { issuers: [jwt.issuer], audiences: [jwt.audience], jwksUrl: jwt.jwksUrl } };
    const jwtId = await api('bench-jwt', benchPaths.jwt, 'jwt', settings);
    subscribed.push([
      jwtId,
      idOf(await call('POST', `/apis/${jwtId}/plans`, { name: 'bench-jwt' }), 'jwt plan'),
    ]);
  }
  const appId = idOf(await call('POST', '/apps', { name: 'bench-client', tenantId }), 'app');
  if (jwt) await call('POST', `/apps/${appId}/clients`, { kind: 'client_id', value: jwt.clientId });
  const key = (await call('POST', `/apps/${appId}/keys`, { name: 'bench' })).key;
  if (typeof key !== 'string') throw new BenchError(BenchErrorCode.seedFailed, 'key: response has no key');
  for (const [apiId, planId] of subscribed) {
    const subscription = await call('POST', '/subscriptions', { appId, apiId, planId });
    if (subscription.status !== 'approved') {
      await call('POST', `/subscriptions/${idOf(subscription, 'subscription')}/approve`, {});
    }
  }
  await waitUntilRouted(`${gatewayUrl}${benchPaths.keyed}/`, key);
  return { apiKey: key, quota };
}

/** An OpenAI-type provider on the llm-mock, a model, and the `ai` API with an unlimited plan. */
async function seedAi(
  call: ReturnType<typeof adminClient>,
  tenantId: string,
  ai: AiSeed,
): Promise<[string, string]> {
  const provider = await call('POST', '/ai/providers', {
    name: 'bench-llm-mock',
    type: 'openai',
    baseUrl: `${ai.mockUrl}/v1`,
    // Above the ai rows' 200 concurrent streams: they measure what the gateway adds below the provider's cap.
    maxConnections: 256,
    keys: [{ key: 'sk-bench-llm-mock', priority: 1 }],
    tenantId,
  });
  await call('POST', '/ai/models', {
    name: ai.model,
    providerId: idOf(provider, 'ai provider'),
    upstreamModel: 'mock-model',
    inputPricePer1k: 0,
    outputPricePer1k: 0,
    tenantId,
  });
  const created = await call('POST', '/apis', {
    name: 'bench-ai',
    basePath: benchPaths.ai,
    kind: 'ai',
    auth: 'key',
    approval: 'auto',
    tenantId,
  });
  const apiId = idOf(created, 'ai api');
  await call('POST', `/apis/${apiId}/publish`, {});
  return [apiId, idOf(await call('POST', `/apis/${apiId}/plans`, { name: 'bench-ai-unlimited' }), 'ai plan')];
}

/** The data plane reads a snapshot rebuilt after changes; wait until the keyed route answers 200. */
async function waitUntilRouted(url: string, key: string): Promise<void> {
  let last = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(url, { headers: { 'x-api-key': key } });
    await response.arrayBuffer();
    if (response.status === 200) return;
    last = response.status;
    await sleep(100);
  }
  throw new BenchError(BenchErrorCode.seedFailed, `keyed route ${url} still answers ${last} after seeding`);
}
