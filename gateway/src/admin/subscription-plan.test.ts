// Issue 12, point 8: a subscription changes plan without downtime. On an API that approves by hand, the
// consumer's change waits for the API owner while the current plan keeps serving; the owner approves (the new
// plan serves from the next call, with the window's usage so far) or rejects it. Both stores.
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
import { type Echo, startEcho } from '../test-support/harness.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('plan changes on %s', (kind) => {
  let fx: AdminFixture;
  let echo: Echo;
  let provider: TenantHandle;
  let consumer: TenantHandle;
  const apis: Record<'manual' | 'auto', { id: string; small: string; big: string; path: string }> =
    {} as never;
  let apps = 0;

  beforeAll(async () => {
    echo = await startEcho();
    fx = await startOn(kind);
    provider = await tenantWithToken(fx.admin, 'provider');
    consumer = await tenantWithToken(fx.admin, 'consumer');
    for (const approval of ['manual', 'auto'] as const) {
      const path = `/plans-${approval}`;
      const body = restApi({ basePath: path, visibility: 'public', approval, targets: [{ url: echo.url }] });
      const id = (await provider.client.ok('POST', `${V1}/apis`, body)).id;
      await provider.client.ok('POST', `${V1}/apis/${id}/publish`);
      const plan = async (name: string, requestsPerDay: number) =>
        (await provider.client.ok('POST', `${V1}/apis/${id}/plans`, { name, quota: { requestsPerDay } })).id;
      apis[approval] = { id, small: await plan('small', 1), big: await plan('big', 5), path };
    }
  });
  afterAll(async () => {
    await fx.close();
    await echo.close();
  });

  /** A consumer app subscribed to the API on its small plan, approved, with a key. */
  async function subscribed(approval: 'manual' | 'auto') {
    const api = apis[approval];
    const appId = (await consumer.client.ok('POST', `${V1}/apps`, { name: `app-${++apps}` })).id;
    const { key } = await consumer.client.ok('POST', `${V1}/apps/${appId}/keys`, { name: 'k' });
    const sub = await consumer.client.ok('POST', `${V1}/subscriptions`, {
      appId,
      apiId: api.id,
      planId: api.small,
    });
    if (sub.status === 'pending') await provider.client.ok('POST', `${V1}/subscriptions/${sub.id}/approve`);
    const call = async () => {
      const res = await fetch(`${fx.gateway.url}${api.path}/x`, { headers: { 'x-api-key': key } });
      await res.arrayBuffer();
      return res.status;
    };
    return { id: sub.id as string, api, call };
  }

  const change = (client: TenantHandle, id: string, planId: string) =>
    client.client.request('PATCH', `${V1}/subscriptions/${id}`, { planId, reason: 'more calls' });
  const decide = (client: TenantHandle, id: string, decision: 'approve' | 'reject', comment?: string) =>
    client.client.request(
      'POST',
      `${V1}/subscriptions/${id}/plan-change/${decision}`,
      comment ? { comment } : {},
    );

  it('waits for the owner while the current plan serves; approved, the new plan serves the next call', async () => {
    const s = await subscribed('manual');
    expect(await s.call()).toBe(200);
    const asked = await change(consumer, s.id, s.api.big);
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      status: 'approved',
      planId: s.api.small,
      pendingPlanId: s.api.big,
      reason: 'more calls',
    });
    // Still the small plan (1 a day): refused, and not charged.
    expect(await s.call()).toBe(429);
    const approved = await decide(provider, s.id, 'approve', 'welcome to big');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      planId: s.api.big,
      pendingPlanId: null,
      comment: 'welcome to big',
    });
    // The big plan, with the day's usage so far (1 of 5).
    expect([await s.call(), await s.call(), await s.call(), await s.call(), await s.call()]).toEqual([
      200, 200, 200, 200, 429,
    ]);
  });

  it('rejected, the current plan stays; only the API owner decides', async () => {
    const s = await subscribed('manual');
    expect((await change(consumer, s.id, s.api.big)).status).toBe(200);
    expectProblem(
      await decide(consumer, s.id, 'approve'),
      403,
      'forbidden',
      "only the API's tenant may approve a plan change",
    );
    const rejected = await decide(provider, s.id, 'reject', 'not this month');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      planId: s.api.small,
      pendingPlanId: null,
      comment: 'not this month',
    });
    expectProblem(
      await decide(provider, s.id, 'approve'),
      409,
      'illegal_transition',
      'no plan change is waiting for a decision',
    );
    expect(await s.call()).toBe(200);
    expect(await s.call()).toBe(429);
  });

  it('changes at once on an API that approves automatically, and when the owner changes it', async () => {
    const auto = await subscribed('auto');
    expect((await change(consumer, auto.id, auto.api.big)).body).toMatchObject({
      planId: auto.api.big,
      pendingPlanId: null,
    });
    const manual = await subscribed('manual');
    expect((await change(provider, manual.id, manual.api.big)).body).toMatchObject({
      planId: manual.api.big,
      pendingPlanId: null,
    });
    expect([await manual.call(), await manual.call()]).toEqual([200, 200]);
  });

  it("refuses another API's plan (400) and a revoked subscription (409)", async () => {
    const s = await subscribed('manual');
    const reply = await change(consumer, s.id, apis.auto.big);
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([{ in: 'body', field: 'planId', message: 'not a plan of this API' }]);
    await consumer.client.ok('POST', `${V1}/subscriptions/${s.id}/revoke`);
    expectProblem(
      await change(consumer, s.id, s.api.big),
      409,
      'illegal_transition',
      'cannot change the plan of a subscription that is revoked',
    );
  });
});
