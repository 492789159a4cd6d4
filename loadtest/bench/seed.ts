// Seeds a fresh gateway through its admin API: an open API, a keyed API with plan and subscription, a quota API.
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, BenchErrorCode } from './bench-error.js';

export const benchPaths = { open: '/bench-open', keyed: '/bench-keyed', quota: '/bench-quota' } as const;

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

export async function seedGateway(
  gatewayUrl: string,
  adminToken: string,
  backendUrl: string,
  quota: number,
): Promise<SeededGateway> {
  const call = adminClient(gatewayUrl, adminToken);
  const tenantId = idOf(await call('POST', '/tenants', { name: 'bench' }), 'tenant');
  const targets = [{ url: backendUrl, weight: 1 }];
  const api = async (name: string, basePath: string, auth: 'none' | 'key') => {
    const created = await call('POST', '/apis', {
      name,
      basePath,
      auth,
      approval: 'auto',
      targets,
      tenantId,
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
  const appId = idOf(await call('POST', '/apps', { name: 'bench-client', tenantId }), 'app');
  const key = (await call('POST', `/apps/${appId}/keys`, { name: 'bench' })).key;
  if (typeof key !== 'string') throw new BenchError(BenchErrorCode.seedFailed, 'key: response has no key');
  for (const [apiId, planId] of [
    [keyedId, keyedPlan],
    [quotaId, quotaPlan],
  ] as const) {
    const subscription = await call('POST', '/subscriptions', { appId, apiId, planId });
    if (subscription.status !== 'approved') {
      await call('POST', `/subscriptions/${idOf(subscription, 'subscription')}/approve`, {});
    }
  }
  await waitUntilRouted(`${gatewayUrl}${benchPaths.keyed}/`, key);
  return { apiKey: key, quota };
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
