// The admin API for AI providers and models on both stores: exact bodies, keys never shown again and sealed
// at rest, tenant isolation, reference checks, and the data plane using what was written.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  expectProblem,
  startOn,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { type LlmMock, startLlmMock } from '../test-support/ai-fixtures.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('AI admin on %s', (kind) => {
  let fx: AdminFixture;
  let tenant: TenantHandle;
  let other: TenantHandle;
  let mock: LlmMock;

  beforeAll(async () => {
    mock = await startLlmMock({ apiKeys: ['sk-live-key-2'] });
    fx = await startOn(kind);
    tenant = await tenantWithToken(fx.admin, 'ai-owner');
    other = await tenantWithToken(fx.admin, 'ai-other');
  });
  afterAll(async () => {
    await fx?.close();
    await mock?.close();
  });

  const providerBody = (keys = [{ key: 'sk-live-key-1', priority: 1 }]) => ({
    name: 'mock',
    type: 'openai',
    baseUrl: `${mock.url}/v1/`,
    keys,
  });

  it('creates a provider and never shows its keys again, storing them sealed', async () => {
    const reply = await tenant.client.request('POST', `${V1}/ai/providers`, providerBody());
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^prv_/),
      tenantId: tenant.id,
      name: 'mock',
      type: 'openai',
      baseUrl: `${mock.url}/v1`,
      maxConnections: 128,
      preset: null,
      apiVersion: null,
      azureDeployments: {},
      headers: {},
      keys: [
        { id: expect.stringMatching(/^pk_/), hint: '…ey-1', priority: 1, createdAt: expect.any(String) },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(
      JSON.stringify(await tenant.client.ok('GET', `${V1}/ai/providers/${reply.body.id}`)),
    ).not.toContain('sk-live');
    expect((await tenant.client.ok('GET', `${V1}/ai/providers`)).items).toEqual([reply.body]);
    const rows = await fx.gateway.store.db
      .selectFrom('ai_provider_keys')
      .select(['sealed', 'hint'])
      .execute();
    expect(rows.map((r) => [r.sealed.startsWith('v1.'), r.sealed.includes('sk-live'), r.hint])).toEqual([
      [true, false, '…ey-1'],
    ]);
  });

  it('keeps providers to their tenant: another tenant sees nothing and gets 404', async () => {
    const created = await tenant.client.ok('POST', `${V1}/ai/providers`, {
      ...providerBody(),
      name: 'private',
    });
    expect((await other.client.ok('GET', `${V1}/ai/providers`)).items).toEqual([]);
    expectProblem(
      await other.client.request('GET', `${V1}/ai/providers/${created.id}`),
      404,
      'not_found',
      `provider ${created.id} not found`,
    );
    expectProblem(
      await other.client.request('DELETE', `${V1}/ai/providers/${created.id}`),
      404,
      'not_found',
      `provider ${created.id} not found`,
    );
    expect((await tenant.client.request('DELETE', `${V1}/ai/providers/${created.id}`)).status).toBe(204);
  });

  it('validates provider bodies: type, URL, at least one key, unknown fields', async () => {
    const reply = await tenant.client.request('POST', `${V1}/ai/providers`, {
      name: 'bad',
      type: 'cohere',
      baseUrl: 'ftp://x',
      keys: [],
      extra: 1,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'baseUrl',
      'extra',
      'keys',
      'type',
    ]);
  });

  describe('models, and the data plane using them', () => {
    let provider: { id: string; keys: { id: string }[] };
    let model: { id: string };

    beforeAll(async () => {
      provider = await tenant.client.ok('POST', `${V1}/ai/providers`, { ...providerBody(), name: 'main' });
    });

    it('creates a model with exact body and defaults', async () => {
      const reply = await tenant.client.request('POST', `${V1}/ai/models`, {
        name: 'gpt-mini',
        providerId: provider.id,
        upstreamModel: 'mock-gpt-small',
        inputPricePer1k: 0.25,
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.stringMatching(/^mdl_/),
        tenantId: tenant.id,
        name: 'gpt-mini',
        providerId: provider.id,
        upstreamModel: 'mock-gpt-small',
        inputPricePer1k: 0.25,
        outputPricePer1k: 0,
        fallbackModelId: null,
        tokensPerMinute: null,
        requestsPerMinute: null,
        routing: 'weighted',
        weight: 1,
        deployments: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      model = reply.body;
      expect(await tenant.client.ok('GET', `${V1}/ai/models/${model.id}`)).toEqual(reply.body);
      expectProblem(
        await tenant.client.request('POST', `${V1}/ai/models`, {
          name: 'gpt-mini',
          providerId: provider.id,
          upstreamModel: 'x',
        }),
        409,
        'conflict',
        'the tenant already has a model with this name',
      );
    });

    it("refuses another tenant's provider and a fallback that loops", async () => {
      const foreign = await other.client.ok('POST', `${V1}/ai/providers`, {
        ...providerBody(),
        name: 'theirs',
      });
      const reply = await tenant.client.request('POST', `${V1}/ai/models`, {
        name: 'm2',
        providerId: foreign.id,
        upstreamModel: 'x',
      });
      expectProblem(reply, 400, 'validation_failed', 'invalid request: body.providerId', {
        errors: [
          { in: 'body', field: 'providerId', message: `${foreign.id} is not a provider of this tenant` },
        ],
      });
      const second = await tenant.client.ok('POST', `${V1}/ai/models`, {
        name: 'backup',
        providerId: provider.id,
        upstreamModel: 'mock-gpt-large',
        fallbackModelId: model.id,
      });
      const loop = await tenant.client.request('PATCH', `${V1}/ai/models/${model.id}`, {
        fallbackModelId: second.id,
      });
      expectProblem(loop, 400, 'validation_failed', 'invalid request: body.fallbackModelId', {
        errors: [
          { in: 'body', field: 'fallbackModelId', message: 'would make the fallbacks go round in a circle' },
        ],
      });
      expect((await tenant.client.request('DELETE', `${V1}/ai/models/${second.id}`)).status).toBe(204);
    });

    it('serves the model through an ai API, and a key pool change takes effect at once', async () => {
      const api = await tenant.client.ok('POST', `${V1}/apis`, {
        name: 'llm',
        basePath: '/ai/v1',
        kind: 'ai',
        approval: 'auto',
      });
      await tenant.client.ok('POST', `${V1}/apis/${api.id}/publish`);
      const plan = await tenant.client.ok('POST', `${V1}/apis/${api.id}/plans`, { name: 'free' });
      const app = await tenant.client.ok('POST', `${V1}/apps`, { name: 'chat-app' });
      const key = await tenant.client.ok('POST', `${V1}/apps/${app.id}/keys`, {});
      await tenant.client.ok('POST', `${V1}/subscriptions`, {
        appId: app.id,
        apiId: api.id,
        planId: plan.id,
      });
      const client = new OpenAI({ apiKey: key.key, baseURL: `${fx.gateway.url}/ai/v1`, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'hi' }];

      // The only key is one the mock does not accept: every attempt fails.
      const failed = await client.chat.completions
        .create({ model: 'gpt-mini', messages })
        .catch((e: unknown) => e);
      expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);

      const patched = await tenant.client.ok('PATCH', `${V1}/ai/providers/${provider.id}`, {
        keys: [
          { id: provider.keys[0]!.id, priority: 5 },
          { key: 'sk-live-key-2', priority: 1 },
        ],
      });
      expect(patched.keys.map((k: { hint: string; priority: number }) => [k.hint, k.priority])).toEqual([
        ['…ey-2', 1],
        ['…ey-1', 5],
      ]);
      const answer = await client.chat.completions.create({ model: 'gpt-mini', messages });
      expect(answer.choices[0]!.message.content).toBe('echo: hi');
      expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-mini']);

      const unknownKey = await tenant.client.request('PATCH', `${V1}/ai/providers/${provider.id}`, {
        keys: [{ id: 'pk_nope' }],
      });
      expectProblem(unknownKey, 400, 'validation_failed', 'invalid request: body.keys.0.id', {
        errors: [{ in: 'body', field: 'keys.0.id', message: 'pk_nope is not a key of this provider' }],
      });
    });

    it('refuses to delete a provider in use; deleting the model first frees it', async () => {
      expectProblem(
        await tenant.client.request('DELETE', `${V1}/ai/providers/${provider.id}`),
        409,
        'conflict',
        'the provider is used by models gpt-mini; change or delete them first',
      );
      expect((await tenant.client.request('DELETE', `${V1}/ai/models/${model.id}`)).status).toBe(204);
      expect((await tenant.client.request('DELETE', `${V1}/ai/providers/${provider.id}`)).status).toBe(204);
      const left = await fx.gateway.store.db
        .selectFrom('ai_provider_keys')
        .select('id')
        .where('provider_id', '=', provider.id)
        .execute();
      expect(left).toEqual([]);
    });
  });

  it('deletes a tenant with its providers, keys and models', async () => {
    const doomed = await tenantWithToken(fx.admin, 'ai-doomed');
    const p = await doomed.client.ok('POST', `${V1}/ai/providers`, providerBody());
    await doomed.client.ok('POST', `${V1}/ai/models`, { name: 'm', providerId: p.id, upstreamModel: 'x' });
    expect((await fx.admin.request('DELETE', `${V1}/tenants/${doomed.id}?confirm=ai-doomed`)).status).toBe(
      204,
    );
    const db = fx.gateway.store.db;
    expect(
      await db.selectFrom('ai_models').select('id').where('tenant_id', '=', doomed.id).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('ai_providers').select('id').where('tenant_id', '=', doomed.id).execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('ai_provider_keys').select('id').where('provider_id', '=', p.id).execute(),
    ).toEqual([]);
  });

  it("checks a prompt API's settings when the API is written", async () => {
    const reply = await tenant.client.request('POST', `${V1}/apis`, {
      name: 'summarise',
      basePath: '/summarise',
      kind: 'prompt',
      settings: { model: 'm', template: 'Summarise {{text}} for {{reader}}', variables: { text: {} } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      { in: 'body', field: 'settings.template', message: 'uses undeclared variables: reader' },
    ]);
  });
});
