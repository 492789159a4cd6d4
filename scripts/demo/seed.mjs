// The demo's story, written through the admin API: one tenant with a REST API on echo, an internal API,
// an AI API over llm-mock (model `claude`), and an app subscribed to the first and the last.
// Plain JavaScript (types in seed.d.mts) so that compose.yaml's `seed` service runs it with the gateway
// image's bare Node: `node seed.mjs` with GATEWAY_URL, ADMIN_TOKEN, ECHO_URL and LLM_URL set.

/**
 * @param {string} base the gateway, e.g. http://127.0.0.1:8080
 * @param {string} adminToken
 * @param {string} echoUrl the echo service as the gateway reaches it
 * @param {string} llmUrl the llm-mock's API root as the gateway reaches it (…/v1)
 * @returns {Promise<{ key: string }>}
 */
export async function seed(base, adminToken, echoUrl, llmUrl) {
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`seeding: ${method} ${path} → ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const tenant = await call('POST', '/tenants', { name: 'demo' });
  const publishedApi = async (body, plan) => {
    const api = await call('POST', '/apis', { tenantId: tenant.id, ...body });
    await call('POST', `/apis/${api.id}/publish`);
    return { api, plan: await call('POST', `/apis/${api.id}/plans`, plan) };
  };

  const targets = [{ url: echoUrl, weight: 1 }];
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
    baseUrl: llmUrl,
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
  const { key } = await call('POST', `/apps/${app.id}/keys`, { name: 'demo' });
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

/** compose.yaml's seed service: waits for the gateway, seeds once, prints what to try from the host. */
async function seedService(env) {
  const base = env.GATEWAY_URL;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i === 120) throw new Error(`the gateway at ${base} was not ready within 2 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const tenants = await fetch(`${base}/admin/v1/tenants`, {
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
  }).then((r) => r.json());
  if (tenants.items?.some((t) => t.name === 'demo')) {
    console.log('seed: already seeded (keys are shown once); `docker compose down -v` starts over');
    return;
  }
  const { key } = await seed(base, env.ADMIN_TOKEN, env.ECHO_URL, env.LLM_URL);
  const outside = env.PUBLIC_URL ?? base;
  console.log(
    [
      `seed: done. API key ${key}`,
      `curl -i ${outside}/echo/hello -H 'x-api-key: ${key}'`,
      `GATEWAY_URL=${outside}/ai/v1 GATEWAY_KEY=${key} npx tsx scripts/demo/ai-client.ts`,
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  seedService(process.env).catch((error) => {
    console.error(`seed: ${error.message}`);
    process.exit(1);
  });
}
