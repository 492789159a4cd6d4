// What the upstream learns about a call: x-gateway-tenant is the consumer's (the app's) tenant,
// x-gateway-api-tenant the provider's (the API's); a client can spoof neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restApi, tenantWithToken, V1 } from '../test-support/admin-fixtures.js';
import { type Echo, json, startEcho, startTestGateway, type TestGateway } from '../test-support/harness.js';

describe('identity headers upstream', () => {
  let echo: Echo;
  let gw: TestGateway;
  beforeAll(async () => {
    echo = await startEcho();
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.stop();
    await echo?.close();
  });

  it('names the consumer tenant and the provider tenant of a cross-tenant subscription', async () => {
    const provider = await tenantWithToken(gw.admin, 'provider');
    const consumer = await tenantWithToken(gw.admin, 'consumer');
    const api = await provider.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/ident', visibility: 'public', approval: 'auto', targets: [{ url: echo.url }] }),
    );
    await provider.client.ok('POST', `${V1}/apis/${api.id}/publish`);
    const plan = await provider.client.ok('POST', `${V1}/apis/${api.id}/plans`, { name: 'p' });
    const app = await consumer.client.ok('POST', `${V1}/apps`, { name: 'buyer' });
    const { key } = await consumer.client.ok('POST', `${V1}/apps/${app.id}/keys`, {});
    const sub = await consumer.client.ok('POST', `${V1}/subscriptions`, {
      appId: app.id,
      apiId: api.id,
      planId: plan.id,
    });
    const res = await fetch(`${gw.url}/ident/x`, {
      headers: { 'x-api-key': key, 'x-gateway-tenant': 'spoofed', 'x-gateway-api-tenant': 'spoofed' },
    });
    expect(res.status).toBe(200);
    const seen = (await json(res)).headers;
    expect({
      tenant: seen['x-gateway-tenant'],
      apiTenant: seen['x-gateway-api-tenant'],
      app: seen['x-gateway-app'],
      subscription: seen['x-gateway-subscription'],
    }).toEqual({ tenant: consumer.id, apiTenant: provider.id, app: app.id, subscription: sub.id });
  });
});
