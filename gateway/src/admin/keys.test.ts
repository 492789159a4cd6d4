// API keys on both stores: the key is returned once, the store holds only a hash of its secret, listings never
// show it, revocation and expiry stop it at the data plane; one key can be read, patched and rotated with overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../security/secrets.js';
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

describe.each(storeKinds)('API keys on %s', (kind) => {
  let fx: AdminFixture;
  let echo: Echo;
  let tenant: TenantHandle;
  let appId: string;

  beforeAll(async () => {
    echo = await startEcho();
    fx = await startOn(kind);
    tenant = await tenantWithToken(fx.admin, 'keys');
    const api = await tenant.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/k', approval: 'auto', targets: [{ url: echo.url }] }),
    );
    await tenant.client.ok('POST', `${V1}/apis/${api.id}/publish`);
    const plan = await tenant.client.ok('POST', `${V1}/apis/${api.id}/plans`, { name: 'p' });
    appId = (await tenant.client.ok('POST', `${V1}/apps`, { name: 'keys-app' })).id;
    await tenant.client.ok('POST', `${V1}/subscriptions`, { appId, apiId: api.id, planId: plan.id });
  });
  afterAll(async () => {
    await fx.close();
    await echo.close();
  });

  const call = async (key: string) =>
    (await fetch(`${fx.gateway.url}/k/ping`, { headers: { 'x-api-key': key } })).status;

  it('returns the key once and stores only the hash of its secret', async () => {
    const reply = await tenant.client.request('POST', `${V1}/apps/${appId}/keys`, { name: 'prod' });
    expect(reply.status).toBe(201);
    const issued = reply.body;
    expect(issued).toEqual({
      id: expect.stringMatching(/^key_/),
      appId,
      name: 'prod',
      prefix: expect.stringMatching(/^gk_[0-9a-f]{12}$/),
      key: expect.stringMatching(/^gk_[0-9a-f]{12}\.[A-Za-z0-9_-]{27}$/),
      expiresAt: null,
      createdAt: expect.any(String),
    });
    expect(issued.key.startsWith(`${issued.prefix}.`)).toBe(true);
    const secret = issued.key.slice(issued.prefix.length + 1);

    const row = await fx.gateway.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      id: issued.id,
      app_id: appId,
      name: 'prod',
      prefix: issued.prefix,
      hash: hashSecret(secret),
      expires_at: null,
      revoked_at: null,
      created_at: issued.createdAt,
    });
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await tenant.client.ok('GET', `${V1}/apps/${appId}/keys`);
    expect(listed.items).toContainEqual({
      id: issued.id,
      appId,
      name: 'prod',
      prefix: issued.prefix,
      expiresAt: null,
      revokedAt: null,
      createdAt: issued.createdAt,
    });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await call(issued.key)).toBe(200);
  });

  it('revoking sets revoked_at, stops the key at once, and is idempotent', async () => {
    const issued = await tenant.client.ok('POST', `${V1}/apps/${appId}/keys`, {});
    expect(await call(issued.key)).toBe(200);
    const reply = await tenant.client.request('DELETE', `${V1}/apps/${appId}/keys/${issued.id}`);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(await call(issued.key)).toBe(401);
    const row = await fx.gateway.store.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    expect(Date.parse(row.revoked_at!)).not.toBeNaN();
    expect((await tenant.client.request('DELETE', `${V1}/apps/${appId}/keys/${issued.id}`)).status).toBe(204);
    const again = await fx.gateway.store.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    expect(again.revoked_at).toBe(row.revoked_at);
    expectProblem(
      await tenant.client.request('DELETE', `${V1}/apps/${appId}/keys/key_nope`),
      404,
      'not_found',
      'key key_nope not found',
    );
  });

  it('honours expiresAt (normalised to UTC): the key works until then and is refused after', async () => {
    const expiresAt = new Date(Date.now() + 2500);
    const offset = `${expiresAt.toISOString().slice(0, 19)}+00:00`; // same instant, written with an offset
    const issued = await tenant.client.ok('POST', `${V1}/apps/${appId}/keys`, { expiresAt: offset });
    expect(issued.expiresAt).toBe(`${expiresAt.toISOString().slice(0, 19)}.000Z`);
    expect(await call(issued.key)).toBe(200);
    // Wait for the instant to pass (a state change, not a speed check).
    await new Promise((r) => setTimeout(r, Date.parse(issued.expiresAt) - Date.now() + 50));
    const res = await fetch(`${fx.gateway.url}/k/ping`, { headers: { 'x-api-key': issued.key } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('key_expired');
  });

  it('reads and patches one key; another tenant gets 404', async () => {
    const issued = await tenant.client.ok('POST', `${V1}/apps/${appId}/keys`, { name: 'ci' });
    const { key: _secret, ...view } = issued;
    const path = `${V1}/apps/${appId}/keys/${issued.id}`;
    expect(await tenant.client.ok('GET', path)).toEqual({ ...view, revokedAt: null });
    const other = await tenantWithToken(fx.admin, 'nosy');
    expectProblem(await other.client.request('GET', path), 404, 'not_found', `app ${appId} not found`);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const patched = await tenant.client.ok('PATCH', path, { name: 'ci-2', expiresAt });
    expect(patched).toEqual({ ...view, name: 'ci-2', expiresAt, revokedAt: null });
    expect(await tenant.client.ok('GET', path)).toEqual(patched);
    expect((await tenant.client.request('PATCH', path, { expiresAt: '2000-01-01T00:00:00Z' })).status).toBe(
      400,
    );
    expect((await tenant.client.request('PATCH', path, { secret: 'x' })).status).toBe(400);
    // A past expiry can only come from the clock: patching it to a moment ago is refused, so the key still works.
    expect(await call(issued.key)).toBe(200);
  });

  it('rotates with overlap: both keys work until the given time, then only the new one', async () => {
    const old = await tenant.client.ok('POST', `${V1}/apps/${appId}/keys`, { name: 'prod' });
    const until = new Date(Date.now() + 3000).toISOString();
    const reply = await tenant.client.request('POST', `${V1}/apps/${appId}/keys/${old.id}/rotate`, {
      oldKeyExpiresAt: until,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^key_/),
      appId,
      name: 'prod',
      prefix: expect.stringMatching(/^gk_/),
      key: expect.stringMatching(/^gk_/),
      expiresAt: null,
      createdAt: expect.any(String),
    });
    expect(reply.body.id).not.toBe(old.id);
    expect((await tenant.client.ok('GET', `${V1}/apps/${appId}/keys/${old.id}`)).expiresAt).toBe(until);
    expect([await call(old.key), await call(reply.body.key)]).toEqual([200, 200]);
    await expect.poll(() => call(old.key), { timeout: 15_000, interval: 250 }).toBe(401);
    expect(await call(reply.body.key)).toBe(200);
    const audit = await tenant.client.ok('GET', `${V1}/audit?action=rotateKey`);
    expect(audit.items[0].after.key).toBe('[redacted]');
  });

  it('refuses to rotate a revoked key (409)', async () => {
    const k = await tenant.client.ok('POST', `${V1}/apps/${appId}/keys`, {});
    await tenant.client.ok('DELETE', `${V1}/apps/${appId}/keys/${k.id}`);
    expectProblem(
      await tenant.client.request('POST', `${V1}/apps/${appId}/keys/${k.id}/rotate`, {}),
      409,
      'conflict',
      'the key is revoked or expired; issue a new one instead',
    );
  });
});
