// Rolling a webhook's signing secret and re-sending a delivery, on both stores, against a real receiver: a
// secret the caller manages (configuration as code) is taken as given and shown only by its hint; after a
// rotation both the new and the previous secret sign each delivery (two `v1=`) until the grace period ends; a
// rotation without grace drops the previous secret at once; a redelivery is a new delivery of the same event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type TenantHandle, tenantWithToken, V1 } from '../test-support/admin-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { eventually, FAST, Receiver } from '../test-support/webhook-receiver.js';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';

const OWN = 'my-own-signing-secret-0123456789-abcd';

describe.each(storeKinds)('webhook secret rotation and redelivery on %s', (kind) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let receiver: Receiver;
  let t: TenantHandle;
  let hookId: string;

  beforeAll(async () => {
    db = await testDatabase(kind);
    gw = await startTestGateway({ DATABASE_URL: db.url, ...FAST });
    receiver = await new Receiver().start();
    t = await tenantWithToken(gw.admin, 'rotating');
  });
  afterAll(async () => {
    await gw?.stop();
    await receiver?.stop();
    await db?.drop();
  });

  /** Queues a test event and returns the signature header its delivery carried. */
  async function signedTestDelivery(): Promise<{ header: string; body: string }> {
    const queued = await t.client.ok('POST', `${V1}/webhooks/${hookId}/test`);
    const got = await eventually('the test delivery', async () =>
      receiver.received.find((r) => r.headers['gateway-event-id'] === queued.eventId),
    );
    return { header: String(got.headers[SIGNATURE_HEADER]), body: got.body };
  }
  const v1Count = (header: string) => header.split(',').filter((p) => p.startsWith('v1=')).length;

  it('takes a secret the caller manages, refuses a short one, and shows only its hint', async () => {
    expectProblem(
      await t.client.request('POST', `${V1}/webhooks`, {
        name: 'short',
        url: receiver.url,
        events: ['webhook.test'],
        secret: 'too-short',
      }),
      400,
      'validation_failed',
      'invalid request: body.secret',
      { errors: [{ in: 'body', field: 'secret', message: 'must be at least 32 characters' }] },
    );
    const created = await t.client.request('POST', `${V1}/webhooks`, {
      name: 'managed',
      url: receiver.url,
      events: ['webhook.test'],
      secret: OWN,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ secret: OWN, secretHint: '…abcd', previousSecretExpiresAt: null });
    hookId = created.body.id;
    const view = await t.client.ok('GET', `${V1}/webhooks/${hookId}`);
    expect(view).not.toHaveProperty('secret');
    expect(view).toMatchObject({ secretHint: '…abcd', previousSecretExpiresAt: null });
    const { header, body } = await signedTestDelivery();
    expect(v1Count(header)).toBe(1);
    expect(verifySignature(OWN, header, body)).toBe(true);
  });

  it('signs with both secrets during the grace period, then with the new one only', async () => {
    const before = Date.now();
    const rolled = await t.client.request('POST', `${V1}/webhooks/${hookId}/rotate-secret`, {});
    expect(rolled.status).toBe(200);
    const next = rolled.body.secret as string;
    expect(next).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(rolled.body.secretHint).toBe(`…${next.slice(-4)}`);
    // The default grace is one day.
    const expires = Date.parse(rolled.body.previousSecretExpiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(86_400_000);
    expect(expires - before).toBeLessThan(86_400_000 + 60_000);

    const during = await signedTestDelivery();
    expect(v1Count(during.header)).toBe(2);
    expect(verifySignature(next, during.header, during.body)).toBe(true);
    expect(verifySignature(OWN, during.header, during.body)).toBe(true);

    const final = 'the-final-secret-set-by-config-as-code-9876';
    const dropped = await t.client.ok('POST', `${V1}/webhooks/${hookId}/rotate-secret`, {
      secret: final,
      graceSeconds: 0,
    });
    expect(dropped).toMatchObject({ secret: final, secretHint: '…9876', previousSecretExpiresAt: null });
    const after = await signedTestDelivery();
    expect(v1Count(after.header)).toBe(1);
    expect(verifySignature(final, after.header, after.body)).toBe(true);
    expect(verifySignature(next, after.header, after.body)).toBe(false);
  });

  it('sends a delivery again as a new delivery with the same event id and body', async () => {
    const queued = await t.client.ok('POST', `${V1}/webhooks/${hookId}/test`);
    await eventually('the first delivery', async () =>
      receiver.received.find((r) => r.headers['gateway-event-id'] === queued.eventId),
    );
    const again = await t.client.request(
      'POST',
      `${V1}/webhooks/${hookId}/deliveries/${queued.id}/redeliver`,
    );
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      webhookId: hookId,
      eventId: queued.eventId,
      eventType: 'webhook.test',
      status: 'pending',
      attempts: 0,
      createdAt: queued.createdAt,
    });
    expect(again.body.id).toBeGreaterThan(queued.id);
    const copies = await eventually('the redelivery', async () => {
      const got = receiver.received.filter((r) => r.headers['gateway-event-id'] === queued.eventId);
      return got.length === 2 ? got : undefined;
    });
    expect(copies[1]!.body).toBe(copies[0]!.body);
    const log = (await t.client.ok('GET', `${V1}/webhooks/${hookId}/deliveries`)).items as any[];
    expect(log.filter((d) => d.eventId === queued.eventId).map((d) => [d.id, d.status, d.attempts])).toEqual([
      [again.body.id, 'delivered', 1],
      [queued.id, 'delivered', 1],
    ]);
    expectProblem(
      await t.client.request('POST', `${V1}/webhooks/${hookId}/deliveries/999999/redeliver`),
      404,
      'not_found',
      'delivery 999999 not found',
    );
  });
});
