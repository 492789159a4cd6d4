// Every admin list on both stores: its documented filters narrow, `limit` and `cursor` page through it in a
// stable order, and a parameter it does not know is a 400 naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  expectProblem,
  restApi,
  startOn,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('admin lists on %s', (kind) => {
  let fx: AdminFixture;
  let t: TenantHandle;
  let apiIds: string[];
  let appId: string;
  let providerId: string;

  beforeAll(async () => {
    fx = await startOn(kind);
    t = await tenantWithToken(fx.admin, 'lists');
    await fx.admin.ok('POST', `${V1}/tenants/${t.id}/tokens`, { name: 'second' });
    await fx.admin.ok('POST', `${V1}/tenants/${t.id}/tokens`, { name: 'third' });
    await fx.admin.ok('POST', `${V1}/tenants`, { name: 'lists-2' });
    await fx.admin.ok('POST', `${V1}/tenants`, { name: 'lists-3' });
    apiIds = [];
    for (const [i, visibility] of ['public', 'public', 'private'].entries()) {
      const api = await t.client.ok(
        'POST',
        `${V1}/apis`,
        restApi({ name: `api-${i}`, basePath: `/l${i}`, visibility }),
      );
      apiIds.push(api.id);
      await t.client.ok('POST', `${V1}/apis/${apiIds[0]}/plans`, { name: `plan-${i}` });
    }
    await t.client.ok('POST', `${V1}/apis/${apiIds[0]}/publish`);
    await t.client.ok('POST', `${V1}/apis/${apiIds[1]}/publish`);
    for (const name of ['app-0', 'app-1', 'app-2'])
      appId = (await t.client.ok('POST', `${V1}/apps`, { name })).id;
    for (const name of ['k0', 'k1', 'k2']) await t.client.ok('POST', `${V1}/apps/${appId}/keys`, { name });
    const plans = (await t.client.ok('GET', `${V1}/apis/${apiIds[0]}/plans`)).items;
    for (const [i, api] of apiIds.entries()) {
      const planId =
        i === 0 ? plans[0].id : (await t.client.ok('POST', `${V1}/apis/${api}/plans`, { name: 'p' })).id;
      if (i === 2) await t.client.ok('POST', `${V1}/apis/${api}/publish`);
      await t.client.ok('POST', `${V1}/subscriptions`, { appId, apiId: api, planId });
    }
    for (const name of ['prov-0', 'prov-1', 'prov-2']) {
      providerId = (
        await t.client.ok('POST', `${V1}/ai/providers`, {
          name,
          type: 'openai',
          baseUrl: 'http://127.0.0.1:9/v1/',
          keys: [{ key: `sk-${name}`, priority: 1 }],
        })
      ).id;
    }
    for (const name of ['m0', 'm1', 'm2'])
      await t.client.ok('POST', `${V1}/ai/models`, {
        name,
        providerId,
        upstreamModel: 'x',
        inputPricePer1k: 0,
      });
  });
  afterAll(() => fx.close());

  const lists = () => [
    `${V1}/tenants`,
    `${V1}/tenants/${t.id}/tokens`,
    `${V1}/apis`,
    `${V1}/apis/${apiIds[0]}/plans`,
    `${V1}/apps`,
    `${V1}/apps/${appId}/keys`,
    `${V1}/subscriptions`,
    `${V1}/ai/providers`,
    `${V1}/ai/models`,
  ];

  it('pages every list with limit and cursor: every item once, in a stable order', async () => {
    for (const path of lists()) {
      const all = await fx.admin.ok('GET', path);
      expect({ path, n: all.items.length >= 3, next: all.nextCursor }).toEqual({ path, n: true, next: null });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await fx.admin.ok('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i: { id: string }) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect({ path, seen }).toEqual({ path, seen: all.items.map((i: { id: string }) => i.id) });
    }
  });

  it('narrows with each documented filter', async () => {
    const ids = async (path: string) =>
      (await t.client.ok('GET', path)).items.map((i: { id: string }) => i.id);
    expect(await ids(`${V1}/apis?status=draft`)).toEqual([]);
    expect(await ids(`${V1}/apis?visibility=private`)).toEqual([apiIds[2]]);
    expect(await ids(`${V1}/apis?name=api-1`)).toEqual([apiIds[1]]);
    expect((await fx.admin.ok('GET', `${V1}/apis?tenantId=${t.id}&limit=1`)).items).toHaveLength(1);
    expect((await t.client.ok('GET', `${V1}/apps?name=app-2`)).items.map((a: any) => a.id)).toEqual([appId]);
    expect(
      (await t.client.ok('GET', `${V1}/apps/${appId}/keys?name=k1`)).items.map((k: any) => k.name),
    ).toEqual(['k1']);
    expect(
      (await t.client.ok('GET', `${V1}/apis/${apiIds[0]}/plans?name=plan-2`)).items.map((p: any) => p.name),
    ).toEqual(['plan-2']);
    expect((await fx.admin.ok('GET', `${V1}/tenants?name=lists-2`)).items.map((x: any) => x.name)).toEqual([
      'lists-2',
    ]);
    expect(
      (await fx.admin.ok('GET', `${V1}/tenants/${t.id}/tokens?name=third`)).items.map((x: any) => x.name),
    ).toEqual(['third']);
    expect(await ids(`${V1}/catalog?tenantId=${t.id}`)).toEqual([apiIds[0], apiIds[1]]);
    expect(await ids(`${V1}/catalog?kind=ai`)).toEqual([]);
    expect(await ids(`${V1}/subscriptions?apiId=${apiIds[1]}&status=pending`)).toHaveLength(1);
    expect(
      (await t.client.ok('GET', `${V1}/ai/providers?name=prov-1`)).items.map((p: any) => p.name),
    ).toEqual(['prov-1']);
    expect(
      (await t.client.ok('GET', `${V1}/ai/models?providerId=${providerId}`)).items.map((m: any) => m.name),
    ).toEqual(['m0', 'm1', 'm2']);
  });

  it('answers 400 naming an unknown parameter, a bad limit or a foreign cursor', async () => {
    for (const path of [...lists(), `${V1}/catalog`, `${V1}/logs`, `${V1}/usage`, `${V1}/audit`]) {
      expectProblem(
        await fx.admin.request('GET', `${path}?colour=red`),
        400,
        'validation_failed',
        'invalid request: query.colour',
        {
          errors: [{ in: 'query', field: 'colour', message: 'unknown field' }],
        },
      );
    }
    const badLimit = await fx.admin.request('GET', `${V1}/apis?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors.map((e: any) => e.field)).toEqual(['limit']);
    expectProblem(
      await fx.admin.request('GET', `${V1}/apps?cursor=x`),
      400,
      'validation_failed',
      'invalid request: query.cursor',
      {
        errors: [{ in: 'query', field: 'cursor', message: 'is not one this API returned' }],
      },
    );
  });
});
