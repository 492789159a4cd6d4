// The Pulumi dynamic provider for gateway objects (infra/gateway-objects) against a real gateway: create, read
// (import), diff, update, replace and delete through the admin API. Here, not in infra/, because it needs the
// gateway's test support, which infra's project does not compile.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { modelCreate } from '../../gateway/src/admin/routes/ai-models.js';
import { providerCreate } from '../../gateway/src/admin/routes/ai-providers.js';
import { apiCreate } from '../../gateway/src/admin/schemas/apis.js';
import { appCreate } from '../../gateway/src/admin/schemas/apps.js';
import { planCreate } from '../../gateway/src/admin/schemas/plans.js';
import { subscriptionCreate } from '../../gateway/src/admin/schemas/subscriptions.js';
import { tenantCreate } from '../../gateway/src/admin/schemas/tenants.js';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../../gateway/src/test-support/harness.js';
import {
  BODY_FIELDS,
  diffObject,
  type ObjectInputs,
  type ObjectOutputs,
  gatewayObjectProvider as p,
} from '../../infra/gateway-objects/provider.js';

let gw: TestGateway;
let conn: { url: string; token: string };
beforeAll(async () => {
  gw = await startTestGateway();
  conn = { url: gw.url, token: ADMIN_TOKEN };
});
afterAll(() => gw?.stop());

const create = async (kind: ObjectInputs['kind'], body: Record<string, unknown>, status?: string) => {
  const inputs: ObjectInputs = { connection: conn, kind, body, ...(status ? { status } : {}) };
  const r = await p.create(inputs);
  return { id: r.id, outs: r.outs as ObjectOutputs };
};

it("reads back on import every field of the admin API's create bodies (the provider's copy cannot import them)", () => {
  const fields = (schema: { shape: object }, ...without: string[]) =>
    Object.keys(schema.shape)
      .filter((k) => !without.includes(k))
      .sort();
  const sorted = Object.fromEntries(Object.entries(BODY_FIELDS).map(([k, v]) => [k, [...v].sort()]));
  expect(sorted).toEqual({
    tenant: fields(tenantCreate),
    api: fields(apiCreate),
    plan: fields(planCreate, 'apiId').concat('apiId').sort(),
    app: fields(appCreate),
    // A subscription's reason is a note on the request, not state the resource owns.
    subscription: fields(subscriptionCreate, 'reason'),
    // Provider keys are sealed: never read back.
    aiProvider: fields(providerCreate, 'keys'),
    aiModel: fields(modelCreate),
  });
});

it('creates, updates in place, replaces and deletes gateway objects through the admin API', async () => {
  const tenant = await create('tenant', { name: 'pulumi-team' });
  const api = await create(
    'api',
    {
      tenantId: tenant.id,
      name: 'Orders',
      basePath: '/p-orders',
      targets: [{ url: 'http://127.0.0.1:9000' }],
    },
    'published',
  );
  expect(api.outs.view).toMatchObject({ id: api.id, status: 'published', basePath: '/p-orders' });
  const plan = await create('plan', { apiId: api.id, name: 'gold', quota: { requestsPerDay: 100 } });
  const app = await create('app', { tenantId: tenant.id, name: 'web' });
  const sub = await create('subscription', { appId: app.id, apiId: api.id, planId: plan.id }, 'approved');
  expect(sub.outs.view).toMatchObject({ status: 'approved', planId: plan.id });

  // An in-place change: a PATCH, no replacement.
  const news: ObjectInputs = {
    ...api.outs,
    body: { ...api.outs.body, timeoutMs: 1234 },
    status: 'deprecated',
  };
  const diff = await p.diff!(api.id, api.outs, news);
  expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
  const updated = await p.update!(api.id, api.outs, news);
  expect(updated.outs.view).toMatchObject({ timeoutMs: 1234, status: 'deprecated' });
  expect((await gw.admin.ok('GET', `/admin/v1/apis/${api.id}`)).timeoutMs).toBe(1234);

  // A subscription's plan cannot change in place: a replacement.
  expect(
    diffObject(sub.outs, { ...sub.outs, body: { ...sub.outs.body, planId: 'plan_other' } }).replaces,
  ).toEqual(['body.planId']);
  // Unchanged inputs: no diff.
  expect(diffObject(plan.outs, plan.outs)).toEqual({
    changes: false,
    replaces: [],
    deleteBeforeReplace: true,
  });

  await p.delete!(sub.id, sub.outs);
  expect((await gw.admin.ok('GET', `/admin/v1/subscriptions/${sub.id}`)).status).toBe('revoked');
  await p.delete!(sub.id, sub.outs); // already revoked: still fine
  await p.delete!(api.id, api.outs);
  await p.delete!(plan.id, plan.outs); // went with its API
  expect((await gw.admin.request('GET', `/admin/v1/apis/${api.id}`)).status).toBe(404);
  await p.delete!(tenant.id, tenant.outs);
  expect((await gw.admin.request('GET', `/admin/v1/tenants/${tenant.id}`)).status).toBe(404);
});

it('imports an existing object: read gives the create body back, so a matching program shows no diff', async () => {
  const t = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'imported' });
  const api = await gw.admin.ok('POST', '/admin/v1/apis', {
    tenantId: t.id,
    name: 'Legacy',
    basePath: '/legacy',
    targets: [{ url: 'http://127.0.0.1:9000' }],
  });
  const read = await p.read!(api.id, { connection: conn, kind: 'api', body: {} });
  const props = read.props as ObjectOutputs;
  expect(props.body).toMatchObject({ tenantId: t.id, name: 'Legacy', basePath: '/legacy', timeoutMs: 30000 });
  expect(props.status).toBe('draft');
  const program: ObjectInputs = {
    connection: conn,
    kind: 'api',
    body: {
      tenantId: t.id,
      name: 'Legacy',
      basePath: '/legacy',
      targets: [{ url: 'http://127.0.0.1:9000', weight: 1 }],
    },
  };
  expect(diffObject(props, program).changes).toBe(false);
  await expect(p.read!('api_missing', { connection: conn, kind: 'api', body: {} })).rejects.toThrow(
    '→ 404 not_found',
  );
});

it('a refused create fails with the problem, and nothing is half-made', async () => {
  await expect(create('tenant', { name: '' })).rejects.toThrow(
    'POST /admin/v1/tenants → 400 validation_failed',
  );
  await expect(
    p.create({
      connection: { ...conn, token: 'wrong-token-0123456789' },
      kind: 'tenant',
      body: { name: 'x' },
    }),
  ).rejects.toThrow('→ 401');
});
