// The demo's story, written through the admin API: one tenant with a REST API on echo, an internal API,
// an AI API over llm-mock (model `claude`), and an app subscribed to the first and the last.

type Resource = { id: string } & Record<string, unknown>;

export interface Seeded {
  readonly key: string;
}

export async function seed(
  base: string,
  adminToken: string,
  echoPort: number,
  llmPort: number,
): Promise<Seeded> {
  const call = async <T = Resource>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`seeding: ${method} ${path} → ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const publishedApi = async (body: Record<string, unknown>, plan: Record<string, unknown>) => {
    const api = await call('POST', '/apis', { tenantId: tenant.id, ...body });
    await call('POST', `/apis/${api.id}/publish`);
    return { api, plan: await call('POST', `/apis/${api.id}/plans`, plan) };
  };

  const tenant = await call('POST', '/tenants', { name: 'demo' });
  const targets = [{ url: `http://127.0.0.1:${echoPort}`, weight: 1 }];
  const echo = await publishedApi(
    { name: 'Echo', basePath: '/echo', visibility: 'public', approval: 'manual', targets },
    { name: 'starter', rateLimit: { requestsPerSecond: 50, burst: 100 }, quota: { requestsPerDay: 10_000 } },
  );
  await publishedApi({ name: 'Echo (internal)', basePath: '/internal', targets }, { name: 'internal' });

  // llm-mock answers in Anthropic's format, so the demo also shows the OpenAI ⇄ Anthropic translation.
  const provider = await call('POST', '/ai/providers', {
    tenantId: tenant.id,
    name: 'llm-mock',
    type: 'anthropic',
    baseUrl: `http://127.0.0.1:${llmPort}/v1`,
    keys: [{ key: 'llm-mock-accepts-any-key' }],
  });
  await call('POST', '/ai/models', {
    tenantId: tenant.id,
    name: 'claude',
    providerId: provider.id,
    upstreamModel: 'mock-claude-small',
    inputPricePer1k: 0.003,
    outputPricePer1k: 0.015,
  });
  const ai = await publishedApi(
    { name: 'LLM', basePath: '/ai/v1', kind: 'ai', visibility: 'public' },
    { name: 'tokens', quota: { tokensPerDay: 100_000 } },
  );

  const app = await call('POST', '/apps', { tenantId: tenant.id, name: 'demo app' });
  const { key } = await call<{ key: string }>('POST', `/apps/${app.id}/keys`, { name: 'demo' });
  for (const { api, plan } of [echo, ai]) {
    const sub = await call('POST', '/subscriptions', {
      appId: app.id,
      apiId: api.id,
      planId: plan.id,
      reason: 'demo',
    });
    if (sub.status === 'pending') {
      await call('POST', `/subscriptions/${sub.id}/approve`, { comment: 'approved by the demo' });
    }
  }
  return { key };
}
