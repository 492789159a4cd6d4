// Webhooks end to end on both stores, against a real receiver on a loopback port: the secret is shown once and
// signs every delivery; subscription events reach both tenants; a receiver that is down is retried until it is
// back (across a gateway restart, since deliveries live in the store) and gets the event exactly once; tenants
// never see each other's webhooks. The short retry settings come from config, nothing here measures time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  restApi,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { startEcho, startTestGateway, type TestGateway } from '../test-support/harness.js';
import { sharedRedisUrl } from '../test-support/redis.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { eventually, FAST, Receiver } from '../test-support/webhook-receiver.js';
import { webhookEvents } from './events.js';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';

const deliveries = async (t: TenantHandle, webhookId: string) =>
  (await t.client.ok('GET', `${V1}/webhooks/${webhookId}/deliveries`)).items as any[];

// PostgreSQL runs with Redis limits, as several replicas would: quota thresholds are then seen in Redis.
const setups = storeKinds.map((kind) => ({
  kind,
  label: kind === 'postgres' ? 'postgres + redis' : kind,
  env: kind === 'postgres' ? { REDIS_URL: sharedRedisUrl } : {},
}));

describe.each(setups)('webhooks on $label', ({ kind, env }) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let receiver: Receiver;
  let a: TenantHandle;
  let b: TenantHandle;
  let hookA: { id: string; secret: string };
  let hookB: { id: string; secret: string };

  beforeAll(async () => {
    db = await testDatabase(kind);
    gw = await startTestGateway({ DATABASE_URL: db.url, ...FAST, ...env });
    receiver = await new Receiver().start();
    a = await tenantWithToken(gw.admin, 'provider');
    b = await tenantWithToken(gw.admin, 'consumer');
  });
  afterAll(async () => {
    await gw?.stop();
    await receiver?.stop();
    await db?.drop();
  });

  it('shows the secret once and signs each delivery with it', async () => {
    const created = await a.client.request('POST', `${V1}/webhooks`, {
      name: 'ops',
      url: receiver.url,
      events: [...webhookEvents],
    });
    const view = {
      id: expect.stringMatching(/^whk_/),
      tenantId: a.id,
      name: 'ops',
      url: receiver.url,
      events: [...webhookEvents],
      enabled: true,
      secretHint: expect.stringMatching(/^…[A-Za-z0-9_-]{4}$/),
      previousSecretExpiresAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...view, secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
    hookA = created.body;
    expect(created.body.secretHint).toBe(`…${hookA.secret.slice(-4)}`);
    expect(await a.client.ok('GET', `${V1}/webhooks/${hookA.id}`)).toEqual(view);
    expect((await a.client.ok('GET', `${V1}/webhooks`)).items).toEqual([view]);

    const queued = await a.client.request('POST', `${V1}/webhooks/${hookA.id}/test`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({
      webhookId: hookA.id,
      eventType: 'webhook.test',
      status: 'pending',
      attempts: 0,
    });
    const [done] = await eventually('the test delivery', async () => {
      const list = await deliveries(a, hookA.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    expect(done).toMatchObject({ id: queued.body.id, attempts: 1, responseStatus: 204, error: null });

    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['gateway-event-id']).toBe(queued.body.eventId);
    expect(headers['gateway-event-type']).toBe('webhook.test');
    expect(verifySignature(hookA.secret, String(headers[SIGNATURE_HEADER]), body)).toBe(true);
    expect(verifySignature(hookA.secret, String(headers[SIGNATURE_HEADER]), `${body} `)).toBe(false);
    expect(verifySignature('whsec_other', String(headers[SIGNATURE_HEADER]), body)).toBe(false);
    expect(JSON.parse(body)).toEqual({
      id: queued.body.eventId,
      type: 'webhook.test',
      createdAt: expect.any(String),
      tenantId: a.id,
      data: { webhook: { id: hookA.id, name: 'ops' } },
    });
  });

  it('tells both sides of a subscription about its requests and decisions', async () => {
    hookB = await b.client.ok('POST', `${V1}/webhooks`, {
      name: 'subs',
      url: receiver.url,
      events: [
        'subscription.requested',
        'subscription.approved',
        'subscription.rejected',
        'subscription.revoked',
      ],
    });
    const api = await a.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ visibility: 'public', approval: 'manual' }),
    );
    await a.client.ok('POST', `${V1}/apis/${api.id}/publish`);
    const plan = await a.client.ok('POST', `${V1}/apis/${api.id}/plans`, { name: 'free' });
    const app = await b.client.ok('POST', `${V1}/apps`, { name: 'shop' });
    const apply = () =>
      b.client.ok('POST', `${V1}/subscriptions`, { appId: app.id, apiId: api.id, planId: plan.id });
    const first = await apply();
    await a.client.ok('POST', `${V1}/subscriptions/${first.id}/approve`, {});
    await b.client.ok('POST', `${V1}/subscriptions/${first.id}/revoke`, {});
    const second = await apply();
    await a.client.ok('POST', `${V1}/subscriptions/${second.id}/reject`, {});

    const sequence = [
      [first.id, 'subscription.requested'],
      [first.id, 'subscription.approved'],
      [first.id, 'subscription.revoked'],
      [second.id, 'subscription.requested'],
      [second.id, 'subscription.rejected'],
    ];
    const heard = (tenantId: string) =>
      receiver
        .events()
        .filter((e) => e.tenantId === tenantId && e.type.startsWith('subscription.'))
        .map((e) => [e.data.subscription.id, e.type]);
    await eventually('ten subscription events', async () =>
      heard(a.id).length + heard(b.id).length >= 10 ? true : undefined,
    );
    // Deliveries of one round go out together, so only the set is certain, not the order.
    expect(heard(a.id).sort()).toEqual([...sequence].sort());
    expect(heard(b.id).sort()).toEqual([...sequence].sort());
    const approved = receiver
      .events()
      .find((e) => e.tenantId === b.id && e.type === 'subscription.approved')!;
    expect(approved.data).toEqual({
      subscription: expect.objectContaining({
        id: first.id,
        appId: app.id,
        apiId: api.id,
        status: 'approved',
      }),
      appTenantId: b.id,
      apiTenantId: a.id,
    });
    // B's webhook was created after A's first test event: B never got A's events.
    expect(receiver.events().filter((e) => e.tenantId === b.id && e.type === 'webhook.test')).toEqual([]);
  });

  it("keeps tenants apart: another tenant's webhook is a 404 everywhere", async () => {
    const missing = `webhook ${hookA.id} not found`;
    for (const [method, path, body] of [
      ['GET', `${V1}/webhooks/${hookA.id}`],
      ['PATCH', `${V1}/webhooks/${hookA.id}`, { enabled: false }],
      ['POST', `${V1}/webhooks/${hookA.id}/test`],
      ['GET', `${V1}/webhooks/${hookA.id}/deliveries`],
      ['DELETE', `${V1}/webhooks/${hookA.id}`],
    ] as const) {
      expectProblem(await b.client.request(method, path, body), 404, 'not_found', missing);
    }
    expect((await b.client.ok('GET', `${V1}/webhooks`)).items.map((h: any) => h.id)).toEqual([hookB.id]);
    expect((await gw.admin.ok('GET', `${V1}/webhooks?tenantId=${a.id}`)).items.map((h: any) => h.id)).toEqual(
      [hookA.id],
    );
    expect(await a.client.ok('GET', `${V1}/webhooks/${hookA.id}`)).toMatchObject({ enabled: true });
  });

  it('announces a key that is about to expire, once', async () => {
    const app = await b.client.ok('POST', `${V1}/apps`, { name: 'expiring' });
    await b.client.ok('PATCH', `${V1}/webhooks/${hookB.id}`, { events: ['key.expiring', 'webhook.test'] });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const key = await b.client.ok('POST', `${V1}/apps/${app.id}/keys`, { name: 'soon', expiresAt });
    const announced = () =>
      receiver.events().filter((e) => e.type === 'key.expiring' && e.data.key.id === key.id);
    await eventually('key.expiring', async () => (announced().length > 0 ? true : undefined));
    // Later rounds check again and stay quiet: a test event queued afterwards is delivered after at least one.
    const queued = await b.client.ok('POST', `${V1}/webhooks/${hookB.id}/test`);
    await eventually('the later test event', async () =>
      receiver.events().some((e) => e.id === queued.eventId) ? true : undefined,
    );
    expect(announced()).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: 'key.expiring',
        createdAt: expect.any(String),
        tenantId: b.id,
        data: {
          key: { id: key.id, name: 'soon', prefix: key.prefix, expiresAt: key.expiresAt },
          app: { id: app.id, name: 'expiring' },
        },
      },
    ]);
  });

  it('warns at 80 % of a quota and says when it is used up, once per window', async () => {
    const echo = await startEcho();
    try {
      await b.client.ok('PATCH', `${V1}/webhooks/${hookB.id}`, {
        events: ['quota.warning', 'quota.exhausted', 'webhook.test'],
      });
      const api = await a.client.ok(
        'POST',
        `${V1}/apis`,
        restApi({
          name: 'metered',
          basePath: '/metered',
          visibility: 'public',
          approval: 'auto',
          targets: [{ url: echo.url }],
        }),
      );
      await a.client.ok('POST', `${V1}/apis/${api.id}/publish`);
      const plan = await a.client.ok('POST', `${V1}/apis/${api.id}/plans`, {
        name: 'five',
        quota: { requestsPerDay: 5 },
      });
      const app = await b.client.ok('POST', `${V1}/apps`, { name: 'metered app' });
      const key = await b.client.ok('POST', `${V1}/apps/${app.id}/keys`, { name: 'k' });
      const sub = await b.client.ok('POST', `${V1}/subscriptions`, {
        appId: app.id,
        apiId: api.id,
        planId: plan.id,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await fetch(`${gw.url}/metered/x`, { headers: { 'x-api-key': key.key } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const quotaEvents = (tenantId: string) =>
        receiver
          .events()
          .filter(
            (e) =>
              e.tenantId === tenantId && e.type.startsWith('quota.') && e.data.subscription.id === sub.id,
          );
      await eventually('both quota events on both sides', async () =>
        quotaEvents(a.id).length >= 2 && quotaEvents(b.id).length >= 2 ? true : undefined,
      );
      // A test event queued now is delivered after any stray duplicate would have been.
      const queued = await b.client.ok('POST', `${V1}/webhooks/${hookB.id}/test`);
      await eventually('the later test event', async () =>
        receiver.events().some((e) => e.id === queued.eventId) ? true : undefined,
      );
      const expected = (percent: number) => ({
        percent,
        limit: 5,
        window: 'day',
        scope: 'plan',
        tenantId: b.id,
        subscription: { id: sub.id, appId: app.id, apiId: api.id, planId: plan.id },
      });
      for (const t of [a, b]) {
        const got = quotaEvents(t.id).sort((x, y) => x.data.percent - y.data.percent);
        expect(got.map((e) => [e.type, e.data])).toEqual([
          ['quota.warning', expected(80)],
          ['quota.exhausted', expected(100)],
        ]);
      }
    } finally {
      await echo.close();
    }
  });

  it('retries a receiver that is down and delivers once it is back, across a gateway restart', async () => {
    const down = await new Receiver().start();
    const port = down.port;
    await down.stop();
    const hook = await a.client.ok('POST', `${V1}/webhooks`, {
      name: 'flaky',
      url: down.url,
      events: ['webhook.test'],
    });
    const queued = await a.client.ok('POST', `${V1}/webhooks/${hook.id}/test`);
    const failing = await eventually('two failed attempts', async () => {
      const [d] = await deliveries(a, hook.id);
      return d.attempts >= 2 ? d : undefined;
    });
    expect(failing).toMatchObject({ status: 'pending', error: expect.stringMatching(/ECONNREFUSED/) });

    // The pending delivery lives in the store: a new gateway on it carries on.
    await gw.stop();
    gw = await startTestGateway({ DATABASE_URL: db.url, ...FAST, ...env });
    a = { ...a, client: gw.admin.as(a.token) };
    await down.start(port);
    try {
      const [done] = await eventually('the delivery once the receiver is back', async () => {
        const list = await deliveries(a, hook.id);
        return list[0]?.status === 'delivered' ? list : undefined;
      });
      expect(done).toMatchObject({ id: queued.id, responseStatus: 204, error: null });
      expect(done.attempts).toBeGreaterThanOrEqual(3);
      expect(down.received).toHaveLength(1);
      const { headers, body } = down.received[0]!;
      expect(JSON.parse(body).id).toBe(queued.eventId);
      expect(verifySignature(hook.secret, String(headers[SIGNATURE_HEADER]), body)).toBe(true);
    } finally {
      await down.stop();
    }
  });
});
