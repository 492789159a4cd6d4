// Tenant isolation on both stores: tenant B gets 404 (never 403) on tenant A's resources, for reads and
// writes alike, and nothing of A's changes; the platform token sees both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe.each(storeKinds)('tenant isolation on %s', (kind) => {
  let fx: AdminFixture;
  let a: TenantHandle;
  let b: TenantHandle;
  const ids = { api: '', plan: '', app: '', key: '', sub: '', bApp: '', bApi: '' };

  beforeAll(async () => {
    fx = await startOn(kind);
    a = await tenantWithToken(fx.admin, 'tenant-a');
    b = await tenantWithToken(fx.admin, 'tenant-b');
    ids.api = (await a.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/a' }))).id;
    await a.client.ok('POST', `${V1}/apis/${ids.api}/publish`);
    ids.plan = (await a.client.ok('POST', `${V1}/apis/${ids.api}/plans`, { name: 'basic' })).id;
    ids.app = (await a.client.ok('POST', `${V1}/apps`, { name: 'a-app' })).id;
    ids.key = (await a.client.ok('POST', `${V1}/apps/${ids.app}/keys`, {})).id;
    ids.sub = (
      await a.client.ok('POST', `${V1}/subscriptions`, { appId: ids.app, apiId: ids.api, planId: ids.plan })
    ).id;
    ids.bApp = (await b.client.ok('POST', `${V1}/apps`, { name: 'b-app' })).id;
    ids.bApi = (await b.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/b' }))).id;
  });
  afterAll(() => fx.close());

  /** What A can see of its own resources: must be identical before and after B's attempts. */
  async function aView() {
    return {
      api: await a.client.ok('GET', `${V1}/apis/${ids.api}`),
      plans: await a.client.ok('GET', `${V1}/apis/${ids.api}/plans`),
      app: await a.client.ok('GET', `${V1}/apps/${ids.app}`),
      keys: await a.client.ok('GET', `${V1}/apps/${ids.app}/keys`),
      subs: await a.client.ok('GET', `${V1}/subscriptions`),
    };
  }

  it("answers 404 to every read and write of another tenant's resources, and changes nothing", async () => {
    const attempts: [string, string, unknown, string][] = [
      ['GET', `/apis/${ids.api}`, undefined, `api ${ids.api}`],
      ['PATCH', `/apis/${ids.api}`, { name: 'mine now' }, `api ${ids.api}`],
      ['DELETE', `/apis/${ids.api}`, undefined, `api ${ids.api}`],
      ['POST', `/apis/${ids.api}/deprecate`, undefined, `api ${ids.api}`],
      ['POST', `/apis/${ids.api}/retire`, undefined, `api ${ids.api}`],
      ['GET', `/apis/${ids.api}/plans`, undefined, `api ${ids.api}`],
      ['POST', `/apis/${ids.api}/plans`, { name: 'free' }, `api ${ids.api}`],
      ['GET', `/plans/${ids.plan}`, undefined, `plan ${ids.plan}`],
      ['PATCH', `/plans/${ids.plan}`, { name: 'x' }, `plan ${ids.plan}`],
      ['DELETE', `/plans/${ids.plan}`, undefined, `plan ${ids.plan}`],
      ['GET', `/apps/${ids.app}`, undefined, `app ${ids.app}`],
      ['PATCH', `/apps/${ids.app}`, { name: 'x' }, `app ${ids.app}`],
      ['DELETE', `/apps/${ids.app}`, undefined, `app ${ids.app}`],
      ['GET', `/apps/${ids.app}/keys`, undefined, `app ${ids.app}`],
      ['POST', `/apps/${ids.app}/keys`, {}, `app ${ids.app}`],
      ['DELETE', `/apps/${ids.app}/keys/${ids.key}`, undefined, `app ${ids.app}`],
      ['DELETE', `/apps/${ids.bApp}/keys/${ids.key}`, undefined, `key ${ids.key}`],
      ['GET', `/subscriptions/${ids.sub}`, undefined, `subscription ${ids.sub}`],
      ['POST', `/subscriptions/${ids.sub}/approve`, {}, `subscription ${ids.sub}`],
      ['POST', `/subscriptions/${ids.sub}/reject`, {}, `subscription ${ids.sub}`],
      ['POST', `/subscriptions/${ids.sub}/revoke`, {}, `subscription ${ids.sub}`],
      ['POST', '/subscriptions', { appId: ids.app, apiId: ids.bApi, planId: 'pln_x' }, `app ${ids.app}`],
      // A's API is private: B's app cannot see it to subscribe.
      ['POST', '/subscriptions', { appId: ids.bApp, apiId: ids.api, planId: ids.plan }, `api ${ids.api}`],
      ['POST', '/apis', restApi({ basePath: '/sneak', tenantId: a.id }), `tenant ${a.id}`],
      ['POST', '/apps', { name: 'sneak', tenantId: a.id }, `tenant ${a.id}`],
    ];
    const before = { view: await aView(), state: await storeState(fx.gateway.store) };
    for (const [method, path, body, what] of attempts) {
      const reply = await b.client.request(method, V1 + path, body);
      expectProblem(reply, 404, 'not_found', `${what} not found`);
    }
    expect({ view: await aView(), state: await storeState(fx.gateway.store) }).toEqual(before);
  });

  it('lists only the caller’s own resources; the platform token lists everything', async () => {
    const names = (r: { items: { name: string }[] }) => r.items.map((i) => i.name).sort();
    expect(names(await b.client.ok('GET', `${V1}/apis`))).toEqual(['orders']);
    expect((await b.client.ok('GET', `${V1}/apis`)).items[0].id).toBe(ids.bApi);
    expect(names(await b.client.ok('GET', `${V1}/apps`))).toEqual(['b-app']);
    expect(await b.client.ok('GET', `${V1}/subscriptions`)).toEqual({ items: [], nextCursor: null });
    expect(await b.client.ok('GET', `${V1}/subscriptions?apiId=${ids.api}`)).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await fx.admin.ok('GET', `${V1}/apis`)).items.map((i: { id: string }) => i.id).sort()).toEqual(
      [ids.api, ids.bApi].sort(),
    );
    expect(names(await fx.admin.ok('GET', `${V1}/apps`))).toEqual(['a-app', 'b-app']);
    expect((await fx.admin.ok('GET', `${V1}/subscriptions`)).items.map((s: { id: string }) => s.id)).toEqual([
      ids.sub,
    ]);
  });

  it('the platform token may change any tenant’s resources', async () => {
    const renamed = await fx.admin.ok('PATCH', `${V1}/apps/${ids.bApp}`, { name: 'b-app-2' });
    expect(renamed).toEqual({ id: ids.bApp, tenantId: b.id, name: 'b-app-2', createdAt: expect.any(String) });
    expect((await b.client.ok('GET', `${V1}/apps/${ids.bApp}`)).name).toBe('b-app-2');
  });

  it('the catalog shows published public APIs of every tenant, without upstream details', async () => {
    expect(await b.client.ok('GET', `${V1}/catalog`)).toEqual({ items: [], nextCursor: null });
    await a.client.ok('PATCH', `${V1}/apis/${ids.api}`, { visibility: 'public' });
    const catalog = await b.client.ok('GET', `${V1}/catalog`);
    expect(catalog).toEqual({
      items: [
        {
          id: ids.api,
          tenantId: a.id,
          name: 'orders',
          basePath: '/a',
          host: null,
          kind: 'rest',
          auth: 'key',
          approval: 'manual',
          status: 'published',
          tags: [],
          plans: [
            {
              id: ids.plan,
              apiId: ids.api,
              name: 'basic',
              rateLimit: null,
              quota: null,
              createdAt: expect.any(String),
              updatedAt: expect.any(String),
            },
          ],
          hasSpec: false,
          callUrl: `${fx.gateway.url}/a`,
        },
      ],
      nextCursor: null,
    });
    // Public now, yet still A's: B may read it in the catalog but not manage it.
    expectProblem(
      await b.client.request('GET', `${V1}/apis/${ids.api}`),
      404,
      'not_found',
      `api ${ids.api} not found`,
    );
  });
});
