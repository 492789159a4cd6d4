// Tags on APIs on both stores: validated (lower-case words, at most 20, duplicates dropped), changed by PATCH,
// and a filter on the API list and the catalog (what the portal's tag chips ask).
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

describe.each(storeKinds)('API tags on %s', (kind) => {
  let fx: AdminFixture;
  let t: TenantHandle;

  beforeAll(async () => {
    fx = await startOn(kind);
    t = await tenantWithToken(fx.admin, 'tags');
  });
  afterAll(() => fx.close());

  it('are kept as a set in the given order, and a bad one is a 400 naming it', async () => {
    const api = await t.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/tagged', tags: ['payments', 'beta', 'payments'] }),
    );
    expect(api.tags).toEqual(['payments', 'beta']);
    expect((await t.client.ok('GET', `${V1}/apis/${api.id}`)).tags).toEqual(['payments', 'beta']);
    expect((await t.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/untagged' }))).tags).toEqual([]);

    const message = 'must be 1–32 lower-case letters, digits or -, not starting with -';
    expectProblem(
      await t.client.request('PATCH', `${V1}/apis/${api.id}`, { tags: ['ok', 'Not OK', '-x'] }),
      400,
      'validation_failed',
      'invalid request: body.tags.1, body.tags.2',
      {
        errors: [
          { in: 'body', field: 'tags.1', message },
          { in: 'body', field: 'tags.2', message },
        ],
      },
    );
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    const tooMany = await t.client.request('PATCH', `${V1}/apis/${api.id}`, { tags: many });
    expect([tooMany.status, tooMany.body.errors[0].field]).toEqual([400, 'tags']);
    expect((await t.client.ok('PATCH', `${V1}/apis/${api.id}`, { tags: ['payments'] })).tags).toEqual([
      'payments',
    ]);
  });

  it('filter the API list and the catalog', async () => {
    const ids = async (path: string) =>
      (await t.client.ok('GET', path)).items.map((a: { name: string }) => a.name).sort();
    const a = await t.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ name: 'cards', basePath: '/cards', visibility: 'public', tags: ['payments', 'eu'] }),
    );
    const b = await t.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ name: 'maps', basePath: '/maps', visibility: 'public', tags: ['geo'] }),
    );
    for (const api of [a, b]) await t.client.ok('POST', `${V1}/apis/${api.id}/publish`);
    expect(await ids(`${V1}/apis?tags=payments`)).toEqual(['cards', 'orders']);
    expect(await ids(`${V1}/catalog?tags=payments`)).toEqual(['cards']);
    expect(await ids(`${V1}/catalog?tags=geo`)).toEqual(['maps']);
    expect(await ids(`${V1}/catalog?tags=none-such`)).toEqual([]);
    const catalog = (await t.client.ok('GET', `${V1}/catalog`)).items;
    expect(catalog.map((e: { name: string; tags: string[] }) => [e.name, e.tags])).toEqual([
      ['cards', ['payments', 'eu']],
      ['maps', ['geo']],
    ]);
  });
});
