// CRUD of tenants, APIs (with their lifecycle), plans and apps on both stores, with exact bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiStatuses, apiTransitions } from '../domain/types.js';
import {
  type AdminFixture,
  expectProblem,
  restApi,
  startOn,
  storeState,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('admin resources on %s', (kind) => {
  let fx: AdminFixture;
  let tenant: TenantHandle;

  beforeAll(async () => {
    fx = await startOn(kind);
    tenant = await tenantWithToken(fx.admin, 'resources');
  });
  afterAll(() => fx.close());

  it('tenants: create, get, rename, list, delete with everything they own', async () => {
    const created = await fx.admin.request('POST', `${V1}/tenants`, { name: 'short-lived' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^ten_/),
      name: 'short-lived',
      limits: null,
      createdAt: expect.any(String),
    });
    const id = created.body.id;
    expect(await fx.admin.ok('GET', `${V1}/tenants/${id}`)).toEqual(created.body);
    expect(await fx.admin.ok('PATCH', `${V1}/tenants/${id}`, { name: 'renamed' })).toEqual({
      ...created.body,
      name: 'renamed',
    });
    expect((await fx.admin.ok('GET', `${V1}/tenants`)).items.map((t: { name: string }) => t.name)).toContain(
      'renamed',
    );
    await fx.admin.ok('POST', `${V1}/apis`, restApi({ basePath: '/doomed', tenantId: id }));
    // Deleting cascades, so it takes the tenant's name typed out; anything else deletes nothing.
    expectProblem(
      await fx.admin.request('DELETE', `${V1}/tenants/${id}`),
      400,
      'validation_failed',
      'invalid request: query.confirm',
      {
        errors: [
          { in: 'query', field: 'confirm', message: 'Invalid input: expected string, received undefined' },
        ],
      },
    );
    expectProblem(
      await fx.admin.request('DELETE', `${V1}/tenants/${id}?confirm=payments`),
      400,
      'validation_failed',
      'invalid request: query.confirm',
      {
        errors: [{ in: 'query', field: 'confirm', message: "must be the tenant's name" }],
      },
    );
    expect((await fx.admin.ok('GET', `${V1}/tenants/${id}`)).name).toBe('renamed');
    const del = await fx.admin.request('DELETE', `${V1}/tenants/${id}?confirm=renamed`);
    expect(del.status).toBe(204);
    expectProblem(
      await fx.admin.request('GET', `${V1}/tenants/${id}`),
      404,
      'not_found',
      `tenant ${id} not found`,
    );
    expect(
      await fx.gateway.store.db.selectFrom('apis').select('id').where('tenant_id', '=', id).execute(),
    ).toEqual([]);
  });

  it('APIs: created as draft with the documented defaults', async () => {
    const reply = await tenant.client.request('POST', `${V1}/apis`, restApi({ basePath: '/defaults' }));
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^api_/),
      tenantId: tenant.id,
      name: 'orders',
      basePath: '/defaults',
      host: null,
      kind: 'rest',
      auth: 'key',
      visibility: 'private',
      approval: 'manual',
      status: 'draft',
      targets: [{ url: 'http://127.0.0.1:9', weight: 1 }],
      timeoutMs: 30000,
      retries: 1,
      maxBodyBytes: 10485760,
      settings: {},
      tags: [],
      createdAt: expect.any(String),
      updatedAt: reply.body.createdAt,
    });
    expect(await tenant.client.ok('GET', `${V1}/apis/${reply.body.id}`)).toEqual(reply.body);
  });

  it('APIs: PATCH changes only what it names and moves the route', async () => {
    const api = await tenant.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/patch-me' }));
    const patched = await tenant.client.ok('PATCH', `${V1}/apis/${api.id}`, {
      basePath: '/patched',
      timeoutMs: 500,
      targets: [{ url: 'https://example.com/base', weight: 3 }],
    });
    expect(patched).toEqual({
      ...api,
      basePath: '/patched',
      timeoutMs: 500,
      targets: [{ url: 'https://example.com/base', weight: 3 }],
      updatedAt: expect.any(String),
    });
    const row = await fx.gateway.store.db
      .selectFrom('apis')
      .select(['route_key', 'base_path'])
      .where('id', '=', api.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ route_key: '|/patched', base_path: '/patched' });
    // The old route is free again.
    expect(
      (await tenant.client.request('POST', `${V1}/apis`, restApi({ basePath: '/patch-me' }))).status,
    ).toBe(201);
  });

  const legal = Object.entries(apiTransitions).flatMap(([action, rule]) =>
    rule.from.map((from) => [from, action] as const),
  );
  const reach: Record<string, string[]> = {
    draft: [],
    published: ['publish'],
    deprecated: ['publish', 'deprecate'],
    retired: ['retire'],
  };

  async function apiIn(status: string): Promise<string> {
    const { id } = await tenant.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: `/life-${Math.random().toString(36).slice(2)}` }),
    );
    for (const action of reach[status]!) await tenant.client.ok('POST', `${V1}/apis/${id}/${action}`);
    return id;
  }

  it.each(legal)('API lifecycle: %s → %s', async (from, action) => {
    const id = await apiIn(from);
    const reply = await tenant.client.request('POST', `${V1}/apis/${id}/${action}`);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe(apiTransitions[action as keyof typeof apiTransitions].to);
  });

  const illegal = apiStatuses.flatMap((from) =>
    Object.entries(apiTransitions)
      .filter(([, rule]) => !(rule.from as readonly string[]).includes(from))
      .map(([action]) => [from, action] as const),
  );
  it.each(illegal)('API lifecycle: %s → %s is a 409', async (from, action) => {
    const id = await apiIn(from);
    const before = await storeState(fx.gateway.store);
    expectProblem(
      await tenant.client.request('POST', `${V1}/apis/${id}/${action}`),
      409,
      'illegal_transition',
      `cannot ${action} an API that is ${from}`,
    );
    expect(await storeState(fx.gateway.store)).toEqual(before);
  });

  it('plans: create with limits, list, patch, unique names, delete', async () => {
    const api = await tenant.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/planned' }));
    const body = {
      name: 'gold',
      rateLimit: { requestsPerSecond: 100, burst: 200 },
      quota: { requestsPerDay: 10000, tokensPerMonth: null },
    };
    const reply = await tenant.client.request('POST', `${V1}/apis/${api.id}/plans`, body);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^pln_/),
      apiId: api.id,
      ...body,
      createdAt: expect.any(String),
      updatedAt: reply.body.createdAt,
    });
    const plan = reply.body;
    expectProblem(
      await tenant.client.request('POST', `${V1}/apis/${api.id}/plans`, { name: 'gold' }),
      409,
      'conflict',
      'the API already has a plan named "gold"',
    );
    const patched = await tenant.client.ok('PATCH', `${V1}/plans/${plan.id}`, { rateLimit: null });
    expect(patched).toEqual({ ...plan, rateLimit: null, updatedAt: expect.any(String) });
    expect(await tenant.client.ok('GET', `${V1}/apis/${api.id}/plans`)).toEqual({
      items: [patched],
      nextCursor: null,
    });
    expect(await tenant.client.ok('GET', `${V1}/plans/${plan.id}`)).toEqual(patched);
    expect((await tenant.client.request('DELETE', `${V1}/plans/${plan.id}`)).status).toBe(204);
    expect(await tenant.client.ok('GET', `${V1}/apis/${api.id}/plans`)).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('apps: create, get, rename, list, delete', async () => {
    const reply = await tenant.client.request('POST', `${V1}/apps`, { name: 'checkout' });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^app_/),
      tenantId: tenant.id,
      name: 'checkout',
      createdAt: expect.any(String),
    });
    const { id } = reply.body;
    expect(await tenant.client.ok('PATCH', `${V1}/apps/${id}`, { name: 'cart' })).toEqual({
      ...reply.body,
      name: 'cart',
    });
    expect(await tenant.client.ok('GET', `${V1}/apps/${id}`)).toEqual({ ...reply.body, name: 'cart' });
    expect((await tenant.client.request('DELETE', `${V1}/apps/${id}`)).status).toBe(204);
    expectProblem(
      await tenant.client.request('GET', `${V1}/apps/${id}`),
      404,
      'not_found',
      `app ${id} not found`,
    );
  });

  it('APIs: settings are checked against the kind (prompt template and variables must agree)', async () => {
    const settings = { model: 'm', template: 'Say {{word}}', variables: { word: { type: 'string' } } };
    const created = await tenant.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/say', kind: 'prompt', settings }),
    );
    expect(created.settings).toEqual(settings);
    const before = await storeState(fx.gateway.store);
    expectProblem(
      await tenant.client.request('PATCH', `${V1}/apis/${created.id}`, {
        settings: { ...settings, template: 'Say {{other}}' },
      }),
      400,
      'validation_failed',
      'invalid request: body.settings.template, body.settings.variables',
      {
        errors: [
          { in: 'body', field: 'settings.template', message: 'uses undeclared variables: other' },
          {
            in: 'body',
            field: 'settings.variables',
            message: 'declares variables the template does not use: word',
          },
        ],
      },
    );
    expectProblem(
      await tenant.client.request(
        'POST',
        `${V1}/apis`,
        restApi({ basePath: '/rest-settings', settings: { model: 'm' } }),
      ),
      400,
      'validation_failed',
      'invalid request: body.settings',
      { errors: [{ in: 'body', field: 'settings', message: 'rest APIs take no settings' }] },
    );
    expect(await storeState(fx.gateway.store)).toEqual(before);
  });

  it('checks the settings against the new kind when only the kind changes', async () => {
    const api = await tenant.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/kind-change', settings: { cors: { origins: ['https://app.example'] } } }),
    );
    const before = await storeState(fx.gateway.store);
    const res = await tenant.client.request('PATCH', `${V1}/apis/${api.id}`, { kind: 'prompt' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('settings.model');
    expect(await storeState(fx.gateway.store)).toEqual(before);
  });

  it('every successful write bumps the config version once', async () => {
    const before = (await storeState(fx.gateway.store)).config_version;
    await tenant.client.ok('POST', `${V1}/apps`, { name: 'versioned' });
    expect((await storeState(fx.gateway.store)).config_version).toBe(before + 1);
    expect(fx.gateway.snapshot.current.version).toBe(before + 1);
  });
});
