// The subscription state machine on both stores: every legal transition, every illegal one (409), who may
// act, the apply rules, and that each change reaches this replica's data plane before the admin call returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SubscriptionStatus, subscriptionStatuses, subscriptionTransitions } from '../domain/types.js';
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
import { type Echo, startEcho } from '../test-support/harness.js';
import { storeKinds } from '../test-support/stores.js';

type Action = keyof typeof subscriptionTransitions;
const actions = Object.keys(subscriptionTransitions) as Action[];

/** A legal way to reach each status from a fresh application. */
const pathTo: Record<SubscriptionStatus, Action[]> = {
  pending: [],
  approved: ['approve'],
  rejected: ['reject'],
  suspended: ['approve', 'suspend'],
  revoked: ['revoke'],
};

describe.each(storeKinds)('subscriptions on %s', (kind) => {
  let fx: AdminFixture;
  let echo: Echo;
  let provider: TenantHandle;
  let consumer: TenantHandle;
  let apiId: string;
  let planId: string;
  let appCount = 0;

  beforeAll(async () => {
    echo = await startEcho();
    fx = await startOn(kind);
    provider = await tenantWithToken(fx.admin, 'provider');
    consumer = await tenantWithToken(fx.admin, 'consumer');
    apiId = (
      await provider.client.ok(
        'POST',
        `${V1}/apis`,
        restApi({ basePath: '/orders', visibility: 'public', targets: [{ url: echo.url }] }),
      )
    ).id;
    await provider.client.ok('POST', `${V1}/apis/${apiId}/publish`);
    planId = (await provider.client.ok('POST', `${V1}/apis/${apiId}/plans`, { name: 'gold' })).id;
  });
  afterAll(async () => {
    await fx.close();
    await echo.close();
  });

  async function newApp(): Promise<string> {
    return (await consumer.client.ok('POST', `${V1}/apps`, { name: `app-${++appCount}` })).id;
  }

  async function subscriptionIn(status: SubscriptionStatus): Promise<string> {
    const appId = await newApp();
    const sub = await consumer.client.ok('POST', `${V1}/subscriptions`, { appId, apiId, planId });
    for (const action of pathTo[status]) {
      const client = action === 'revoke' ? consumer.client : provider.client;
      await client.ok('POST', `${V1}/subscriptions/${sub.id}/${action}`);
    }
    return sub.id;
  }

  it('applying gives a pending subscription, exactly as documented', async () => {
    const appId = await newApp();
    const reply = await consumer.client.request('POST', `${V1}/subscriptions`, {
      appId,
      apiId,
      planId,
      reason: 'checkout needs orders',
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^sub_/),
      appId,
      apiId,
      planId,
      pendingPlanId: null,
      appName: `app-${appCount}`,
      apiName: 'orders',
      status: 'pending',
      reason: 'checkout needs orders',
      comment: null,
      createdAt: expect.any(String),
      updatedAt: reply.body.createdAt,
    });
    // One live subscription per app and API.
    expectProblem(
      await consumer.client.request('POST', `${V1}/subscriptions`, { appId, apiId, planId }),
      409,
      'conflict',
      'the app already has a pending, approved or suspended subscription to this API',
    );
  });

  it('racing applications of one app to one API: exactly one wins, the rest get 409', async () => {
    const appId = await newApp();
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        consumer.client.request('POST', `${V1}/subscriptions`, { appId, apiId, planId }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const rows = await fx.gateway.store.db
      .selectFrom('subscriptions')
      .select('id')
      .where('app_id', '=', appId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  const legal = actions.flatMap((action) =>
    subscriptionTransitions[action].from.map((from) => [from, action] as const),
  );
  it.each(legal)('%s → %s is allowed for the API’s tenant', async (from, action) => {
    const id = await subscriptionIn(from);
    const reply = await provider.client.request('POST', `${V1}/subscriptions/${id}/${action}`, {
      comment: `${action} ok`,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id,
      status: subscriptionTransitions[action].to,
      comment: `${action} ok`,
    });
    expect(
      (
        await fx.gateway.store.db
          .selectFrom('subscriptions')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe(subscriptionTransitions[action].to);
  });

  const illegal = subscriptionStatuses.flatMap((from) =>
    actions
      .filter((a) => !(subscriptionTransitions[a].from as readonly string[]).includes(from))
      .map((a) => [from, a] as const),
  );
  it('has illegal transitions to test', () => expect(illegal.length).toBe(25 - legal.length));
  it.each(illegal)('%s → %s is a 409 and changes nothing', async (from, action) => {
    const id = await subscriptionIn(from);
    const before = await storeState(fx.gateway.store);
    expectProblem(
      await provider.client.request('POST', `${V1}/subscriptions/${id}/${action}`),
      409,
      'illegal_transition',
      `cannot ${action} a subscription that is ${from}`,
    );
    expect(await storeState(fx.gateway.store)).toEqual(before);
    expect((await provider.client.ok('GET', `${V1}/subscriptions/${id}`)).status).toBe(from);
  });

  it('the app’s tenant may revoke but not decide (403), and nothing changes', async () => {
    const id = await subscriptionIn('pending');
    for (const action of ['approve', 'reject', 'suspend', 'resume'] as const) {
      expectProblem(
        await consumer.client.request('POST', `${V1}/subscriptions/${id}/${action}`),
        403,
        'forbidden',
        `only the API's tenant may ${action} this subscription`,
      );
    }
    expect((await consumer.client.ok('POST', `${V1}/subscriptions/${id}/revoke`)).status).toBe('revoked');
  });

  it('the platform token may decide anything', async () => {
    const id = await subscriptionIn('pending');
    expect((await fx.admin.ok('POST', `${V1}/subscriptions/${id}/approve`)).status).toBe('approved');
  });

  it('each change reaches the data plane before the admin call returns', async () => {
    const appId = await newApp();
    const { key, id: keyId } = await consumer.client.ok('POST', `${V1}/apps/${appId}/keys`, {});
    const call = async () =>
      (await fetch(`${fx.gateway.url}/orders/x`, { headers: { 'x-api-key': key } })).status;
    const sub = await consumer.client.ok('POST', `${V1}/subscriptions`, { appId, apiId, planId });
    expect(await call()).toBe(403);
    await provider.client.ok('POST', `${V1}/subscriptions/${sub.id}/approve`);
    expect(await call()).toBe(200);
    await provider.client.ok('POST', `${V1}/subscriptions/${sub.id}/suspend`);
    expect(await call()).toBe(403);
    await provider.client.ok('POST', `${V1}/subscriptions/${sub.id}/resume`);
    expect(await call()).toBe(200);
    await consumer.client.ok('DELETE', `${V1}/apps/${appId}/keys/${keyId}`);
    expect(await call()).toBe(401);
  });

  it('an auto-approval API approves at once', async () => {
    const auto = await provider.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/auto', visibility: 'public', approval: 'auto' }),
    );
    await provider.client.ok('POST', `${V1}/apis/${auto.id}/publish`);
    const plan = await provider.client.ok('POST', `${V1}/apis/${auto.id}/plans`, { name: 'free' });
    const sub = await consumer.client.ok('POST', `${V1}/subscriptions`, {
      appId: await newApp(),
      apiId: auto.id,
      planId: plan.id,
    });
    expect(sub.status).toBe('approved');
  });

  it('refuses unpublished APIs and plans of another API, writing nothing', async () => {
    const draft = await provider.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/draft', visibility: 'public' }),
    );
    const draftPlan = await provider.client.ok('POST', `${V1}/apis/${draft.id}/plans`, { name: 'p' });
    const appId = await newApp();
    const before = await storeState(fx.gateway.store);
    // Another tenant's draft is not in the catalog, so for the consumer it does not exist.
    expectProblem(
      await consumer.client.request('POST', `${V1}/subscriptions`, {
        appId,
        apiId: draft.id,
        planId: draftPlan.id,
      }),
      404,
      'not_found',
      `api ${draft.id} not found`,
    );
    // Its own tenant sees it, and is told why it cannot subscribe yet.
    const ownApp = await provider.client.ok('POST', `${V1}/apps`, { name: 'own' });
    const afterOwnApp = await storeState(fx.gateway.store);
    expectProblem(
      await provider.client.request('POST', `${V1}/subscriptions`, {
        appId: ownApp.id,
        apiId: draft.id,
        planId: draftPlan.id,
      }),
      409,
      'conflict',
      'the API is draft; only published APIs take subscriptions',
    );
    expectProblem(
      await consumer.client.request('POST', `${V1}/subscriptions`, { appId, apiId, planId: draftPlan.id }),
      400,
      'validation_failed',
      'invalid request: body.planId',
      {
        errors: [{ in: 'body', field: 'planId', message: 'not a plan of this API' }],
      },
    );
    expect(await storeState(fx.gateway.store)).toEqual(afterOwnApp);
    expect(afterOwnApp.apps).toBe(before.apps + 1);
  });

  it('lists with filters, for both sides', async () => {
    const all = (await provider.client.ok('GET', `${V1}/subscriptions`)).items;
    const mine = (await consumer.client.ok('GET', `${V1}/subscriptions`)).items;
    expect(all.length).toBeGreaterThan(10);
    expect(mine.map((s: { id: string }) => s.id)).toEqual(all.map((s: { id: string }) => s.id));
    const suspended = (await provider.client.ok('GET', `${V1}/subscriptions?status=suspended&apiId=${apiId}`))
      .items;
    expect(suspended.length).toBeGreaterThan(0);
    expect(
      suspended.every(
        (s: { status: string; apiId: string }) => s.status === 'suspended' && s.apiId === apiId,
      ),
    ).toBe(true);
    const one = all[0];
    expect((await consumer.client.ok('GET', `${V1}/subscriptions?appId=${one.appId}`)).items).toEqual(
      all.filter((s: { appId: string }) => s.appId === one.appId),
    );
  });

  it('a plan with live subscriptions cannot be deleted (409)', async () => {
    expectProblem(
      await provider.client.request('DELETE', `${V1}/plans/${planId}`),
      409,
      'conflict',
      expect.stringMatching(/^\d+ pending, approved or suspended subscriptions use this plan$/) as never,
    );
  });
});
